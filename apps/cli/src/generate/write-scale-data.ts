/**
 * `ledger generate --scale hub|national [--seed N]`: writes the deterministic data set of scale-data.ts through
 * the runtime's event store, so personal data is sealed exactly as the application seals it. Many streams are
 * appended concurrently, each stream's events in one append with `no_stream`; the event ids are derived from
 * the seed, so running it again on the same database appends nothing (idempotent retry).
 */
import { ectIdSecret } from '#platform/personal-data/keyed-id.js';
import type { EventStore } from '#event-store/event-store.port.js';
import type { Ledger } from '../compose.js';
import { emptyStats, generateScaleData, type GeneratedStream, type GenerationStats } from './scale-data.js';
import type { ScaleProfile } from './scale-profiles.js';

export interface WriteOptions {
  readonly profile: ScaleProfile;
  readonly seed: number;
  /** Streams appended at once (default 8: two per core leaves PostgreSQL room). */
  readonly concurrency?: number;
  readonly onProgress?: (stats: GenerationStats, seconds: number) => void;
}

export interface WriteResult extends GenerationStats {
  seconds: number;
  eventsPerSecond: number;
  /** Streams that were already there with the same events (a re-run). */
  alreadyThere: number;
}

export async function writeScaleData(
  ledger: Pick<Ledger, 'runtime' | 'domain'>,
  options: WriteOptions,
): Promise<WriteResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const idSecret = await ectIdSecret(ledger.runtime.keyVault);
  const stats = emptyStats();
  const streams = generateScaleData(
    { profile: options.profile, seed: options.seed, idSecret, domain: ledger.domain },
    stats,
  );
  const store: EventStore = ledger.runtime.eventStore;
  let alreadyThere = 0;
  let written = 0;
  let lastReport = 0;

  const appendOne = async (stream: GeneratedStream) => {
    if (stream.events.length === 0) return;
    const result = await store.append(stream.streamId, stream.events, { expectedRevision: 'no_stream' });
    if (result.nextExpectedRevision !== BigInt(stream.events.length - 1)) alreadyThere += 1;
    written += 1;
  };
  // Schools first and on their own, so every ECT's school is on the register before its ECT.
  const concurrency = options.concurrency ?? 8;
  const inFlight = new Set<Promise<void>>();
  let schoolsDone = false;
  for (const stream of streams) {
    if (stream.kind === 'ect' && !schoolsDone) {
      await Promise.all(inFlight);
      schoolsDone = true;
    }
    const task = appendOne(stream).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (options.onProgress && written - lastReport >= 5_000) {
      lastReport = written;
      options.onProgress(stats, elapsed());
    }
  }
  await Promise.all(inFlight);
  const seconds = elapsed();
  return { ...stats, seconds, eventsPerSecond: stats.events / seconds, alreadyThere };
}
