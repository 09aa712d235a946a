import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import type { Projection } from '../projection.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { appendInterleaved } from './testing/interleaved-log.js';
import { leftoverRebuildSchemas } from './testing/rebuild-schemas.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { rebuildProjection, rebuildProjections } from './projection-rebuild.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

/** Two toy projections with tables of their own: one counts every event per stream, one keeps only `B`s. */
const counts = new EntitySchema<{ streamId: string; n: number }>({
  name: 'RebuildSpecCount',
  tableName: 'rebuild_spec_counts',
  columns: {
    streamId: { name: 'stream_id', type: 'text', primary: true },
    n: { type: 'int' },
  },
  indices: [{ name: 'rebuild_spec_counts_n_idx', columns: ['n'] }],
});
const bees = new EntitySchema<{ eventId: string; streamId: string }>({
  name: 'RebuildSpecBee',
  tableName: 'rebuild_spec_bees',
  columns: {
    eventId: { name: 'event_id', type: 'uuid', primary: true },
    streamId: { name: 'stream_id', type: 'text' },
  },
});

const countProjection: Projection = {
  name: 'rebuild-spec-counts',
  tables: ['rebuild_spec_counts'],
  entities: [counts],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    await em.query(
      `INSERT INTO rebuild_spec_counts (stream_id, n) SELECT s, count(*) FROM unnest($1::text[]) AS s GROUP BY s
       ON CONFLICT (stream_id) DO UPDATE SET n = rebuild_spec_counts.n + excluded.n`,
      [events.map((e) => e.streamId)],
    );
  },
};
const beeProjection: Projection = {
  name: 'rebuild-spec-bees',
  tables: ['rebuild_spec_bees'],
  entities: [bees],
  eventTypes: ['B'],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    if (events.some((e) => e.type !== 'B')) throw new Error('got an event type it did not ask for');
    await em.query(
      `INSERT INTO rebuild_spec_bees (event_id, stream_id) SELECT * FROM unnest($1::uuid[], $2::text[])`,
      [events.map((e) => e.eventId), events.map((e) => e.streamId)],
    );
  },
};

