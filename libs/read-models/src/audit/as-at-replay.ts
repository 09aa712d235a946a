import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, LogPosition, RecordedEvent } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import { cloneTableStructure } from '../runner/projection-rebuild.js';
import { filterEvents } from '../runner/projection-runner.js';
import { londonDay } from '../entitlements/ect-fold.js';
import { quoteIdentifier as quote } from '../sql-identifier.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Which events an as-at view keeps: `asAt` is a London date (everything recorded by the end of that day) or an
 * ISO date-time with an offset (everything recorded at or before that instant).
 */
export function recordedBy(asAt: string): (event: RecordedEvent) => boolean {
  if (DATE.test(asAt)) return (event) => londonDay(event.recordedAt) <= asAt;
  const instant = new Date(asAt).getTime();
  if (Number.isNaN(instant)) throw new RangeError(`asAt ${asAt} is neither a date nor a date-time`);
  return (event) => event.recordedAt.getTime() <= instant;
}

/**
 * Replays the log up to `asAt` (see `recordedBy`) into fresh copies of the projections' tables in a temporary
 * schema, hands `read` a transaction whose search_path points there (tables no projection here owns, such as
 * the register's names, resolve to the live ones in `public`), then drops the schema. The same handlers as the
 * live run and `rebuildProjection`: one mechanism for every read model's `?asAt=`.
 */
export async function replayAsAt<T>(
  dataSource: DataSource,
  store: EventStore,
  projections: Projection | readonly Projection[],
  asAt: string,
  read: (em: EntityManager) => Promise<T>,
  batchSize = 2000,
): Promise<T> {
  const list: readonly Projection[] = Array.isArray(projections) ? projections : [projections as Projection];
  const keep = recordedBy(asAt);
  const label = list.map((p) => p.name).join('_');
  const schema = `asat_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 40)}_${randomUUID().slice(0, 8)}`;
  await dataSource.query(`CREATE SCHEMA ${quote(schema)}`);
  try {
    const indexes: string[] = [];
    for (const projection of list)
      for (const table of projection.tables)
        indexes.push(...(await cloneTableStructure(dataSource, table, schema, projection.applyIndexes)));
    let position: LogPosition | undefined;
    for (;;) {
      const batch = await store.readAll({ after: position, limit: batchSize });
      if (batch.length === 0) break;
      position = batch[batch.length - 1]!.position;
      const upTo = batch.filter(keep);
      if (upTo.length === 0) continue;
      await dataSource.transaction(async (em) => {
        await em.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
        for (const projection of list) {
          const relevant = filterEvents(projection, upTo);
          if (relevant.length > 0) await projection.apply(relevant, em);
        }
      });
    }
    for (const sql of indexes) await dataSource.query(sql);
    return await dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
      return read(em);
    });
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  }
}
