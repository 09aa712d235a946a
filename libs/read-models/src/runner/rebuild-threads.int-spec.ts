import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { DataSource } from 'typeorm';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import type { Projection } from '../projection.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { appendInterleaved } from './testing/interleaved-log.js';
import { leftoverRebuildSchemas } from './testing/rebuild-schemas.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { rebuildProjections } from './projection-rebuild.js';
import type { RebuildThreads } from './rebuild-threads.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

/**
 * The projections, as a module both threads load (a worker thread cannot be handed functions). Plain
 * JavaScript and raw SQL, so the worker thread runs it without a build. Each keeps something that depends
 * on the order and the pages it was given: the trail of event ids per stream in the order applied, and the
 * page each `B` arrived in, numbered per projection.
 */
const PROJECTIONS_MODULE = `
import { threadId } from 'node:worker_threads';
export function specProjections(data) {
  // Where each page was applied (0: the main thread); not compared.
  const where = {
    name: 'threads-spec-where',
    tables: ['threads_spec_where'],
    entities: [],
    async apply(events, em) {
      await em.query('INSERT INTO threads_spec_where VALUES ($1) ON CONFLICT DO NOTHING', [threadId]);
    },
  };
  // Read and written by key, through the rebuild's row cache when it is given one (rebuild-row-cache.ts):
  // \`writes\` counts the times each row was written, so the rows show whether a thread used its cache.
  const trailRows = {
    name: 'threads_spec_trail',
    key: (row) => row.stream_id,
    load: (em, keys) =>
      em.query('SELECT stream_id, trail FROM threads_spec_trail WHERE stream_id = ANY($1::text[])', [keys]),
    write: (em, rows) =>
      em.query(
        'INSERT INTO threads_spec_trail (stream_id, trail, writes) SELECT s, t, 1 FROM unnest($1::text[], $2::text[]) ' +
          'AS u(s, t) ON CONFLICT (stream_id) DO UPDATE SET trail = excluded.trail, writes = threads_spec_trail.writes + 1',
        [rows.map((r) => r.stream_id), rows.map((r) => r.trail)],
      ),
  };
  const trail = {
    name: 'threads-spec-trail',
    tables: ['threads_spec_trail'],
    entities: [],
    async apply(events, em, context) {
      if (events.some((e) => e.data.i === data.failOn)) throw new Error('poisoned event ' + data.failOn);
      const byStream = new Map();
      for (const e of events) byStream.set(e.streamId, (byStream.get(e.streamId) ?? '') + e.eventId.slice(0, 8) + '@' + e.streamRevision + ';');
      const keys = [...byStream.keys()];
      const found = context?.rows
        ? await context.rows.get(em, trailRows, keys)
        : new Map((await trailRows.load(em, keys)).map((row) => [row.stream_id, row]));
      const rows = keys.map((key) => ({ stream_id: key, trail: (found.get(key)?.trail ?? '') + byStream.get(key) }));
      if (context?.rows) await context.rows.put(em, trailRows, rows);
      else await trailRows.write(em, rows);
    },
  };
  const bees = {
    name: 'threads-spec-bees',
    tables: ['threads_spec_bees', 'threads_spec_pages'],
    entities: [],
    eventTypes: ['B'],
    async apply(events, em) {
      if (events.some((e) => e.type !== 'B')) throw new Error('got an event type it did not ask for');
      const [{ n }] = await em.query('INSERT INTO threads_spec_pages DEFAULT VALUES RETURNING n');
      await em.query(
        'INSERT INTO threads_spec_bees (event_id, stream_id, page, at) SELECT e, s, $3, ' +
          'a::timestamptz FROM unnest($1::uuid[], $2::text[], $4::text[]) AS u(e, s, a)',
        [events.map((e) => e.eventId), events.map((e) => e.streamId), n, events.map((e) => e.recordedAt.toISOString())],
      );
    },
  };
  return [trail, bees, where];
}
`;

const TABLES = ['threads_spec_trail', 'threads_spec_bees', 'threads_spec_pages'];