d('rebuildProjections (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [counts, bees] });
    await appendInterleaved(store, 25, 7);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('builds every projection in one pass with small pages, swaps them in and sets each checkpoint', async () => {
    await dataSource.query(`INSERT INTO rebuild_spec_counts (stream_id, n) VALUES ('stale', 99)`);
    const results = await rebuildProjections(dataSource, store, [countProjection, beeProjection], {
      batchSize: 10,
    });
    expect(results.map((r) => [r.projection, r.eventsRead, r.eventsApplied])).toEqual([
      ['rebuild-spec-counts', 75, 75],
      ['rebuild-spec-bees', 75, 25],
    ]);
    const head = await store.headPosition();
    expect(results.every((r) => r.position?.prepare === head?.prepare)).toBe(true);

    const rows = (await dataSource.query(
      `SELECT stream_id, n FROM public.rebuild_spec_counts ORDER BY stream_id`,
    )) as { stream_id: string; n: number }[];
    expect(rows).toHaveLength(7);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(75);
    expect((await dataSource.query(`SELECT count(*)::int AS n FROM public.rebuild_spec_bees`))[0].n).toBe(25);
    const indexes = (await dataSource.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'rebuild_spec_counts'`,
    )) as { indexname: string }[];
    expect(indexes.map((i) => i.indexname)).toContain('rebuild_spec_counts_n_idx');
    // Analysed before the swap: the planner knows the rebuilt tables' sizes.
    const analysed = (await dataSource.query(
      `SELECT relname, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables
        WHERE schemaname = 'public' AND relname IN ('rebuild_spec_counts', 'rebuild_spec_bees') ORDER BY relname`,
    )) as { relname: string; analysed: boolean }[];
    expect(analysed).toEqual([
      { relname: 'rebuild_spec_bees', analysed: true },
      { relname: 'rebuild_spec_counts', analysed: true },
    ]);
    const checkpoints = (await dataSource.query(
      `SELECT name, prepare_position::text AS p FROM projection_checkpoints WHERE name LIKE 'rebuild-spec-%'`,
    )) as { name: string; p: string }[];
    expect(checkpoints.map((c) => c.p)).toEqual([String(head!.prepare), String(head!.prepare)]);
    expect(await leftoverRebuildSchemas(dataSource)).toEqual([]);
  }, 60_000);

  it('keeps the indexes a projection reads through while it applies, and defers the rest to after the load', async () => {
    // What the rebuild's schema holds while `apply` runs: the applyIndexes index is there from the first page.
    const seen: string[][] = [];
    const reading: Projection = {
      ...countProjection,
      applyIndexes: ['rebuild_spec_counts_n_idx'],
      async apply(events, em) {
        const rows = (await em.query(
          `SELECT indexname FROM pg_indexes WHERE tablename = 'rebuild_spec_counts' AND schemaname = current_schema()`,
        )) as { indexname: string }[];
        seen.push(rows.map((r) => r.indexname).filter((n) => !n.startsWith('PK_')));
        await countProjection.apply(events, em);
      },
    };
    await rebuildProjection(dataSource, store, reading, { batchSize: 30 });
    expect(seen).toHaveLength(3);
    for (const indexes of seen) expect(indexes).toEqual(['rebuild_spec_counts_n_idx']);
    // Without it, only the primary key (left out of `seen`) until the load is done.
    seen.length = 0;
    await rebuildProjection(dataSource, store, { ...reading, applyIndexes: [] }, { batchSize: 30 });
    expect(seen).toHaveLength(3);
    for (const indexes of seen) expect(indexes).toEqual([]);
    const live = (await dataSource.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'rebuild_spec_counts'`,
    )) as { indexname: string }[];
    expect(live.map((i) => i.indexname)).toContain('rebuild_spec_counts_n_idx');
  }, 60_000);

  it('applies each projection’s pages in order without waiting for the others at every page', async () => {
    // The bees' first page waits until the counts have applied their third: with a barrier at each page
    // (the rebuild before), this would never happen and the rebuild would hang.
    let countsPages = 0;
    let reachedThird!: () => void;
    const thirdCountsPage = new Promise<void>((resolve) => (reachedThird = resolve));
    const seenByBees: bigint[] = [];
    const counting: Projection = {
      ...countProjection,
      async apply(events, em) {
        await countProjection.apply(events, em);
        if (++countsPages === 3) reachedThird();
      },
    };
    const waiting: Projection = {
      ...beeProjection,
      async apply(events, em) {
        if (seenByBees.length === 0) await thirdCountsPage;
        seenByBees.push(...events.map((e) => e.position.commit));
        await beeProjection.apply(events, em);
      },
    };
    const results = await rebuildProjections(dataSource, store, [counting, waiting], { batchSize: 15 });
    expect(results.map((r) => r.eventsApplied)).toEqual([75, 25]);
    expect(seenByBees).toHaveLength(25);
    expect(seenByBees).toEqual([...seenByBees].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect((await dataSource.query(`SELECT count(*)::int AS n FROM public.rebuild_spec_bees`))[0].n).toBe(25);
  }, 60_000);

  it('a projection that fails mid-replay fails the rebuild and leaves the live tables and no rebuild schema', async () => {
    await rebuildProjections(dataSource, store, [countProjection, beeProjection]);
    const live = async () =>
      (await dataSource.query(
        `SELECT (SELECT sum(n)::int FROM public.rebuild_spec_counts) AS counts,
                (SELECT count(*)::int FROM public.rebuild_spec_bees) AS bees`,
      )) as { counts: number; bees: number }[];
    const before = await live();
    let pages = 0;
    const failing: Projection = {
      ...beeProjection,
      async apply(events, em) {
        if (++pages === 2) throw new Error('bees: page two is bad');
        await beeProjection.apply(events, em);
      },
    };
    await expect(
      rebuildProjections(dataSource, store, [countProjection, failing], { batchSize: 10 }),
    ).rejects.toThrow('bees: page two is bad');
    expect(await live()).toEqual(before);
    expect(await leftoverRebuildSchemas(dataSource)).toEqual([]);
  }, 60_000);

  it('rebuildProjection still rebuilds one projection on its own', async () => {
    const result = await rebuildProjection(dataSource, store, beeProjection);
    expect(result).toMatchObject({ projection: 'rebuild-spec-bees', eventsRead: 75, eventsApplied: 25 });
  }, 60_000);
});
