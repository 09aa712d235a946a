/**
 * The worker-thread side of a rebuild split across threads (`RebuildOptions.threads` in projection-rebuild.ts,
 * issue 9). The main thread reads the log once and posts every page here; this thread applies it to its own
 * share of the projections, each in its own transaction in the rebuild schema the main thread created, with
 * a connection pool of its own. The main thread builds the indexes and swaps the tables in, as for the
 * projections it applies itself.
 *
 * Runtime imports are `node:*`, `typeorm` and `./rebuild-row-cache.js` only (no path aliases), so the file also
 * runs transpiled beside that one, as the spec does. The projections come from the `module` the main thread names: its export `name`,
 * called with `data`, returns them (they hold functions, which cannot be posted).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import { RebuildRowCache } from './rebuild-row-cache.js';
import type { RebuildPartition } from './ect-partition-key.js';

export interface RebuildWorkerData {
  /** URL of the module that builds the projections. */
  module: string;
  /** Its export to call with `data`. */
  name: string;
  data: unknown;
  databaseUrl: string;
  /** The projections this thread applies, and the schema each writes into. */
  targets: { projection: string; schema: string }[];
  /** `RebuildOptions.rowCacheRows`: rows each projection keeps across pages (0: none). */
  rowCacheRows: number;
  /**
   * This thread's share of a rebuild split by ECT (ect-partitions.ts), handed to the projections
   * (`ApplyContext.partition`). Other threads then write the same tables: each projection's writes from its
   * cache take a transaction-level advisory lock on its rebuild schema first, so that rows shared by every ECT
   * (the early-help queue's per-day counts) are written by one thread at a time.
   */
  partition?: RebuildPartition;
}

export type ToRebuildWorker =
  | { kind: 'page'; seq: number; events: RecordedEvent[] }
  /** Write what the projections kept across pages (the end of a replay); answered `applied` with none. */
  | { kind: 'flush'; seq: number }
  | { kind: 'close' };
export type FromRebuildWorker =
  | { kind: 'ready' }
  | { kind: 'applied'; seq: number; applied: Record<string, number> }
  | { kind: 'closed' }
  | { kind: 'failed'; seq: number | null; message: string; stack?: string };

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** A transaction-level lock on a rebuild schema (`RebuildWorkerData.partition`). */
const lockOf = (schema: string) => async (em: EntityManager) => {
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [schema]);
};

async function main() {
  const port = parentPort!;
  const setup = workerData as RebuildWorkerData;
  const fail = (seq: number | null, error: unknown) =>
    port.postMessage({
      kind: 'failed',
      seq,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    } satisfies FromRebuildWorker);
  let dataSource: DataSource | undefined;
  try {
    const factory = (await import(setup.module)) as Record<
      string,
      (data: unknown) => Projection[] | Promise<Projection[]>
    >;
    const all = await factory[setup.name]!(setup.data);
    const targets = setup.targets.map(({ projection, schema }) => {
      const found = all.find((p) => p.name === projection);
      if (!found) throw new Error(`rebuild worker: no projection named ${projection}`);
      return {
        projection: found,
        schema,
        wanted: found.eventTypes ? new Set(found.eventTypes) : null,
        rows:
          setup.rowCacheRows > 0
            ? new RebuildRowCache(setup.rowCacheRows, setup.partition ? { writeLock: lockOf(schema) } : {})
            : undefined,
        // Without a cache every page writes: with other threads on the same tables, each page takes the lock.
        pageLock: setup.partition && !(setup.rowCacheRows > 0) ? lockOf(schema) : undefined,
      };
    });
    dataSource = new DataSource({
      type: 'postgres',
      url: setup.databaseUrl,
      entities: targets.flatMap((t) => [...t.projection.entities]),
      synchronize: false,
      logging: false,
      extra: { max: targets.length + 1 },
    });
    await dataSource.initialize();
    const ds = dataSource;
    const inSchema = (schema: string, work: (em: EntityManager) => Promise<void>) =>
      ds.transaction(async (em) => {
        await em.query('SET LOCAL synchronous_commit = off');
        await em.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
        await work(em);
      });
    port.postMessage({ kind: 'ready' } satisfies FromRebuildWorker);

    // Pages are applied one after another, in the order they were posted.
    let queue = Promise.resolve();
    port.on('message', (message: ToRebuildWorker) => {
      if (message.kind === 'close') {
        queue = queue.then(async () => {
          await ds.destroy();
          port.postMessage({ kind: 'closed' } satisfies FromRebuildWorker);
        });
        return;
      }
      if (message.kind === 'flush') {
        const { seq } = message;
        queue = queue.then(async () => {
          try {
            await Promise.all(
              targets.map((t) => (t.rows ? t.rows.flushAndForget((work) => inSchema(t.schema, work)) : null)),
            );
            port.postMessage({ kind: 'applied', seq, applied: {} } satisfies FromRebuildWorker);
          } catch (error) {
            fail(seq, error);
          }
        });
        return;
      }
      const { seq, events } = message;
      queue = queue.then(async () => {
        try {
          const applied: Record<string, number> = {};
          const work = targets
            .map((t) => ({ t, relevant: t.wanted ? events.filter((e) => t.wanted!.has(e.type)) : events }))
            .filter((w) => w.relevant.length > 0);
          const results = await Promise.allSettled(
            work.map(({ t, relevant }) =>
              inSchema(t.schema, async (em) => {
                await t.pageLock?.(em);
                await t.projection.apply(relevant, em, {
                  ...(t.rows ? { rows: t.rows } : {}),
                  ...(setup.partition ? { partition: setup.partition } : {}),
                });
              }),
            ),
          );
          const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed) throw failed.reason;
          for (const { t, relevant } of work) applied[t.projection.name] = relevant.length;
          port.postMessage({ kind: 'applied', seq, applied } satisfies FromRebuildWorker);
        } catch (error) {
          fail(seq, error);
        }
      });
    });
  } catch (error) {
    fail(null, error);
    await dataSource?.destroy().catch(() => undefined);
  }
}

await main();
