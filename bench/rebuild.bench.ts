/**
 * 2. Projection rebuild of every read model (`rebuildProjection` for each of `ledgerProjections`), against a raw
 * `COPY` of the same rows out of PostgreSQL (psql `\copy ... TO /dev/null`: the wire and the server's part of
 * reading the log, with nothing done to the rows).
 */
import { spawnSync } from 'node:child_process';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import type { Ledger } from '../apps/cli/src/compose.js';

export interface RebuildResults {
  projections: {
    name: string;
    eventsRead: number;
    eventsApplied: number;
    seconds: number;
    eventsPerSecond: number;
  }[];
  /** All projections one after another: the whole log is read once per projection. */
  total: { eventsRead: number; seconds: number; eventsPerSecond: number };
  rawCopy: { rows: number; seconds: number; rowsPerSecond: number };
  /** rebuild events/s (per projection pass, averaged over the passes) ÷ raw COPY rows/s. */
  ratio: number;
}

export async function benchRebuild(ledger: Ledger, databaseUrl: string): Promise<RebuildResults> {
  const projections: RebuildResults['projections'] = [];
  for (const projection of ledger.projections) {
    const result = await rebuildProjection(ledger.runtime.dataSource, ledger.runtime.eventStore, projection);
    projections.push({
      name: projection.name,
      eventsRead: result.eventsRead,
      eventsApplied: result.eventsApplied,
      seconds: result.seconds,
      eventsPerSecond: result.eventsRead / result.seconds,
    });
  }
  const eventsRead = projections.reduce((sum, p) => sum + p.eventsRead, 0);
  const seconds = projections.reduce((sum, p) => sum + p.seconds, 0);
  const rawCopy = timeRawCopy(databaseUrl);
  const perSecond = eventsRead / seconds;
  return {
    projections,
    total: { eventsRead, seconds, eventsPerSecond: perSecond },
    rawCopy,
    ratio: perSecond / rawCopy.rowsPerSecond,
  };
}

export function timeRawCopy(databaseUrl: string): RebuildResults['rawCopy'] {
  const sql = `\\copy (SELECT global_position, transaction_id, stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at FROM event_store.events ORDER BY transaction_id, global_position) TO '/dev/null'`;
  const started = process.hrtime.bigint();
  const result = spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', sql], {
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`psql \\copy failed: ${result.stderr}`);
  const rows = Number(/COPY (\d+)/.exec(result.stdout)?.[1] ?? NaN);
  return { rows, seconds, rowsPerSecond: rows / seconds };
}
