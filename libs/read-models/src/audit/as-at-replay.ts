import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, LogPosition } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import { cloneTableStructure } from '../runner/projection-rebuild.js';
import { filterEvents } from '../runner/projection-runner.js';
import { londonDay } from '../entitlements/ect-fold.js';

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Replays the log up to the end of `asAt` (a London date; events recorded later are left out) into fresh
 * copies of a projection's tables in a temporary schema, hands `read` a transaction whose search_path points
 * there, then drops the schema. The same handlers as the live run and `rebuildProjection`.
 */
export async function replayAsAt<T>(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  asAt: string,
  read: (em: EntityManager) => Promise<T>,
  batchSize = 2000,
): Promise<T> {
  const schema = `asat_${projection.name.replace(/[^a-z0-9_]/gi, '_')}_${randomUUID().slice(0, 8)}`;
  await dataSource.query(`CREATE SCHEMA ${quote(schema)}`);
  try {
    const indexes: string[] = [];
    for (const table of projection.tables)
      indexes.push(...(await cloneTableStructure(dataSource, table, schema)));
    let position: LogPosition | undefined;
    for (;;) {
      const batch = await store.readAll({ after: position, limit: batchSize });
      if (batch.length === 0) break;
      position = batch[batch.length - 1]!.position;
      const relevant = filterEvents(projection, batch).filter((e) => londonDay(e.recordedAt) <= asAt);
      if (relevant.length === 0) continue;
      await dataSource.transaction(async (em) => {
        await em.query(`SET LOCAL search_path TO ${quote(schema)}, public`);
        await projection.apply(relevant, em);
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
