import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '#event-store/postgres/postgres-event-store.js';
import type { AppConfig } from '#platform/config/app-config.js';
import { systemClock } from '#platform/clock/clock.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { listenerBackends } from '../../../../test/support/listener-backends.js';
import { describeWithEnv } from '../../../../test/support/requires-env.js';
import { createLedgerDomain, type LedgerDomain } from '../domain/ledger-domain.js';
import type { CommandContext } from '../http/command-context.js';
import { SetFteTermDaysCommand, SetFteTermDaysHandler } from './calendar.handlers.js';
import { CalendarService } from './calendar.service.js';

const databaseUrl = process.env.DATABASE_URL;

/** An api process as far as R1 goes: its own pool, store, domain and calendar service. */
interface ApiInstance {
  pool: pg.Pool;
  store: PostgresEventStore;
  domain: LedgerDomain;
  calendar: CalendarService;
  setFteTermDays(days: number): Promise<bigint>;
}

const context = (): CommandContext => {
  const correlationId = randomUUID();
  return {
    principal: { userId: 'hub-1', role: 'hub_staff', schoolUrns: [], name: 'Hub staff' },
    correlationId,
    causationId: correlationId,
  };
};

/** Resolves once `calendar` emits `name` (at once when `already` holds). */
const when = (calendar: CalendarService, name: 'listening' | 'deaf', already = false) =>
  already ? Promise.resolve() : new Promise<void>((resolve) => calendar.events.once(name, () => resolve()));

/** Resolves when the instance's calendar is at `revision`: on its `changed` events, not on a timer. */
const reaches = (api: ApiInstance, revision: bigint) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (api.domain.calendarConfiguration.revision < revision) return;
      api.calendar.events.off('changed', check);
      resolve();
    };
    api.calendar.events.on('changed', check);
    check();
  });

/**
 * The api refreshes its calendar when the event store's NOTIFY says something was appended, not on a poll:
 * the safety poll here is an hour, so a change written by another api process can only arrive through the
 * notification; and after the LISTEN connection is killed it reconnects, catches up and listens again.
 */
describeWithEnv('DATABASE_URL', 'CalendarService listening for appends (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const instances: ApiInstance[] = [];

  /** `listening: false`: an instance that only writes (so the one LISTEN connection is the first's). */
  const startApi = async ({ listening = true } = {}): Promise<ApiInstance> => {
    const pool = new pg.Pool({ connectionString: database.url, max: 3 });
    const store = new PostgresEventStore(pool);
    await store.migrate();
    const domain = createLedgerDomain({ hubSchoolUrns: [] });
    // The throttle between notified refreshes is PROJECTION_POLL_MS; the safety poll is an hour.
    const config = { projectionPollMs: 50 } as AppConfig;
    const calendar = new CalendarService(store, domain, config, { safetyPollMs: 3_600_000 });
    await calendar.refresh();
    if (listening) calendar.onApplicationBootstrap();
    const handler = new SetFteTermDaysHandler(store, domain, systemClock);
    const api: ApiInstance = {
      pool,
      store,
      domain,
      calendar,
      setFteTermDays: async (days) =>
        (await handler.execute(new SetFteTermDaysCommand(days, context()))).revision,
    };
    instances.push(api);
    return api;
  };

  const stopApi = async (api: ApiInstance) => {
    instances.splice(instances.indexOf(api), 1);
    await api.calendar.onApplicationShutdown();
    await api.store.close();
    await api.pool.end();
  };

  beforeAll(async () => {
    database = await createTestDatabase(databaseUrl!);
  });
  afterAll(async () => {
    for (const api of [...instances]) await stopApi(api);
    await database?.drop();
  });

  it("sees another api process's calendar change through the store's notification", async () => {
    const first = await startApi();
    const other = await startApi({ listening: false });
    await when(first.calendar, 'listening', first.calendar.isListening);
    let deaf = 0;
    first.calendar.events.on('deaf', () => deaf++);

    const revision = await other.setFteTermDays(70);
    expect(revision).toBe(0n);
    await reaches(first, revision);

    expect(first.domain.calendarConfiguration.state.fteTermDays).toBe(70);
    // Listening throughout: no fallback poll could have read it.
    expect(deaf).toBe(0);
    expect(first.calendar.isListening).toBe(true);
    await stopApi(other);
    await stopApi(first);
  });

  it('after its LISTEN connection is terminated it reconnects, and hears the next change', async () => {
    const first = await startApi();
    const other = await startApi({ listening: false });
    await when(first.calendar, 'listening', first.calendar.isListening);
    const listeners = await listenerBackends(other.pool);
    expect(listeners).toHaveLength(1);
    const [listener] = listeners;

    const deaf = when(first.calendar, 'deaf');
    const listeningAgain = deaf.then(() => when(first.calendar, 'listening'));
    await other.pool.query('SELECT pg_terminate_backend($1)', [listener]);
    await deaf;
    expect(first.calendar.isListening).toBe(false);
    await listeningAgain;

    const [reconnected] = await listenerBackends(other.pool);
    expect(reconnected).toBeDefined();
    expect(reconnected).not.toBe(listener);
    const before = first.domain.calendarConfiguration.revision;
    const revision = await other.setFteTermDays(75);
    expect(revision).toBe(before + 1n);
    await reaches(first, revision);
    expect(first.calendar.isListening).toBe(true);
    await stopApi(other);
    await stopApi(first);
  });
});
