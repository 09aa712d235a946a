import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { EventStore, LogPosition } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import { ensureCheckpointRows, filterEvents, lockCheckpoint, writeCheckpoint } from './projection-runner.js';

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
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

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
  options: { batchSize?: number; onProgress?: (p: RebuildProgress) => void | Promise<void> } = {},
): Promise<RebuildResult> {
  const started = process.hrtime.bigint();
  const batchSize = options.batchSize ?? 2000;
  const schema = `rebuild_${projection.name.replace(/[^a-z0-9_]/gi, '_')}_${randomUUID().slice(0, 8)}`;
  await ensureCheckpointRows(dataSource, [projection]);
  await dataSource.query(`CREATE SCHEMA ${quote(schema)}`);
  try {
    const deferredIndexes: string[] = [];
    for (const table of projection.tables)
      deferredIndexes.push(...(await cloneTableStructure(dataSource, table, schema)));

    let position: LogPosition | undefined;
    let eventsRead = 0;
    let eventsApplied = 0;
    const replay = async () => {
      for (;;) {
        const batch = await store.readAll({ after: position, limit: batchSize });
        if (batch.length === 0) return;
        const relevant = filterEvents(projection, batch);
        if (relevant.length > 0) {
          await dataSource.transaction(async (em) => {
            await em.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
            await projection.apply(relevant, em);
          });
        }
        position = batch[batch.length - 1]!.position;
        eventsRead += batch.length;
        eventsApplied += relevant.length;
        await options.onProgress?.({
          projection: projection.name,
          eventsRead,
          eventsApplied,
          phase: 'replaying',
        });
      }
    };
    await replay();
    await options.onProgress?.({ projection: projection.name, eventsRead, eventsApplied, phase: 'indexing' });
    for (const sql of deferredIndexes) await dataSource.query(sql);
    await replay();

    await options.onProgress?.({ projection: projection.name, eventsRead, eventsApplied, phase: 'swapping' });
    await dataSource.transaction(async (em) => {
      await lockCheckpoint(em, projection.name);
      for (const table of projection.tables) {
        await em.query(`DROP TABLE IF EXISTS public.${quote(table)}`);
        await em.query(`ALTER TABLE ${quote(schema)}.${quote(table)} SET SCHEMA public`);
      }
      await writeCheckpoint(em, projection.name, position, true);
    });
    await options.onProgress?.({ projection: projection.name, eventsRead, eventsApplied, phase: 'done' });
    return {
      projection: projection.name,
      eventsRead,
      eventsApplied,
      position: position ?? null,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  }
}

/**
 * Creates an empty copy of `public.<table>` in `schema` with the same columns, defaults and constraints,
 * keeping constraint names (TypeORM recognises the table after the swap). Returns the secondary indexes'
 * DDL, to run after the bulk load, which is much faster than maintaining them row by row.
 */
export async function cloneTableStructure(
  dataSource: DataSource,
  table: string,
  schema: string,
): Promise<string[]> {
  const target = `${quote(schema)}.${quote(table)}`;
  await dataSource.query(
    `CREATE TABLE ${target} (LIKE public.${quote(table)} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)`,
  );
  const constraints = (await dataSource.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'c', 'x') ORDER BY contype`,
    [`public.${quote(table)}`],
  )) as { conname: string; def: string }[];
  for (const c of constraints)
    await dataSource.query(`ALTER TABLE ${target} ADD CONSTRAINT ${quote(c.conname)} ${c.def}`);
  const indexes = (await dataSource.query(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $2::regclass)`,
    [table, `public.${quote(table)}`],
  )) as { indexdef: string }[];
  return indexes.map((i) => i.indexdef.replace(/ ON (ONLY )?public\./, ` ON $1${quote(schema)}.`));
}
