import { expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore, Json } from '#event-store/event-store.port.js';
import type { Projection } from '../../projection.js';
import { filterEvents } from '../projection-runner.js';
import { RebuildRowCache } from '../rebuild-row-cache.js';
import { quoteIdentifier } from '../../sql-identifier.js';
import { rebuildProjection } from '../projection-rebuild.js';
import { leftoverRebuildSchemas } from './rebuild-schemas.js';

export interface ScriptedEvent {
  type: string;
  data: { [key: string]: Json };
  /** A fresh one when absent. */
  eventId?: string;
}

/**
 * Appends the streams' events in turns: at turn `i`, the `i`th event of each stream (in the map's order; null:
 * none this turn). So a page of the log holds parts of many streams and each stream spans pages, as in a log in
 * time order.
 */
export async function appendInTurns(
  store: EventStore,
  streams: ReadonlyMap<string, readonly (ScriptedEvent | null)[]>,
): Promise<void> {
  const longest = Math.max(0, ...[...streams.values()].map((events) => events.length));
  for (let turn = 0; turn < longest; turn++)
    for (const [streamId, events] of streams) {
      const event = events[turn];
      if (!event) continue;
      await store.append(streamId, [
        {
          eventId: event.eventId ?? randomUUID(),
          type: event.type,
          schemaVersion: 1,
          data: event.data,
          metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
        },
      ]);
    }
}

/** Every row of the projection's tables in `public`, by table, in a stable order. */
export async function projectionRows(
  dataSource: DataSource,
  projection: Projection,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of projection.tables)
    out[table] = await dataSource.query(
      `SELECT * FROM public.${quoteIdentifier(table)} AS r ORDER BY r::text`,
    );
  return out;
}

/**
 * Empties the projection's tables and applies the whole log to them page by page (`pageSize` events read at a
 * time, the projection's own types only), each page in a transaction: as the live runner does when given no
 * cache, or with `cache` as a rebuild does (flushed at the end). Returns the cache's counts.
 */
export async function applyLog(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  pageSize: number,
  cache?: RebuildRowCache,
): Promise<RebuildRowCache['stats'] | undefined> {
  await dataSource.query(
    `TRUNCATE ${projection.tables.map((t) => `public.${quoteIdentifier(t)}`).join(', ')}`,
  );
  const events = filterEvents(projection, await store.readAll());
  for (let i = 0; i < events.length; i += pageSize)
    await dataSource.transaction((em) =>
      projection.apply(events.slice(i, i + pageSize), em, cache ? { rows: cache } : undefined),
    );
  if (cache) await dataSource.transaction((em) => cache.flush(em));
  return cache?.stats;
}

/**
 * The checks a keyed projection's spec makes over its log (panel, moderation), each against the rows the log
 * gives applied one event per page (`live`): the same rows live with pages of 4; kept across pages with a
 * cache that holds everything, each row written once (`rowsWritten`); with a 2-row cache, rows written and
 * read back on almost every page; and through `rebuildProjection` with a 2-row cache, the default one and none.
 */
export function itKeepsTheRowsWithAnyCache(
  subject: () => { dataSource: DataSource; store: EventStore; projection: Projection; live: unknown },
  keptOnce: { title: string; rowsWritten: number },
): void {
  it('writes the same rows live with pages of any size', async () => {
    const { dataSource, store, projection, live } = subject();
    await applyLog(dataSource, store, projection, 4);
    expect(await projectionRows(dataSource, projection)).toEqual(live);
  });

  it(keptOnce.title, async () => {
    const { dataSource, store, projection, live } = subject();
    const stats = await applyLog(dataSource, store, projection, 4, new RebuildRowCache(10_000));
    expect(await projectionRows(dataSource, projection)).toEqual(live);
    expect(stats).toMatchObject({ rowsWritten: keptOnce.rowsWritten, evictions: 0 });
  });

  it('writes the same rows with a 2-row cache (rows written and read back on almost every page)', async () => {
    const { dataSource, store, projection, live } = subject();
    const stats = await applyLog(dataSource, store, projection, 4, new RebuildRowCache(2));
    expect(await projectionRows(dataSource, projection)).toEqual(live);
    expect(stats!.evictions).toBeGreaterThan(0);
  });

  it('rebuilds to the same rows with a 2-row cache, with the default one and with none', async () => {
    const { dataSource, store, projection, live } = subject();
    for (const rowCacheRows of [2, undefined, 0]) {
      await rebuildProjection(dataSource, store, projection, { batchSize: 4, rowCacheRows });
      expect({ rowCacheRows, rows: await projectionRows(dataSource, projection) }).toEqual({
        rowCacheRows,
        rows: live,
      });
    }
    expect(await leftoverRebuildSchemas(dataSource)).toEqual([]);
  }, 60_000);
}
