import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { describeWithEnv } from '../../../../test/support/requires-env.js';
import { ProjectionRunner } from './projection-runner.js';
import { appendInterleaved } from './testing/interleaved-log.js';
import { countedEvents, countingProjection } from './testing/counting-projection.js';

const projections = [1, 2, 3, 4, 5, 6].map((n) => countingProjection(`claims-spec-${n}`, `claims_spec_${n}`));

/**
 * Every loop of a runner claims its projection (an advisory lock) on the runner's one claim connection, all at
 * start: the queries must go one at a time. pg queued them itself, but warned on every worker start that a
 * query on a client still busy with another is deprecated; pg@9 refuses it.
 */
describeWithEnv('DATABASE_URL', 'ProjectionRunner claims (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.DATABASE_URL!);
    dataSource = await openReadModelDataSource({
      url: database.url,
      entities: projections.flatMap((p) => [...p.entities]),
    });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('claims all its projections at start one query at a time, and each projects the log', async () => {
    const store = new MemoryEventStore();
    await appendInterleaved(store, 4, 2); // 12 events
    // What pg warns of: a query handed to a client whose queue already holds one (pg's own test, client.js).
    const query = pg.Client.prototype.query;
    let queuedBehindAnother = 0;
    pg.Client.prototype.query = function (this: { _queryQueue?: unknown[] }, ...args: unknown[]) {
      if ((this._queryQueue?.length ?? 0) > 0) queuedBehindAnother++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    const runner = new ProjectionRunner(dataSource, store, projections, { pollIntervalMs: 20 });
    try {
      await runner.start();
      for (const p of projections)
        while ((await countedEvents(dataSource, p.tables[0]!)) < 12)
          await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await runner.stop();
      pg.Client.prototype.query = query;
    }
    expect(queuedBehindAnother).toBe(0);
  }, 60_000);
});
