import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { Projection } from '../../projection.js';

/** A toy projection counting the events of each stream in a table of its own (`stream_id`, `n`). */
export function countingProjection(name: string, table: string): Projection {
  return {
    name,
    tables: [table],
    entities: [
      new EntitySchema<{ streamId: string; n: number }>({
        name: `Counting_${table}`,
        tableName: table,
        columns: { streamId: { name: 'stream_id', type: 'text', primary: true }, n: { type: 'int' } },
      }),
    ],
    async apply(events: readonly RecordedEvent[], em: EntityManager) {
      await em.query(
        `INSERT INTO ${table} (stream_id, n) SELECT s, count(*) FROM unnest($1::text[]) AS s GROUP BY s
         ON CONFLICT (stream_id) DO UPDATE SET n = ${table}.n + excluded.n`,
        [events.map((e) => e.streamId)],
      );
    },
  };
}

/** How many events a `countingProjection` counted in `table` (all streams, or one). */
export async function countedEvents(
  dataSource: DataSource,
  table: string,
  streamId?: string,
): Promise<number> {
  const rows = (await dataSource.query(
    `SELECT coalesce(sum(n), 0)::int AS n FROM ${table}${streamId === undefined ? '' : ' WHERE stream_id = $1'}`,
    streamId === undefined ? [] : [streamId],
  )) as { n: number }[];
  return rows[0]!.n;
}