d('rebuildProjections with worker threads (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let url: string;
  let dir: string;
  let threads: Omit<RebuildThreads, 'groups'>;
  let projections: (data: { failOn: number | null }) => Projection[];
  const store = new MemoryEventStore();

  /** Every table's rows, as text, in a stable order. */
  const snapshot = async () => {
    const out: Record<string, string[]> = {};
    for (const table of TABLES)
      out[table] = (
        (await dataSource.query(`SELECT t::text AS row FROM public.${table} t ORDER BY 1`)) as {
          row: string;
        }[]
      ).map((r) => r.row);
    return out;
  };

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    url = scratch.url;
    dataSource = await openReadModelDataSource({ url, entities: [] });
    await dataSource.query(
      `CREATE TABLE threads_spec_trail (stream_id text PRIMARY KEY, trail text NOT NULL, writes int NOT NULL)`,
    );
    await dataSource.query(
      `CREATE TABLE threads_spec_bees (event_id uuid PRIMARY KEY, stream_id text NOT NULL, page int NOT NULL,
         at timestamptz NOT NULL)`,
    );
    await dataSource.query(`CREATE INDEX threads_spec_bees_stream ON threads_spec_bees (stream_id)`);
    await dataSource.query(`CREATE TABLE threads_spec_where (thread_id int PRIMARY KEY)`);
    await dataSource.query(
      `CREATE TABLE threads_spec_pages (n int GENERATED ALWAYS AS IDENTITY PRIMARY KEY)`,
    );
    // Several streams interleaved, so that each page holds parts of many and every stream spans pages.
    await appendInterleaved(store, 60, 9);

    // The worker thread runs rebuild-worker.ts transpiled on its own (jest's transform does not reach it),
    // with the repository's node_modules beside it.
    dir = mkdtempSync(join(tmpdir(), 'rebuild-threads-spec-'));
    symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'), 'dir');
    // Beside it, the one module of ours it imports (the rebuild's row cache), as ES modules.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const transpile = (file: string) =>
      ts.transpileModule(readFileSync(join(process.cwd(), 'libs/read-models/src/runner', file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      }).outputText;
    writeFileSync(join(dir, 'rebuild-worker.mjs'), transpile('rebuild-worker.ts'));
    writeFileSync(join(dir, 'rebuild-row-cache.js'), transpile('rebuild-row-cache.ts'));
    writeFileSync(join(dir, 'projections.mjs'), PROJECTIONS_MODULE);
    const module = pathToFileURL(join(dir, 'projections.mjs'));
    projections = ((await import(module.href)) as { specProjections: typeof projections }).specProjections;
    threads = {
      module,
      name: 'specProjections',
      data: { failOn: null },
      databaseUrl: url,
      script: pathToFileURL(join(dir, 'rebuild-worker.mjs')),
    };
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const reset = async () => {
    for (const table of [...TABLES, 'threads_spec_where'])
      await dataSource.query(`TRUNCATE public.${table} RESTART IDENTITY`);
  };

  it('gives the very rows the one-thread rebuild gives, whichever projections go to which thread', async () => {
    const single = await rebuildProjections(dataSource, store, projections({ failOn: null }), {
      batchSize: 25,
    });
    const expected = await snapshot();
    expect(expected['threads_spec_trail']).toHaveLength(9);
    // Each stream spans pages, and its trail row was written once (the rebuild's row cache), in whichever
    // thread applied it: a thread without the cache would write some rows several times.
    const writes = async () =>
      (
        (await dataSource.query(`SELECT DISTINCT writes FROM public.threads_spec_trail`)) as {
          writes: number;
        }[]
      ).map((r) => r.writes);
    expect(await writes()).toEqual([1]);
    expect(expected['threads_spec_bees']).toHaveLength(60);
    expect(expected['threads_spec_pages']!.length).toBeGreaterThan(3);

    for (const groups of [
      [['threads-spec-bees', 'threads-spec-where']],
      [['threads-spec-trail', 'threads-spec-bees']],
      [['threads-spec-trail'], ['threads-spec-bees', 'threads-spec-where']],
    ]) {
      await reset();
      const results = await rebuildProjections(dataSource, store, projections({ failOn: null }), {
        batchSize: 25,
        threads: { ...threads, groups },
      });
      expect(await snapshot()).toEqual(expected);
      const where = (await dataSource.query(`SELECT thread_id FROM public.threads_spec_where`)) as {
        thread_id: number;
      }[];
      expect(where).toEqual([
        { thread_id: groups.flat().includes('threads-spec-where') ? expect.any(Number) : 0 },
      ]);
      if (groups.flat().includes('threads-spec-where')) expect(where[0]!.thread_id).not.toBe(0);
      expect(results.map((r) => [r.projection, r.eventsRead, r.eventsApplied, r.position])).toEqual(
        single.map((r) => [r.projection, r.eventsRead, r.eventsApplied, r.position]),
      );
      // The secondary index was built on the table the worker thread filled, and it was swapped in.
      const indexes = (await dataSource.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'threads_spec_bees'`,
      )) as { indexname: string }[];
      expect(indexes.map((i) => i.indexname)).toContain('threads_spec_bees_stream');
    }

    // Without the cache the thread writes a row on every page that touches it: same trails, more writes.
    await reset();
    await rebuildProjections(dataSource, store, projections({ failOn: null }), {
      batchSize: 25,
      rowCacheRows: 0,
      threads: { ...threads, groups: [['threads-spec-trail']] },
    });
    expect(Math.max(...(await writes()))).toBeGreaterThan(1);
    const trails = (rows: string[]) => rows.map((row) => row.replace(/,\d+\)$/, ')'));
    expect(trails((await snapshot())['threads_spec_trail']!)).toEqual(
      trails(expected['threads_spec_trail']!),
    );
  }, 60_000);

  it('fails the rebuild when a worker thread fails, leaving the live tables and no rebuild schema', async () => {
    await reset();
    await rebuildProjections(dataSource, store, projections({ failOn: null }), { batchSize: 25 });
    const before = await snapshot();
    await expect(
      rebuildProjections(dataSource, store, projections({ failOn: null }), {
        batchSize: 25,
        threads: { ...threads, data: { failOn: 41 }, groups: [['threads-spec-trail']] },
      }),
    ).rejects.toThrow(/poisoned event 41/);
    await expect(
      rebuildProjections(dataSource, store, projections({ failOn: null }), {
        threads: { ...threads, name: 'noSuchExport', groups: [['threads-spec-trail']] },
      }),
    ).rejects.toThrow(/rebuild worker thread/);
    expect(await snapshot()).toEqual(before);
    expect(await leftoverRebuildSchemas(dataSource)).toEqual([]);
  }, 60_000);
});
