import { afterAll, afterEach, beforeAll, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type {
  AppendWatch,
  EventStore,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { PostgresEventStore, appendInTransaction } from '#event-store/postgres/postgres-event-store.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { listenerBackends } from '../../../../test/support/listener-backends.js';
import { describeWithEnv } from '../../../../test/support/requires-env.js';
import type { Projection } from '../projection.js';
import { ProjectionRunner, readCheckpoint } from './projection-runner.js';
import { countedEvents, countingProjection } from './testing/counting-projection.js';

const databaseUrl = process.env.DATABASE_URL;
const HOUR = 3_600_000;
const counting = countingProjection('runner-wake-spec', 'runner_wake_spec');

const event = (): NewEvent => ({
  eventId: randomUUID(),
  type: 'A',
  schemaVersion: 1,
  data: {},
  metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
});

/** Resolves once `condition` holds, looking every 10 ms: waits on the state itself, not a guessed delay. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A store whose watch the test drives: `notify()` is an append notification, and `duringNextRead` runs inside
 * the next `readAll`, after the read and before it returns (something appended while the runner reads).
 */
class DrivenStore extends MemoryEventStore {
  private readonly watchers = new Set<() => void>();
  duringNextRead: (() => Promise<void>) | null = null;
  /** `readAll` calls so far. */
  reads = 0;

  notify(): void {
    for (const onAppend of [...this.watchers]) onAppend();
  }

  watchAppends(onAppend: () => void): AppendWatch {
    this.watchers.add(onAppend);
    return {
      live: true,
      commitsHidden: () => Promise.resolve(false),
      close: () => void this.watchers.delete(onAppend),
    };
  }

  override async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads++;
    const events = await super.readAll(options);
    const during = this.duringNextRead;
    this.duringNextRead = null;
    await during?.();
    return events;
  }
}

/**
 * The worker's runner reads the log when the event store says something was appended (PostgreSQL's NOTIFY),
 * not on its poll: the safety poll is an hour here, and the appends come from another store with a pool of
 * its own (another process as far as the runner can tell), so only the notification can wake it.
 */
describeWithEnv('DATABASE_URL', 'ProjectionRunner woken by the store’s appends (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let runnerPool: pg.Pool;
  let runnerStore: PostgresEventStore;
  let writerPool: pg.Pool;
  let writer: PostgresEventStore;
  let runner: ProjectionRunner | null = null;
  const counted = (streamId?: string) => countedEvents(dataSource, 'runner_wake_spec', streamId);
  const checkpointOf = async (name: string) => readCheckpoint(dataSource.manager, name);

  /** A store of the test's own needs a projection (a checkpoint) of its own: its positions are not the log's. */
  const startRunner = async (
    pollIntervalMs: number,
    store: EventStore = runnerStore,
    projection: Projection | Projection[] = counting,
  ) => {
    runner = new ProjectionRunner(dataSource, store, [projection].flat(), {
      pollIntervalMs,
      safetyPollMs: HOUR,
    });
    await runner.start();
    const started = runner;
    await until(() => started.watching);
    return started;
  };

  beforeAll(async () => {
    database = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: database.url, entities: counting.entities });
    runnerPool = new pg.Pool({ connectionString: database.url, max: 3 });
    runnerStore = new PostgresEventStore(runnerPool);
    await runnerStore.migrate();
    writerPool = new pg.Pool({ connectionString: database.url, max: 2 });
    writer = new PostgresEventStore(writerPool, { listenNotify: true });
  }, 60_000);

  afterEach(async () => {
    await runner?.stop();
    runner = null;
  });

  afterAll(async () => {
    await runner?.stop();
    await writer?.close();
    await writerPool?.end();
    await runnerStore?.close();
    await runnerPool?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('reads on a notification and on nothing else while the watch is live and no commit is hidden', async () => {
    const store = new DrivenStore();
    const live = await startRunner(HOUR, store, countingProjection('runner-wake-quiet', 'runner_wake_spec'));
    await until(() => live.pendingSleeps === 1);
    await store.append('driven-quiet', [event()]);
    // No notification: the loop sleeps its hour (hidden commits would make it poll; there are none).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await counted('driven-quiet')).toBe(0);
    store.notify();
    await until(async () => (await counted('driven-quiet')) === 1);
  }, 30_000);

  it('reads the log once per append for all its projections, each applying it once', async () => {
    // Each loop read the batch itself, and then again to find the log empty: 2 reads per projection per append
    // (22 with the worker's 11 projections, each decrypting the events). Loops at the same position share the
    // read in flight, and a short batch read with nothing hidden needs no second read.
    const store = new DrivenStore();
    const names = ['runner-wake-shared-1', 'runner-wake-shared-2', 'runner-wake-shared-3'];
    const live = await startRunner(
      HOUR,
      store,
      names.map((name) => countingProjection(name, 'runner_wake_spec')),
    );
    await until(() => live.pendingSleeps === 3);
    for (const round of [1, 2]) {
      const reads = store.reads;
      await store.append('driven-shared', [event()]);
      store.notify();
      // Every projection counts the stream's events: 3 each time.
      await until(async () => (await counted('driven-shared')) === 3 * round);
      await until(() => live.pendingSleeps === 3);
      expect(store.reads - reads).toBe(1);
    }
    expect(live.status().map((s) => s.lastError)).toEqual([null, null, null]);
  }, 30_000);

  it('moves the checkpoint of a projection with nothing to apply without a transaction', async () => {
    const store = new DrivenStore();
    const name = 'runner-wake-nothing-to-apply';
    const live = await startRunner(HOUR, store, {
      ...countingProjection(name, 'runner_wake_spec'),
      eventTypes: ['B'],
    });
    await until(() => live.pendingSleeps === 1);
    const transactions = jest.spyOn(dataSource, 'transaction');
    try {
      await store.append('driven-other-types', [event()]);
      store.notify();
      const head = (await store.headPosition())!;
      await until(() => live.status()[0]!.position?.prepare === head.prepare);
      expect(await checkpointOf(name)).toEqual(head);
      expect(transactions).not.toHaveBeenCalled();
      expect(await counted('driven-other-types')).toBe(0);
    } finally {
      transactions.mockRestore();
    }
  }, 30_000);

  it('with nothing to apply, leaves a checkpoint moved under it where it was moved to and reads from there', async () => {
    const store = new DrivenStore();
    const name = 'runner-wake-moved-under';
    const live = await startRunner(HOUR, store, {
      ...countingProjection(name, 'runner_wake_spec'),
      eventTypes: ['B'],
    });
    await until(() => live.pendingSleeps === 1);
    const elsewhere = { commit: 1_000_000n, prepare: 1_000_000n };
    // While the runner reads, a rebuild's swap (or another worker) moves the checkpoint on.
    store.duringNextRead = async () => {
      await dataSource.query(
        'UPDATE projection_checkpoints SET commit_position = $2, prepare_position = $3 WHERE name = $1',
        [name, elsewhere.commit.toString(), elsewhere.prepare.toString()],
      );
    };
    await store.append('driven-moved-under', [event()]);
    store.notify();
    await until(() => live.status()[0]!.position?.prepare === elsewhere.prepare);
    expect(await checkpointOf(name)).toEqual(elsewhere);
  }, 30_000);

  it('reads again when notified while it was reading (the notification is not slept through)', async () => {
    const store = new DrivenStore();
    const live = await startRunner(HOUR, store, countingProjection('runner-wake-during', 'runner_wake_spec'));
    await until(() => live.pendingSleeps === 1);
    // The next read finds nothing; while it is under way an event is appended and notified.
    store.duringNextRead = async () => {
      await store.append('driven-during-read', [event()]);
      store.notify();
    };
    live.poke();
    await until(async () => (await counted('driven-during-read')) === 1);
  }, 30_000);

  it('projects another process’s append at once, with an hour-long safety poll', async () => {
    // Only the notification wakes the idle loop; the 50 ms poll runs only while the new commit is hidden
    // behind an older transaction (any on the server: the test waits on the read model, not on a timer).
    await startRunner(50);
    await writer.append('s-notified', [event()]);
    await until(async () => (await counted('s-notified')) === 1);
    expect(runner!.watching).toBe(true);
    expect(runner!.status()[0]!.lastError).toBeNull();
  }, 60_000);

  it('after its LISTEN connection is terminated it reconnects and projects the next append', async () => {
    const live = await startRunner(50);
    const [listener] = await listenerBackends(writerPool);
    expect(listener).toBeDefined();

    await writerPool.query('SELECT pg_terminate_backend($1)', [listener]);
    await until(() => !live.watching);
    // An append while nobody listens: the reconnect (and the poke it makes) must pick it up.
    const before = await counted();
    await writer.append('s-unheard', [event()]);
    await until(async () => (await listenerBackends(writerPool)).some((pid) => pid !== listener));
    await until(() => live.watching);
    await until(async () => (await counted()) === before + 1);

    await writer.append('s-after-reconnect', [event()]);
    await until(async () => (await counted('s-after-reconnect')) === 1);
    expect(await counted()).toBe(before + 2);
  }, 60_000);

  it('does not skip events an older transaction commits after a newer one, nor wait for the safety poll for them', async () => {
    // The poll (20 ms) only runs while commits are hidden; the safety poll is an hour.
    const live = await startRunner(20);
    const before = await counted();
    const older = new pg.Client({ connectionString: database.url });
    await older.connect();
    try {
      await older.query('BEGIN');
      // The older transaction's event, appended without a notification: its commit must be found by the runner.
      await appendInTransaction(older, 's-older', [event()], { notify: false });
      await writer.append('s-newer', [event()]);
      // Notified, but hidden behind the open older transaction: nothing may be applied yet (the newer event
      // before the older one would be skipped for good once the checkpoint passes it).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await counted('s-older')).toBe(0);
      expect(await counted('s-newer')).toBe(0);
      expect(live.status()[0]!.lastError).toBeNull();
      await older.query('COMMIT');
    } finally {
      await older.end();
    }
    await until(async () => (await counted()) === before + 2);
    expect(await counted('s-older')).toBe(1);
    expect(await counted('s-newer')).toBe(1);
  }, 60_000);
});
