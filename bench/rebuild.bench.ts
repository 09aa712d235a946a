/**
 * 2. Projection rebuild of every read model in ONE pass over the log (`rebuildProjections`, through the
 * decrypting event store as `ledger rebuild --all` does), against a raw `COPY` of the same rows out of
 * PostgreSQL (psql `\copy ... TO /dev/null`: the wire and the server's part of reading the log, with nothing
 * done to the rows).
 */
import { spawnSync } from 'node:child_process';
import { type RebuildResult, rebuildProjections } from '#read-models/runner/projection-rebuild.js';
import type { Ledger } from '../apps/cli/src/compose.js';
import { ledgerRebuildThreads } from '../apps/worker/src/rebuild-threads.js';

export interface RebuildResults {
  /** Events each projection applied (all share the one pass, so no per-projection time). */
  projections: {
    name: string;
    eventsRead: number;
    eventsApplied: number;
    /** What its write-behind cache did (projections in this thread with a cache). */
    rowCache?: RebuildResult['rowCache'];
  }[];
  /** The one pass: the log read once, every projection built from it, indexed and swapped in. */
  total: { eventsRead: number; seconds: number; eventsPerSecond: number };
  rawCopy: { rows: number; seconds: number; rowsPerSecond: number };
  /** rebuild events/s (one pass over the log for all projections) ÷ raw COPY rows/s. */
  ratio: number;
}

/**
 * `threadGroups`: the projections each worker thread applies (default `[]`: all in this thread; on two
 * cores the threads measured no faster, see bench/README.md), or `{ split: N }`: the ECT projections split
 * by ECT over N threads (`ledger rebuild --split N`). `rowCacheRows`: the rebuild's write-behind
 * bound (default the ledger's REBUILD_ROW_CACHE_ROWS; 0 writes every page, as before write-behind).
 */
export async function benchRebuild(
  ledger: Ledger,
  databaseUrl: string,
  threadGroups: readonly (readonly string[])[] | { split: number } = [],
  rowCacheRows: number = ledger.runtime.config.rebuildRowCacheRows,
): Promise<RebuildResults> {
  const threads = ledgerRebuildThreads(
    ledger.domain,
    { databaseUrl, hubSchoolUrns: ledger.runtime.config.hubSchoolUrns },
    'split' in threadGroups ? [] : threadGroups,
    'split' in threadGroups ? threadGroups.split : 0,
  );
  const results = await rebuildProjections(
    ledger.runtime.dataSource,
    ledger.runtime.eventStore,
    ledger.projections,
    { rowCacheRows, ...(threads ? { threads } : {}) },
  );
  const eventsRead = results[0]?.eventsRead ?? 0;
  const seconds = results[0]?.seconds ?? NaN;
  const rawCopy = timeRawCopy(databaseUrl);
  const perSecond = eventsRead / seconds;
  return {
    projections: results.map((r) => ({
      name: r.projection,
      eventsRead: r.eventsRead,
      eventsApplied: r.eventsApplied,
      ...(r.rowCache ? { rowCache: r.rowCache } : {}),
    })),
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
