import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import pg from 'pg';
import { PostgresEventStore } from '#event-store/postgres/postgres-event-store.js';
import { createTestDatabase } from '../../test/support/postgres-test-database.js';
import { reorderLogByTime } from './reorder-log.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;
const NAMESPACE = '6f1d3b52-9a0e-4a55-8d3e-0c4b8f1e2a77';

/** A stream as the generator writes it: all its events at once, each with a date field or none. */
type Stream = { id: string; events: { field?: 'registeredOn' | 'from' | 'submittedOn'; date?: string }[] };

/**
 * The log in `readAll`'s order (commit, then position), read straight from the table: `readAll` hides events of
 * transactions newer than the oldest one running anywhere on the server, and the server is shared.
 */
async function readLog(pool: pg.Pool) {
  const { rows } = await pool.query<{
    commit: string;
    position: string;
    eventId: string;
    streamId: string;
    streamRevision: string;
    type: string;
    schemaVersion: number;
    data: Record<string, unknown>;
    metadata: unknown;
    recordedAt: Date;
  }>(
    `SELECT transaction_id::text AS commit, global_position::text AS position, event_id::text AS "eventId",
            stream_id AS "streamId", stream_revision::text AS "streamRevision", type, schema_version AS "schemaVersion",
            data, metadata, recorded_at AS "recordedAt"
       FROM event_store.events ORDER BY transaction_id, global_position`,
  );
  return rows;
}
type LogRow = Awaited<ReturnType<typeof readLog>>[number];
const byId = (events: LogRow[]) =>
  events
    .map(({ commit: _c, position: _p, ...event }) => event)
    .sort((a, b) => a.eventId.localeCompare(b.eventId));

/** The date `reorderLogByTime` sorts an event by: the latest business date of its stream up to it. */
function sortDates(log: LogRow[]): (string | null)[] {
  const latest = new Map<string, string | null>();
  return log.map((e) => {
    const own = ['registeredOn', 'submittedOn', 'from']
      .map((f) => e.data[f])
      .find((v): v is string => typeof v === 'string');
    const before = latest.get(e.streamId) ?? null;
    const date = own !== undefined && (before === null || own > before) ? own : before;
    latest.set(e.streamId, date);
    return date;
  });
}

d('reorderLogByTime (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    store = new PostgresEventStore(pool, { listenNotify: false });
    await store.migrate();
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await scratch?.drop();
  });

  async function writeAndReorder(streams: Stream[]) {
    await pool.query('TRUNCATE event_store.events, event_store.streams RESTART IDENTITY');
    for (const stream of streams) {
      await store.append(
        stream.id,
        stream.events.map((e, i) => ({
          eventId: uuidv5(`${stream.id}|${i}`, NAMESPACE),
          type: e.field ? `Dated-${e.field}` : 'Undated',
          schemaVersion: 1,
          data: {
            ...(e.field ? { [e.field]: e.date! } : {}),
            i,
            personal: { p1: { $enc: 'v1', ct: 'sealed', iv: 'x', tag: 'y' } },
          },
          metadata: { actor: 'spec', correlationId: stream.id, causationId: stream.id },
        })),
        { expectedRevision: 'no_stream' },
      );
    }
    const before = await readLog(pool);
    const client = await pool.connect();
    try {
      const result = await reorderLogByTime(client);
      expect(result).toMatchObject({ events: before.length, streams: streams.length });
    } finally {
      client.release();
    }
    return { before, after: await readLog(pool) };
  }

  it('orders the log by business date across streams, each stream in revision order', async () => {
    const { before, after } = await writeAndReorder([
      { id: 'school-1', events: [{}, {}] },
      {
        id: 'ect-a',
        events: [
          { field: 'registeredOn', date: '2024-09-02' },
          { field: 'from', date: '2024-11-04' },
          // recorded late, dated before the previous event: stays after it, sorted at 2024-11-04
          { field: 'from', date: '2024-10-01' },
          { field: 'submittedOn', date: '2025-02-10' },
        ],
      },
      {
        id: 'ect-b',
        events: [
          { field: 'registeredOn', date: '2024-09-15' },
          {},
          { field: 'from', date: '2024-11-04' },
          { field: 'submittedOn', date: '2025-01-20' },
        ],
      },
    ]);
    expect(byId(after)).toEqual(byId(before));
    expect(after.map((e) => `${e.streamId}@${e.streamRevision}`)).toEqual([
      'school-1@0',
      'school-1@1',
      'ect-a@0', // 2024-09-02
      'ect-b@0', // 2024-09-15
      'ect-b@1', // undated: its stream's 2024-09-15
      'ect-a@1', // 2024-11-04, earlier position than ect-b@2
      'ect-a@2',
      'ect-b@2',
      'ect-b@3', // 2025-01-20
      'ect-a@3', // 2025-02-10
    ]);
    // One commit, positions renumbered from 1 in the new order.
    expect(new Set(after.map((e) => e.commit)).size).toBe(1);
    expect(after.map((e) => Number(e.position))).toEqual(after.map((_, i) => i + 1));
  }, 30_000);

  it('keeps every event and each stream in revision order, and sorts the log by date (property)', async () => {
    const day = fc
      .integer({ min: 0, max: 700 })
      .map((n) => new Date(Date.UTC(2024, 8, 1) + n * 86_400_000).toISOString().slice(0, 10));
    const event = fc.oneof(
      fc.record({
        field: fc.constantFrom('registeredOn' as const, 'from' as const, 'submittedOn' as const),
        date: day,
      }),
      fc.constant({}),
    );
    const streams = fc
      .array(fc.array(event, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 })
      .map((lists): Stream[] => lists.map((events, i) => ({ id: `ect-${i}`, events })));
    await fc.assert(
      fc.asyncProperty(streams, async (input) => {
        const { before, after } = await writeAndReorder(input);
        expect(byId(after)).toEqual(byId(before));
        const revisions = new Map<string, number>();
        for (const e of after) {
          expect(Number(e.streamRevision)).toBe((revisions.get(e.streamId) ?? -1) + 1);
          revisions.set(e.streamId, Number(e.streamRevision));
        }
        const dates = sortDates(after).map((date) => date ?? '');
        expect(dates).toEqual([...dates].sort());
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
