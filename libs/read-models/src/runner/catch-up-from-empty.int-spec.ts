import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import type { Projection } from '../projection.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { catchUpFromEmpty } from './catch-up-from-empty.js';
import { ProjectionRunner } from './projection-runner.js';
import { countedEvents, countingProjection } from './testing/counting-projection.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

/** Two toy projections counting events per stream, each in a table of its own. */
const fresh = countingProjection('catch-up-spec-fresh', 'catch_up_spec_fresh');
const started = countingProjection('catch-up-spec-started', 'catch_up_spec_started');

d('catchUpFromEmpty (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();
  const total = (table: string) => countedEvents(dataSource, table);
  const append = async (count: number) => {
    for (let i = 0; i < count; i++)
      await store.append(`s-${i % 5}`, [
        {
          eventId: randomUUID(),
          type: 'A',
          schemaVersion: 1,
          data: { i },
          metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
        },
      ]);
  };

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({
      url: scratch.url,
      entities: [...fresh.entities, ...started.entities],
    });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('leaves a short log to the live runner', async () => {
    await append(5);
    expect(await catchUpFromEmpty(dataSource, store, [fresh, started], { minEvents: 10 })).toEqual([]);
    expect(await total('catch_up_spec_fresh')).toBe(0);
  }, 60_000);

  it('rebuilds only the projections that never applied anything, then the runner carries on from there', async () => {
    // `started` has applied the first 5 events through the runner; `fresh` has not applied any.
    const runner = new ProjectionRunner(dataSource, store, [started], { pollIntervalMs: 10 });
    await runner.start();
    while ((await total('catch_up_spec_started')) < 5) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    await append(20);

    const results = await catchUpFromEmpty(dataSource, store, [fresh, started], {
      minEvents: 10,
      batchSize: 7,
    });

    expect(results.map((r) => [r.projection, r.eventsRead, r.eventsApplied])).toEqual([
      ['catch-up-spec-fresh', 25, 25],
    ]);
    expect(await total('catch_up_spec_fresh')).toBe(25);
    expect(await total('catch_up_spec_started')).toBe(5);

    await append(3);
    const live = new ProjectionRunner(dataSource, store, [fresh, started], { pollIntervalMs: 10 });
    await live.start();
    while ((await total('catch_up_spec_fresh')) < 28 || (await total('catch_up_spec_started')) < 28)
      await new Promise((r) => setTimeout(r, 20));
    await live.stop();
    expect(await total('catch_up_spec_fresh')).toBe(28);
    expect(await total('catch_up_spec_started')).toBe(28);
    // Nothing empty any more: a second call rebuilds nothing.
    expect(await catchUpFromEmpty(dataSource, store, [fresh, started], { minEvents: 10 })).toEqual([]);
  }, 60_000);

  it('rebuilds a projection whose tables another version wrote, however short the log, and records the version', async () => {
    const versions = async () =>
      Object.fromEntries(
        (
          (await dataSource.query(
            `SELECT name, version FROM projection_checkpoints WHERE name LIKE 'catch-up-spec-%' ORDER BY name`,
          )) as { name: string; version: number | null }[]
        ).map((r) => [r.name, r.version]),
      );
    // Rows written before versions were recorded count as version 1, like a projection that declares none.
    await dataSource.query(
      `UPDATE projection_checkpoints SET version = NULL WHERE name = 'catch-up-spec-started'`,
    );
    expect(await catchUpFromEmpty(dataSource, store, [fresh, started], { minEvents: 1_000 })).toEqual([]);

    // The next release changes what `started` stores: its tables are rebuilt at start even though the log
    // (28 events) is far below minEvents; `fresh`, at the version that built it, is left alone.
    await dataSource.query(`UPDATE catch_up_spec_started SET n = n + 100`);
    const results = await catchUpFromEmpty(dataSource, store, [fresh, { ...started, version: 2 }], {
      minEvents: 1_000,
    });
    expect(results.map((r) => [r.projection, r.eventsApplied])).toEqual([['catch-up-spec-started', 28]]);
    expect(await total('catch_up_spec_started')).toBe(28);
    expect(await versions()).toEqual({ 'catch-up-spec-fresh': 1, 'catch-up-spec-started': 2 });
    // Recorded: the same version again rebuilds nothing; a new projection's row starts at its own version.
    expect(await catchUpFromEmpty(dataSource, store, [fresh, { ...started, version: 2 }])).toEqual([]);
  }, 60_000);
});

d('ProjectionRunner.catchUp beside the running loops (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [...started.entities] });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('applies each event once when catchUp() runs while the loop steps too', async () => {
    for (let i = 0; i < 5; i++)
      await store.append(`s-${i % 2}`, [
        {
          eventId: randomUUID(),
          type: 'A',
          schemaVersion: 1,
          data: { i },
          metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
        },
      ]);
    const runner = new ProjectionRunner(dataSource, store, [started], { pollIntervalMs: 60_000 });
    await runner.start();
    await runner.catchUp();
    await runner.stop();
    const rows = (await dataSource.query(
      `SELECT coalesce(sum(n), 0)::int AS n FROM catch_up_spec_started`,
    )) as { n: number }[];
    expect(rows[0]!.n).toBe(5);
  }, 60_000);

  it('wakes every loop on a poke however long it has been polling (no chain of finished sleeps)', async () => {
    // Eleven loops polling every millisecond for two seconds: tens of thousands of sleeps time out. The old
    // waker chain kept each one linked to the next, and a poke then recursed through all of them (RangeError:
    // Maximum call stack size exceeded, the national bench's worker a few minutes after start).
    const loops: Projection[] = Array.from({ length: 11 }, (_, i) => ({
      name: `catch-up-spec-poll-${i}`,
      tables: [],
      entities: [],
      apply: () => Promise.resolve(),
    }));
    const runner = new ProjectionRunner(dataSource, store, loops, { pollIntervalMs: 1 });
    await runner.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(runner.pendingSleeps).toBeLessThanOrEqual(loops.length);
    expect(() => runner.poke()).not.toThrow();
    // A long poll interval: only the poke can make the loop see the next event soon.
    const slow = new ProjectionRunner(dataSource, store, [started], { pollIntervalMs: 60_000 });
    await runner.stop();
    await slow.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await store.append('s-poke', [
      {
        eventId: randomUUID(),
        type: 'A',
        schemaVersion: 1,
        data: {},
        metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
      },
    ]);
    slow.poke();
    const applied = async () =>
      Number(
        (
          await dataSource.query(
            `SELECT coalesce(sum(n), 0)::int AS n FROM catch_up_spec_started WHERE stream_id = 's-poke'`,
          )
        )[0].n,
      );
    for (let i = 0; i < 100 && (await applied()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await applied()).toBe(1);
    await slow.stop();
  }, 60_000);
});
