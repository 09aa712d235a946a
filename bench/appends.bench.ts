/**
 * 1. Single-event appends to distinct streams at concurrency 1, 16 and 64, on the same database in the same
 * run: our PostgresEventStore, Emmett's PostgreSQL event store (0.42), and raw INSERTs (one row per
 * transaction, the floor any store pays) plus a multi-row INSERT (the ceiling of bulk ingest).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { PostgresEventStore } from '#event-store/postgres/postgres-event-store.js';
import { SingleStatementAppend } from './experiments/single-statement-append.js';
import { runConcurrent, type LatencySummary } from './support/stats.js';

export interface AppendRow {
  /** `ledger-proposed`: bench/experiments/single-statement-append.ts, the change proposed for the store. */
  store: 'ledger' | 'ledger-proposed' | 'emmett' | 'raw-insert';
  concurrency: number;
  events: number;
  eventsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface AppendResults {
  rows: AppendRow[];
  multiRowInsert: { rowsPerStatement: number; events: number; eventsPerSecond: number };
  /** ledger ÷ emmett and ledger ÷ raw insert, by concurrency. */
  ratios: {
    concurrency: number;
    ledgerOverEmmett: number;
    ledgerOverRawInsert: number;
    proposedOverEmmett: number;
  }[];
}

const LEVELS = [1, 16, 64] as const;

const payload = (i: number) => ({
  absenceId: `absence-${i}`,
  from: '2025-10-06',
  to: '2025-10-06',
  days: 1,
  reason: 'illness',
  extendForLeave: null,
  recordedOn: '2025-10-07',
});
const metadata = { actor: 'bench', actorRole: 'hub_staff', correlationId: 'bench', causationId: 'bench' };

export async function benchAppends(
  url: string,
  opsFor: (concurrency: number) => number,
): Promise<AppendResults> {
  // Idle connections are kept (idleTimeoutMillis 0) and all 64 opened up front: the PostgreSQL server is shared
  // (max_connections 100), so a connection opened mid-measurement may be refused.
  const pool = new pg.Pool({ connectionString: url, max: 64, idleTimeoutMillis: 0 });
  const rows: AppendRow[] = [];
  try {
    await openConnections(pool, 64);
    const ledger = new PostgresEventStore(pool, { schema: 'bench_appends' });
    await ledger.migrate();
    const proposedSchema = new PostgresEventStore(pool, {
      schema: 'bench_appends_proposed',
      listenNotify: false,
    });
    await proposedSchema.migrate();
    const proposed = new SingleStatementAppend(pool, 'bench_appends_proposed');
    const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
    await pool.query(`CREATE TABLE bench_raw_events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      stream_id text NOT NULL, stream_revision bigint NOT NULL, event_id uuid NOT NULL UNIQUE,
      type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_revision))`);
    // Warm up each store (schema creation, plans, pool connections) outside the measurement.
    await ledger.append(`warm-${randomUUID()}`, [newEvent(0)], { expectedRevision: 'no_stream' });
    await emmett.appendToStream(`warm-${randomUUID()}`, [{ type: 'AbsenceRecorded', data: payload(0) }]);

    for (const concurrency of LEVELS) {
      const total = opsFor(concurrency);
      const run = randomUUID().slice(0, 8);
      // Interleave the stores per level, so a slow phase of the machine hurts them alike.
      const ours = await runConcurrent(total, concurrency, async (i) => {
        await ledger.append(`ect-${run}-${i}`, [newEvent(i)], { expectedRevision: 'no_stream' });
      });
      rows.push({
        store: 'ledger',
        concurrency,
        events: total,
        eventsPerSecond: ours.perSecond,
        latencyMs: ours.latency,
      });
      const prototype = await runConcurrent(total, concurrency, async (i) => {
        await proposed.appendNew(`ect-${run}-${i}`, [newEvent(i)]);
      });
      rows.push({
        store: 'ledger-proposed',
        concurrency,
        events: total,
        eventsPerSecond: prototype.perSecond,
        latencyMs: prototype.latency,
      });
      const theirs = await runConcurrent(total, concurrency, async (i) => {
        await emmett.appendToStream(`ect-${run}-${i}`, [{ type: 'AbsenceRecorded', data: payload(i) }], {
          expectedStreamVersion: 'STREAM_DOES_NOT_EXIST',
        });
      });
      rows.push({
        store: 'emmett',
        concurrency,
        events: total,
        eventsPerSecond: theirs.perSecond,
        latencyMs: theirs.latency,
      });
      const raw = await runConcurrent(total, concurrency, async (i) => {
        await pool.query(
          `INSERT INTO bench_raw_events (stream_id, stream_revision, event_id, type, data, metadata)
           VALUES ($1, 0, $2, 'AbsenceRecorded', $3, $4)`,
          [`ect-${run}-${i}`, randomUUID(), payload(i), metadata],
        );
      });
      rows.push({
        store: 'raw-insert',
        concurrency,
        events: total,
        eventsPerSecond: raw.perSecond,
        latencyMs: raw.latency,
      });
    }

    // Multi-row INSERT: many events per statement, the most a single writer can push into this table.
    const batch = 1000;
    const batches = Math.max(5, Math.round(opsFor(64) / batch));
    const started = process.hrtime.bigint();
    const run = randomUUID().slice(0, 8);
    for (let b = 0; b < batches; b += 1) {
      await pool.query(
        `INSERT INTO bench_raw_events (stream_id, stream_revision, event_id, type, data, metadata)
         SELECT 'multi-${run}-' || ($1::int * ${batch} + g), 0, gen_random_uuid(), 'AbsenceRecorded', $2::jsonb, $3::jsonb
         FROM generate_series(1, ${batch}) AS g`,
        [b, payload(b), metadata],
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await emmett.close().catch(() => undefined);
    await ledger.close();
    await proposedSchema.close();

    const rate = (store: AppendRow['store'], c: number) =>
      rows.find((r) => r.store === store && r.concurrency === c)!.eventsPerSecond;
    return {
      rows,
      multiRowInsert: {
        rowsPerStatement: batch,
        events: batch * batches,
        eventsPerSecond: (batch * batches) / seconds,
      },
      ratios: LEVELS.map((c) => ({
        concurrency: c,
        ledgerOverEmmett: rate('ledger', c) / rate('emmett', c),
        ledgerOverRawInsert: rate('ledger', c) / rate('raw-insert', c),
        proposedOverEmmett: rate('ledger-proposed', c) / rate('emmett', c),
      })),
    };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function newEvent(i: number) {
  return { eventId: randomUUID(), type: 'AbsenceRecorded', schemaVersion: 1, data: payload(i), metadata };
}

/** Opens `count` pool connections, waiting (up to 2 minutes) while the shared server has no slot free. */
async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const held: pg.PoolClient[] = [];
  const deadline = Date.now() + 120_000;
  try {
    while (held.length < count) {
      try {
        held.push(await pool.connect());
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    for (const client of held) client.release();
  }
}
