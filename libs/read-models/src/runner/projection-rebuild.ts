import type { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { EventStore, LogPosition, RecordedEvent } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import {
  ensureCheckpointRows,
  filterEvents,
  lockCheckpoint,
  projectionVersion,
  writeCheckpoint,
} from './projection-runner.js';
import { RebuildThread, type RebuildThreads } from './rebuild-threads.js';
import { quoteIdentifier as quote } from '../sql-identifier.js';
import { RebuildRowCache } from './rebuild-row-cache.js';
import { MAX_PARTITIONS, type RebuildPartition, partitionPage } from './ect-partitions.js';

export interface RebuildProgress {
  projection: string;
  eventsRead: number;
  eventsApplied: number;
  phase: 'replaying' | 'indexing' | 'swapping' | 'done';
}

export interface RebuildResult {
  projection: string;
  eventsRead: number;
  eventsApplied: number;
  position: LogPosition | null;
  seconds: number;
  /** What its write-behind cache did (projections applied in this thread with a cache only). */
  rowCache?: RebuildRowCache['stats'];
}

/** Pages of the log read ahead of the slowest projection applying them (see `replay`). */
const PAGES_AHEAD = 3;

export interface RebuildOptions {
  /** Events read per page of the log (default 10,000). */
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void | Promise<void>;
  /** Apply some projections in worker threads (see rebuild-threads.ts); default: all in this thread. */
  threads?: RebuildThreads;
  /**
   * Rows each projection in this thread keeps in memory across pages (write-behind, rebuild-row-cache.ts;
   * `REBUILD_ROW_CACHE_ROWS`, default 100,000, fewer when the heap is nearly full); 0 writes every page, as
   * the live runner does.
   */
  rowCacheRows?: number;
}

/**
 * Default of `RebuildOptions.rowCacheRows`: more than a national log's ECTs (60,000). With 40,000, a national
 * log in time order evicted rows still in induction and read them back (bench/README.md, "Fifth pass"); the
 * heap guard in RebuildRowCache keeps a larger log within Node's heap.
 */
export const DEFAULT_REBUILD_ROW_CACHE_ROWS = 100_000;

/**
 * Replays the whole log into fresh copies of a projection's tables, in a schema of their own, then swaps
 * them in: one transaction locks the projection's checkpoint row (so its live runner waits), drops the live
 * tables, moves the rebuilt ones into `public` and sets the checkpoint to where the replay stopped. The live
 * runner then carries on from there, so events that arrive during the rebuild are not lost. The service
 * keeps answering from the old tables until the swap commits.
 */
export async function rebuildProjection(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const [result] = await rebuildProjections(dataSource, store, [projection], options);
  return result!;
}

interface Target {
  projection: Projection;
  schema: string;
  deferredIndexes: string[];
  eventsApplied: number;
  /** The worker thread that applies this projection (none: this thread does, unless `partitioned`). */
  thread?: RebuildThread;
  /** Applied by the partition threads, each to its own ECTs (`RebuildThreads.partitions`). */
  partitioned?: boolean;
  /** Its rows kept across pages (this thread's projections only, unless `rowCacheRows` is 0). */
  rows?: RebuildRowCache;
}

/**
 * `rebuildProjection` for several projections in ONE pass over the log: each page (keyset-paged by commit
 * position, the next page read while the current one is applied) is fanned out to every projection, which
 * apply it concurrently, each in its own transaction and its own rebuild schema. Secondary indexes are built after
 * the bulk load; then a catch-up pass applies what arrived meanwhile, and each projection is swapped in with
 * its checkpoint at the same position. Results are in the order of `projections`; `seconds` is the whole run.
 */
export async function rebuildProjections(
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult[]> {
  const started = process.hrtime.bigint();
  const batchSize = options.batchSize ?? 10_000;
  const run = randomUUID().slice(0, 8);
  const targets: Target[] = projections.map((projection) => ({
    projection,
    schema: `rebuild_${projection.name.replace(/[^a-z0-9_]/gi, '_')}_${run}`.slice(0, 63),
    deferredIndexes: [],
    eventsApplied: 0,
  }));
  await ensureCheckpointRows(dataSource, projections);
  const created: string[] = [];
  const threads: RebuildThread[] = [];
  /** The threads of a rebuild split by ECT, by partition (also in `threads`). */
  const partitions: RebuildThread[] = [];
  try {
    for (const target of targets) {
      await dataSource.query(`CREATE SCHEMA ${quote(target.schema)}`);
      created.push(target.schema);
      for (const table of target.projection.tables)
        target.deferredIndexes.push(
          ...(await cloneTableStructure(dataSource, table, target.schema, target.projection.applyIndexes)),
        );
    }
    const rowCacheRows = options.rowCacheRows ?? DEFAULT_REBUILD_ROW_CACHE_ROWS;
    if (options.threads) {
      const started = await startThreads(options.threads, targets, rowCacheRows);
      threads.push(...started.threads);
      partitions.push(...started.partitions);
    }
    const local = targets.filter((t) => !t.thread && !t.partitioned);
    const partitioned = targets.filter((t) => t.partitioned);
    if (rowCacheRows > 0) for (const t of local) t.rows = new RebuildRowCache(rowCacheRows);

    let position: LogPosition | undefined;
    let eventsRead = 0;
    const progress = async (phase: RebuildProgress['phase']) => {
      if (!options.onProgress) return;
      for (const t of targets)
        await options.onProgress({
          projection: t.projection.name,
          eventsRead,
          eventsApplied: t.eventsApplied,
          phase,
        });
    };
    let seq = 0;
    const inSchema = (t: Target, work: (em: EntityManager) => Promise<void>) =>
      dataSource.transaction(async (em) => {
        // Losing a rebuild page in a crash loses nothing: the rebuild starts again from scratch.
        await em.query('SET LOCAL synchronous_commit = off');
        await em.query(`SET LOCAL search_path TO ${quote(t.schema)}, public`);
        await work(em);
      });
    const applyPage = (t: Target, relevant: RecordedEvent[]) =>
      inSchema(t, (em) => t.projection.apply(relevant, em, t.rows ? { rows: t.rows } : undefined));
    // What the projections kept across pages goes to their tables before the indexes are built (and again
    // after the catch-up pass), in transactions of a chunk of rows each, and is forgotten as it goes (the
    // catch-up pass reads back what it needs); the threads' after their pages.
    const flushRows = () =>
      Promise.all([
        ...local.map((t) => (t.rows ? t.rows.flushAndForget((work) => inSchema(t, work)) : undefined)),
        ...(rowCacheRows > 0 ? threads.map((thread) => thread.flush(++seq)) : []),
      ]);
    const replay = async () => {
      let next = store.readAll({ after: position, limit: batchSize });
      // The worker threads' answers for the previous page: a thread may finish a page after this one has
      // applied its own share of the next, so the slower side sets the pace, not each page's slower side.
      let inThreads: Promise<unknown>[] = [];
      // Each projection in this thread applies the pages in order, in a transaction per page, on a chain of
      // its own: a projection waiting for the database does not hold the others at a page barrier, so this
      // process folds one projection's page while PostgreSQL writes another's (a barrier left the main
      // thread idle a fifth of a national rebuild). The tables are disjoint and nothing is live until the
      // swap. The log is read at most PAGES_AHEAD pages before the slowest projection.
      const chains = new Map<Target, Promise<void>>(local.map((t) => [t, Promise.resolve()]));
      const pages: Promise<unknown>[] = [];
      try {
        for (;;) {
          const batch = await next;
          if (batch.length === 0) break;
          const last = batch[batch.length - 1]!.position;
          // Read ahead: the database reads the next page while this process applies this one.
          next =
            batch.length < batchSize ? Promise.resolve([]) : store.readAll({ after: last, limit: batchSize });
          // An unawaited rejection would surface as unhandled while this page is applied.
          next.catch(() => undefined);
          const page = ++seq;
          const posted = threads
            .filter((thread) => !partitions.includes(thread))
            .map((thread) =>
              thread.apply(page, batch).then((applied) => {
                for (const t of targets)
                  if (t.thread === thread) t.eventsApplied += applied[t.projection.name] ?? 0;
              }),
            );
          if (partitions.length > 0) {
            // Each partition thread gets its ECTs' events (ect-partitions.ts); together they apply each event
            // once, so each projection applies what it would in one thread.
            const parts = partitionPage(batch, partitions.length);
            posted.push(
              Promise.all(partitions.map((thread, k) => thread.apply(page, parts[k]!))).then(() => {
                for (const t of partitioned) t.eventsApplied += filterEvents(t.projection, batch).length;
              }),
            );
          }
          for (const p of posted) p.catch(() => undefined);
          const applied = local.map((t) => {
            const chained = chains.get(t)!.then(async () => {
              const relevant = filterEvents(t.projection, batch);
              if (relevant.length === 0) return;
              await applyPage(t, relevant);
              t.eventsApplied += relevant.length;
            });
            chains.set(t, chained);
            return chained;
          });
          const pageApplied = Promise.all(applied);
          pageApplied.catch(() => undefined);
          pages.push(pageApplied);
          if (pages.length > PAGES_AHEAD) await pages.shift();
          await Promise.all(inThreads);
          inThreads = posted;
          position = last;
          eventsRead += batch.length;
          await progress('replaying');
        }
        await Promise.all(pages);
        await Promise.all(inThreads);
        await flushRows();
      } catch (error) {
        // No transaction may still be writing into a rebuild schema when the caller drops it.
        await Promise.allSettled([...chains.values(), ...inThreads]);
        throw error;
      }
    };
    await replay();
    await progress('indexing');
    for (const t of targets) for (const sql of t.deferredIndexes) await dataSource.query(sql);
    // Planner statistics before the tables serve: without them PostgreSQL guessed 125 rows for 50,957
    // moderation forms and joined them all before sorting (249 ms a page instead of 2.9 ms, bench_national),
    // and autovacuum may take minutes to get round to freshly swapped tables (or be off).
    for (const t of targets)
      for (const table of t.projection.tables)
        await dataSource.query(`ANALYZE ${quote(t.schema)}.${quote(table)}`);
    await replay();

    await progress('swapping');
    for (const t of targets) {
      await dataSource.transaction(async (em) => {
        await lockCheckpoint(em, t.projection.name);
        for (const table of t.projection.tables) {
          await em.query(`DROP TABLE IF EXISTS public.${quote(table)}`);
          await em.query(`ALTER TABLE ${quote(t.schema)}.${quote(table)} SET SCHEMA public`);
        }
        await writeCheckpoint(em, t.projection.name, position, true, projectionVersion(t.projection));
      });
    }
    await progress('done');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return targets.map((t) => ({
      projection: t.projection.name,
      eventsRead,
      eventsApplied: t.eventsApplied,
      position: position ?? null,
      seconds,
      ...(t.rows ? { rowCache: { ...t.rows.stats } } : {}),
    }));
  } finally {
    await Promise.allSettled(threads.map((thread) => thread.close()));
    for (const schema of created) await dataSource.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  }
}

async function startThreads(
  options: RebuildThreads,
  targets: Target[],
  rowCacheRows: number,
): Promise<{ threads: RebuildThread[]; partitions: RebuildThread[] }> {
  const script = options.script ?? new URL('./rebuild-worker.js', import.meta.url);
  const split = options.partitions;
  const splitTargets = split ? targets.filter((t) => split.projections.includes(t.projection.name)) : [];
  if (split && (!Number.isInteger(split.count) || split.count < 1 || split.count > MAX_PARTITIONS))
    throw new Error(`rebuild: bad partition count ${split.count} (1 to ${MAX_PARTITIONS})`);
  const both = splitTargets.find((t) => options.groups.some((g) => g.includes(t.projection.name)));
  if (both) throw new Error(`rebuild: ${both.projection.name} is both in a thread group and split by ECT`);
  const start = (mine: Target[], partition?: RebuildPartition) =>
    RebuildThread.start(
      script,
      {
        module: String(options.module),
        name: options.name,
        data: options.data,
        databaseUrl: options.databaseUrl,
        targets: mine.map((t) => ({ projection: t.projection.name, schema: t.schema })),
        rowCacheRows,
        ...(partition ? { partition } : {}),
      },
      options.resourceLimits,
    );
  const groups = options.groups.map((names) => targets.filter((t) => names.includes(t.projection.name)));
  const started = await Promise.allSettled([
    ...groups.map(async (mine) => {
      if (mine.length === 0) return null;
      const thread = await start(mine);
      for (const t of mine) t.thread = thread;
      return thread;
    }),
    ...Array.from({ length: splitTargets.length > 0 ? split!.count : 0 }, (_, index) =>
      start(splitTargets, { index, count: split!.count }),
    ),
  ]);
  const threads = started.flatMap((s) => (s.status === 'fulfilled' && s.value ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(threads.map((thread) => thread.close()));
    throw failed.reason;
  }
  for (const t of splitTargets) t.partitioned = true;
  const partitions = started
    .slice(groups.length)
    .flatMap((s) => (s.status === 'fulfilled' && s.value ? [s.value] : []));
  return { threads, partitions };
}

/**
 * Creates an empty copy of `public.<table>` in `schema` with the same columns, defaults, constraints and
 * column compression (lz4 for the JSON columns where the server has it: json-column-compression.ts),
 * keeping constraint names (TypeORM recognises the table after the swap). Returns the secondary indexes'
 * DDL, to run after the bulk load, which is much faster than maintaining them row by row; except `keep`
 * (`Projection.applyIndexes`), created at once because the projection's own `apply` reads through them.
 */
export async function cloneTableStructure(
  dataSource: DataSource,
  table: string,
  schema: string,
  keep: readonly string[] = [],
): Promise<string[]> {
  const target = `${quote(schema)}.${quote(table)}`;
  await dataSource.query(
    `CREATE TABLE ${target} (LIKE public.${quote(table)} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING COMPRESSION)`,
  );
  const constraints = (await dataSource.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'c', 'x') ORDER BY contype`,
    [`public.${quote(table)}`],
  )) as { conname: string; def: string }[];
  for (const c of constraints)
    await dataSource.query(`ALTER TABLE ${target} ADD CONSTRAINT ${quote(c.conname)} ${c.def}`);
  const indexes = (await dataSource.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $2::regclass)`,
    [table, `public.${quote(table)}`],
  )) as { indexname: string; indexdef: string }[];
  const deferred: string[] = [];
  for (const index of indexes) {
    const ddl = index.indexdef.replace(/ ON (ONLY )?public\./, ` ON $1${quote(schema)}.`);
    if (keep.includes(index.indexname)) await dataSource.query(ddl);
    else deferred.push(ddl);
  }
  return deferred;
}
