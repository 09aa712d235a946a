/** Latency recording for the benchmark: per-operation times in ms, summarised as p50/p95/p99. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(at(1)),
  };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `total` operations with `concurrency` workers; returns events/s and the latency of each operation. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  operation: (index: number) => Promise<void>,
): Promise<{ perSecond: number; seconds: number; latency: LatencySummary }> {
  const samples: number[] = [];
  let next = 0;
  const started = nowMs();
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= total) return;
      const t = nowMs();
      await operation(index);
      samples.push(nowMs() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (nowMs() - started) / 1000;
  return { perSecond: total / seconds, seconds, latency: summarise(samples) };
}
