/** The benchmark's results as Markdown tables, with each target marked met or missed. */
import type { BenchResults } from '../run-bench.js';

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-GB') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `### Run of ${r.startedAt} (${r.mode}, ${r.scale} scale, seed ${r.seed}, ${r.seconds.toFixed(0)} s)`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.postgres}; ` +
      `load average ${m.loadAverage.start.toFixed(1)} at the start, ${m.loadAverage.end.toFixed(1)} at the end` +
      (Math.max(m.loadAverage.start, m.loadAverage.end) > m.cores
        ? ' (**shared machine: absolute figures are skewed; same-run ratios less so**).'
        : '.'),
    '',
    '#### Appends: one event to a new stream per append',
    '',
    '| store | concurrency | events | events/s | p50 ms | p95 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of r.appends.rows) {
    lines.push(
      `| ${row.store} | ${row.concurrency} | ${int(row.events)} | ${int(row.eventsPerSecond)} | ${ms(row.latencyMs.p50)} | ${ms(row.latencyMs.p95)} | ${ms(row.latencyMs.p99)} |`,
    );
  }
  lines.push(
    '',
    `Multi-row INSERT (${r.appends.multiRowInsert.rowsPerStatement} rows per statement, one writer): ${int(r.appends.multiRowInsert.eventsPerSecond)} events/s.`,
    '',
    '| concurrency | ours ÷ Emmett | ours ÷ raw INSERT | proposed ÷ Emmett |',
    '| ---: | ---: | ---: | ---: |',
    ...r.appends.ratios.map(
      (q) =>
        `| ${q.concurrency} | ${x(q.ledgerOverEmmett)} | ${x(q.ledgerOverRawInsert)} | ${x(q.proposedOverEmmett)} |`,
    ),
    '',
    '#### Data set and rebuild',
    '',
    `Generated ${int(r.generation.events)} events (${int(r.generation.schools)} schools, ${int(r.generation.ects)} ECTs) ` +
      `through the sealing event store in ${r.generation.seconds.toFixed(1)} s (${int(r.generation.eventsPerSecond)} events/s, simulation included).`,
    '',
    `Rebuild of all ${r.rebuild.projections.length} projections in one pass over the log (pages of 10,000 events), ` +
      `fresh tables then swap:`,
    '',
    '| pass | events read | seconds | events/s |',
    '| --- | ---: | ---: | ---: |',
    `| rebuild (all projections, one pass) | ${int(r.rebuild.total.eventsRead)} | ${r.rebuild.total.seconds.toFixed(1)} | ${int(r.rebuild.total.eventsPerSecond)} |`,
    `| raw \`COPY\` of the log | ${int(r.rebuild.rawCopy.rows)} | ${r.rebuild.rawCopy.seconds.toFixed(1)} | ${int(r.rebuild.rawCopy.rowsPerSecond)} |`,
    '',
    `Events applied per projection: ${r.rebuild.projections.map((p) => `${p.name} ${int(p.eventsApplied)}`).join(', ')}.`,
    '',
  );

  const http = 'rows' in r.http ? r.http : null;
  if (http) {
    lines.push(
      '#### HTTP (autocannon, 10 connections; api and worker as separate processes)',
      '',
      '| request | kind | requests | non-2xx | req/s | p50 ms | p95 ms | p99 ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...http.rows.map(
        (h) =>
          `| ${h.name} | ${h.kind} | ${int(h.requests)} | ${int(h.non2xx)} | ${int(h.requestsPerSecond)} | ${ms(h.latencyMs.p50)} | ${ms(h.latencyMs.p95)} | ${ms(h.latencyMs.p99)} |`,
      ),
      '',
      ...(http.notBuilt.length > 0
        ? [`Not yet built, so not measured: ${http.notBuilt.join('; ')}.`, '']
        : []),
      `Peak RSS: api ${http.peakRssMb.api} MB, worker ${http.peakRssMb.worker} MB (VmHWM); the bench process itself (generator and rebuild) ${r.benchProcessPeakRssMb} MB.`,
      '',
    );
  } else {
    lines.push(`HTTP: ${(r.http as { skipped: string }).skipped}.`, '');
  }

  const at64 = r.appends.ratios.find((q) => q.concurrency === 64)!;
  const rebuildRatio = r.rebuild.ratio;
  const commands = http?.rows.filter((h) => h.kind === 'command') ?? [];
  const queries = http?.rows.filter((h) => h.kind === 'query') ?? [];
  const worst = (rows: typeof commands) => Math.max(...rows.map((h) => h.latencyMs.p95));
  const report = http?.annualReport;
  const national = r.scale === 'national';
  lines.push(
    '#### Targets (2 cores)',
    '',
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    `| appends ≥ 1.5× Emmett at concurrency 64 | ${x(at64.ledgerOverEmmett)} | ${verdict(at64.ledgerOverEmmett >= 1.5)} |`,
    `| rebuild ≥ 50% of raw COPY | ${(rebuildRatio * 100).toFixed(0)}% | ${verdict(rebuildRatio >= 0.5)} |`,
    `| 2.4M-event rebuild < 2 min | ${r.rebuild.total.seconds.toFixed(0)} s for ${int(r.rebuild.total.eventsRead)} events read (one pass, ${r.rebuild.projections.length} projections)${national ? '' : ', not national scale'} | ${national ? verdict(r.rebuild.total.seconds < 120) : 'n/a (quick)'} |`,
    `| command p95 < 15 ms | ${commands.length ? `${ms(worst(commands))} ms` : 'n/a'}${national ? '' : ' (hub data)'} | ${commands.length ? verdict(worst(commands) < 15) : 'n/a'} |`,
    `| query p95 < 20 ms | ${queries.length ? `${ms(worst(queries))} ms` : 'n/a'}${national ? '' : ' (hub data)'} | ${queries.length ? verdict(worst(queries) < 20) : 'n/a'} |`,
    `| annual report < 5 s | ${report === undefined ? 'n/a' : report === 'not yet built' ? 'not yet built' : `${report.seconds.toFixed(2)} s (HTTP ${report.status})`} | ${report && report !== 'not yet built' ? verdict(report.seconds < 5) : 'n/a'} |`,
  );
  return lines.join('\n');
}
