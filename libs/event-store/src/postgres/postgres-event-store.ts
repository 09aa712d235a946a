import pg from 'pg';
import type { ClientBase, Pool, PoolClient } from 'pg';
import {
  type AppendResult,
  type AppendWatch,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeAllOptions,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../event-store.port.js';
import { assertAppendable, classifyRetry, type StoredEventLocation } from '../internal/idempotency.js';
import { Waker, anySignal } from '../internal/signals.js';
import { PgChannelListener } from './pg-channel-listener.js';

/**
 * PostgreSQL adapter (also used for PGlite through its socket server). Schema and the gap-free reader are
 * explained in libs/event-store/README.md.
 */
export interface PostgresEventStoreOptions {
  /** Schema holding `events` and `streams` (default `event_store`); tests use throwaway schemas. */
  schema?: string;
  /**
   * Use LISTEN/NOTIFY as a wake-up for subscriptions (default true). Turn it off for PGlite, which does not
   * deliver notifications and accepts a single connection. The listener uses its own connection, opened
   * with the pool's connection options, so it never holds a pool slot.
   */
  listenNotify?: boolean;
  /**
   * Default poll interval of subscriptions, in ms: how often they look for new events without notifications,
   * or, with them, while events are committed but not yet readable (an older transaction is still open).
   * Default 50.
   */
  pollIntervalMs?: number;
  /** With LISTEN/NOTIFY: the fallback poll interval while nothing is pending (default 1000 ms). */
  idlePollIntervalMs?: number;
}

export const DEFAULT_SCHEMA = 'event_store';

export interface AppendInTransactionOptions {
  expectedRevision?: ExpectedRevision;
  schema?: string;
  /** Send the wake-up notification (delivered at commit). Default true; harmless where nobody listens. */
  notify?: boolean;
}

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
}

const EVENT_COLUMNS = `global_position::text AS global_position, transaction_id::text AS transaction_id, stream_id,
  stream_revision::text AS stream_revision, event_id::text AS event_id, type, schema_version, data, metadata, recorded_at`;

/**
 * Only events of transactions that ended before every transaction still running: nothing earlier can appear.
 * Queries alias the table `e` and order by `e.` columns: the bare names are the `::text` output aliases,
 * which would sort as text.
 */
/** Class id of the per-stream advisory lock that orders concurrent `any` appends (see appendStatement). */
const STREAM_APPEND_LOCK_CLASS = 7301;
const VISIBLE = `e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

export class PostgresEventStore implements EventStore {
  readonly schema: string;
  private readonly s: string;
  private readonly listenNotify: boolean;
  private readonly pollIntervalMs: number;
  private readonly idlePollIntervalMs: number;
  private readonly closing = new AbortController();
  private listener: NotificationListener | undefined;
  private readonly notifier: CoalescedNotifier | undefined;
  private readonly appendWatchers = new Set<() => void>();

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.s = quoteSchema(this.schema);
    this.listenNotify = options.listenNotify ?? true;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.idlePollIntervalMs = options.idlePollIntervalMs ?? 1000;
    if (this.listenNotify)
      this.notifier = new CoalescedNotifier(pool, channelFor(this.schema), () => this.wakeLocal());
  }

  /** Creates the schema, tables and index if missing. Safe to run concurrently and repeatedly. */
  async migrate(): Promise<void> {
    const s = this.s;
    await this.withTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `event-store-migrate:${this.schema}`,
      ]);
      await client.query(`
        CREATE SCHEMA IF NOT EXISTS ${s};
        CREATE TABLE IF NOT EXISTS ${s}.streams (
          stream_id text PRIMARY KEY,
          revision bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ${s}.events (
          global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
          stream_id text NOT NULL,
          stream_revision bigint NOT NULL,
          event_id uuid NOT NULL,
          type text NOT NULL,
          schema_version int NOT NULL,
          data jsonb NOT NULL,
          metadata jsonb NOT NULL,
          recorded_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT events_event_id_key UNIQUE (event_id),
          CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision)
        );
        CREATE INDEX IF NOT EXISTS events_commit_order_idx ON ${s}.events (transaction_id, global_position);
      `);
    });
  }

  /**
   * One autocommitted statement (one round trip, no BEGIN/COMMIT): the expected-revision check, the `streams`
   * update and the `events` insert together. Only when it wrote nothing (wrong revision) or hit the unique event
   * id (already stored) does a second query tell an idempotent retry from a conflict. The wake-up NOTIFY is sent after the
   * commit, coalesced (see CoalescedNotifier): NOTIFY inside the appending transaction takes PostgreSQL's
   * cluster-wide notify lock at commit, which serialised every appender.
   */
  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expectedRevision ?? 'any';
    assertAppendable(streamId, events);
    let written: AppendResult | null;
    try {
      written = await appendStatement(this.pool, this.s, streamId, events, expected, false);
    } catch (error) {
      // Some of the event ids are stored already (a retry, or a conflict): resolve below.
      if (!isUniqueViolation(error)) throw mapPgError(error);
      written = null;
    }
    if (written) {
      if (this.notifier) this.notifier.request();
      else this.wakeLocal();
      return written;
    }
    try {
      return await resolveRejected(this.pool, this.s, streamId, events, expected);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  /** Appends with a caller's client inside the caller's transaction (BEGIN already issued). */
  appendInTransaction(
    client: ClientBase,
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return appendInTransaction(client, streamId, events, {
      ...options,
      schema: this.schema,
      notify: this.listenNotify,
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { rows } = await this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events e
       WHERE e.stream_id = $1 AND e.stream_revision >= $2 ORDER BY e.stream_revision`,
      [streamId, String(options.fromRevision ?? 0n)],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const params: unknown[] = [];
    let where = VISIBLE;
    if (options.after) {
      params.push(String(options.after.commit), String(options.after.prepare));
      where += ` AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)`;
    }
    let limit = '';
    if (options.limit !== undefined) {
      params.push(options.limit);
      limit = ` LIMIT $${params.length}`;
    }
    const { rows } = await this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events e WHERE ${where}
       ORDER BY e.transaction_id, e.global_position${limit}`,
      params,
    );
    return rows.map(toRecordedEvent);
  }

  async *subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<RecordedEvent> {
    const signal = anySignal(this.closing.signal, options.signal);
    const batchSize = options.batchSize ?? 500;
    const pollIntervalMs = options.pollIntervalMs ?? this.pollIntervalMs;
    const listener = this.listenNotify ? this.getListener() : undefined;
    const waker = listener?.waker ?? new Waker();
    let after = options.after;
    while (!signal.aborted) {
      const seen = waker.sequence;
      let batch: RecordedEvent[];
      try {
        batch = await this.readAll({ after, limit: batchSize });
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      for (const event of batch) {
        if (signal.aborted) return;
        yield event;
        after = event.position;
      }
      if (batch.length === batchSize) continue;
      let waitMs = pollIntervalMs;
      if (listener?.ready()) {
        // Notified commits may still be hidden behind an older open transaction: poll until they show.
        const pending = await this.hasPending().catch(() => true);
        if (!pending) waitMs = this.idlePollIntervalMs;
      }
      await waker.wait(seen, waitMs, signal);
    }
  }

  /**
   * With LISTEN/NOTIFY: `onAppend` hears every append's NOTIFY (this process's at once), and `live` is the
   * LISTEN connection being up; it reconnects by itself after a drop. Without it (PGlite): only this
   * process's appends, and `live` is false.
   */
  watchAppends(onAppend: () => void): AppendWatch {
    this.assertOpen();
    this.appendWatchers.add(onAppend);
    const listener = this.listenNotify ? this.getListener() : undefined;
    listener?.ready();
    return {
      get live() {
        return listener?.ready() ?? false;
      },
      commitsHidden: () => this.hasPending(),
      close: () => {
        this.appendWatchers.delete(onAppend);
      },
    };
  }

  async resolvePosition(globalPosition: bigint): Promise<LogPosition | null> {
    this.assertOpen();
    const { rows } = await this.query<{ transaction_id: string }>(
      `SELECT transaction_id::text AS transaction_id FROM ${this.s}.events WHERE global_position = $1`,
      [String(globalPosition)],
    );
    return rows.length === 0 ? null : { commit: BigInt(rows[0].transaction_id), prepare: globalPosition };
  }

  async headPosition(): Promise<LogPosition | null> {
    this.assertOpen();
    const { rows } = await this.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
       FROM ${this.s}.events e WHERE ${VISIBLE}
       ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    return rows.length === 0
      ? null
      : { commit: BigInt(rows[0].transaction_id), prepare: BigInt(rows[0].global_position) };
  }

  /** Ends subscriptions and the notification listener. The pool belongs to the caller, who ends it. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.notifier?.close();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }

  private async hasPending(): Promise<boolean> {
    const { rows } = await this.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.s}.events
         WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending`,
    );
    return rows[0].pending;
  }

  private getListener(): NotificationListener {
    this.listener ??= new NotificationListener(this.pool.options, channelFor(this.schema), () =>
      this.notifyWatchers(),
    );
    return this.listener;
  }

  /** This process appended: wake its subscriptions and watchers without waiting for the NOTIFY. */
  private wakeLocal(): void {
    this.listener?.waker.wake();
    this.notifyWatchers();
  }

  private notifyWatchers(): void {
    for (const onAppend of [...this.appendWatchers]) onAppend();
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new Error('PostgresEventStore is closed');
  }

  private async query<R extends pg.QueryResultRow>(
    text: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, params);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapPgError(error);
    }
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      const mapped = mapPgError(error);
      if (mapped instanceof EventStoreUnavailableError) broken = mapped;
      throw mapped;
    } finally {
      client.release(broken);
    }
  }

  private withTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}

/**
 * Appends `events` to `streamId` using `client`, inside the transaction the caller has begun (and will commit
 * or roll back): the same single statement as `PostgresEventStore.append`. Concurrent writers to one stream
 * serialise on the stream's row in `streams`. Throws WrongExpectedRevisionError; an idempotent retry returns
 * the original result and writes nothing. If a concurrent transaction wrote the same event ids first, the
 * caller's transaction is aborted (roll it back) and the error's `actual` is the revision this append
 * expected (the real one cannot be read in an aborted transaction).
 */
export async function appendInTransaction(
  client: ClientBase,
  streamId: string,
  events: NewEvent[],
  options: AppendInTransactionOptions = {},
): Promise<AppendResult> {
  const expected = options.expectedRevision ?? 'any';
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const s = quoteSchema(schema);
  assertAppendable(streamId, events);
  try {
    const written = await appendStatement(client, s, streamId, events, expected, true);
    if (!written) return await resolveRejected(client, s, streamId, events, expected);
    // Delivered at the caller's commit (this path cannot know when that is); the store's own append notifies
    // after its commit instead.
    if (options.notify ?? true) await client.query('SELECT pg_notify($1, $2)', [channelFor(schema), '']);
    return written;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new WrongExpectedRevisionError(
        streamId,
        expected,
        typeof expected === 'bigint' ? expected : 'no_stream',
      );
    }
    throw mapPgError(error);
  }
}

interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The write as one statement. The first CTE moves the stream's revision if `expected` holds; the insert takes
 * its revisions from it. Returns null when nothing was written. Under READ COMMITTED a writer that waited on
 * the stream's row re-checks the condition against the committed row, so exactly one of several racing
 * writers wins. With `guardRetry` the CTE also requires that none of the event ids is stored yet, so a retry
 * writes nothing instead of failing on the unique event id (which would abort a caller's transaction); an
 * autocommitted append skips that lookup and resolves the rare unique violation afterwards.
 */
async function appendStatement(
  client: Queryable,
  s: string,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
  guardRetry: boolean,
): Promise<AppendResult | null> {
  const params: unknown[] = [
    streamId,
    events.length,
    JSON.stringify(
      events.map((e) => ({ i: e.eventId, t: e.type, v: e.schemaVersion, d: e.data, m: e.metadata })),
    ),
  ];
  let notStored = 'TRUE';
  if (guardRetry) {
    params.push(events.map((e) => e.eventId));
    notStored = `NOT EXISTS (SELECT 1 FROM ${s}.events WHERE event_id = ANY($${params.length}::uuid[]))`;
  }
  let stream: string;
  if (expected === 'any') {
    // Concurrent 'any' appends that create a stream race in ON CONFLICT's speculative insert: the loser can take
    // its transaction id before the winner does, then wait and write revision 1 with the smaller id, so readers
    // (ordered by transaction id) would see revision 1 before 0. A per-stream advisory lock taken first (it needs
    // no transaction id) makes them take their ids in revision order. Two-key form: apart from one-key locks.
    stream = `INSERT INTO ${s}.streams AS st (stream_id, revision) SELECT $1, $2::bigint - 1
      WHERE (SELECT pg_advisory_xact_lock(${STREAM_APPEND_LOCK_CLASS}, hashtext($1))) IS NOT NULL AND ${notStored}
      ON CONFLICT (stream_id) DO UPDATE SET revision = st.revision + $2::bigint RETURNING st.revision`;
  } else if (expected === 'no_stream') {
    stream = `INSERT INTO ${s}.streams (stream_id, revision) SELECT $1, $2::bigint - 1 WHERE ${notStored}
      ON CONFLICT (stream_id) DO NOTHING RETURNING revision`;
  } else if (expected === 'exists') {
    stream = `UPDATE ${s}.streams SET revision = revision + $2::bigint WHERE stream_id = $1 AND ${notStored}
      RETURNING revision`;
  } else {
    params.push(String(expected));
    stream = `UPDATE ${s}.streams SET revision = revision + $2::bigint
      WHERE stream_id = $1 AND revision = $${params.length}::bigint AND ${notStored} RETURNING revision`;
  }
  const { rows } = await client.query<{
    stream_revision: string;
    transaction_id: string;
    global_position: string;
  }>(
    `WITH w AS (${stream})
     INSERT INTO ${s}.events (stream_id, stream_revision, event_id, type, schema_version, data, metadata)
     SELECT $1, w.revision - $2::bigint + e.ord, (e.value->>'i')::uuid, e.value->>'t',
            (e.value->>'v')::int, e.value->'d', e.value->'m'
     FROM w, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
     ORDER BY e.ord
     RETURNING stream_revision::text AS stream_revision, transaction_id::text AS transaction_id,
               global_position::text AS global_position`,
    params,
  );
  if (rows.length === 0) return null;
  const last = rows.reduce((a, b) => (BigInt(a.stream_revision) > BigInt(b.stream_revision) ? a : b));
  const position = { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) };
  return { nextExpectedRevision: BigInt(last.stream_revision), position, globalPosition: position.prepare };
}

/** After a write that stored nothing: the original result of an idempotent retry, or the typed conflict. */
async function resolveRejected(
  client: Queryable,
  s: string,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  const retry = await findRetry(client, s, streamId, events, expected);
  if (retry) return retry;
  throw new WrongExpectedRevisionError(streamId, expected, await currentRevision(client, s, streamId));
}

async function currentRevision(
  client: Queryable,
  s: string,
  streamId: string,
): Promise<bigint | 'no_stream'> {
  const { rows } = await client.query<{ revision: string }>(
    `SELECT revision::text AS revision FROM ${s}.streams WHERE stream_id = $1`,
    [streamId],
  );
  return rows[0] ? BigInt(rows[0].revision) : 'no_stream';
}

/** The original result if `events` were already appended by an earlier call; throws if they conflict. */
async function findRetry(
  client: Queryable,
  s: string,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
): Promise<AppendResult | null> {
  const { rows } = await client.query<{
    event_id: string;
    stream_id: string;
    stream_revision: string;
    transaction_id: string;
    global_position: string;
  }>(
    `SELECT event_id::text AS event_id, stream_id, stream_revision::text AS stream_revision,
            transaction_id::text AS transaction_id, global_position::text AS global_position
     FROM ${s}.events WHERE event_id = ANY($1::uuid[])`,
    [events.map((e) => e.eventId)],
  );
  const found: StoredEventLocation[] = rows.map((r) => ({
    eventId: r.event_id,
    streamId: r.stream_id,
    streamRevision: BigInt(r.stream_revision),
  }));
  const verdict = classifyRetry(streamId, events, expected, found);
  if (verdict === 'none') return null;
  if (verdict === 'conflict')
    throw new WrongExpectedRevisionError(streamId, expected, await currentRevision(client, s, streamId));
  const last = rows.reduce((a, b) => (BigInt(a.stream_revision) > BigInt(b.stream_revision) ? a : b));
  const position = { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) };
  return { nextExpectedRevision: BigInt(last.stream_revision), position, globalPosition: position.prepare };
}

function toRecordedEvent(r: EventRow): RecordedEvent {
  const position = { commit: BigInt(r.transaction_id), prepare: BigInt(r.global_position) };
  return {
    eventId: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    streamId: r.stream_id,
    streamRevision: BigInt(r.stream_revision),
    globalPosition: position.prepare,
    position,
    recordedAt: r.recorded_at,
  };
}

function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError(`Invalid event store schema name: ${schema}`);
  return `"${schema}"`;
}

function channelFor(schema: string): string {
  return `${schema}_appended`.slice(0, 63);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

/** Connection failures become EventStoreUnavailableError (503); everything else passes through unchanged. */
export function mapPgError(error: unknown): unknown {
  if (error instanceof EventStoreUnavailableError || error instanceof WrongExpectedRevisionError)
    return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const unavailable =
    (typeof code === 'string' &&
      (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_PG_CODES.has(code) || code.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    );
  return unavailable
    ? new EventStoreUnavailableError(`Event store unavailable: ${message}`, { cause: error })
    : error;
}

/**
 * One LISTEN connection per store, shared by its subscriptions and append watchers. If it cannot connect or
 * drops, subscriptions simply poll at their poll interval and watchers see `live` false; it reconnects after
 * a pause.
 */
class NotificationListener extends PgChannelListener {
  readonly waker: Waker;

  constructor(connectionOptions: pg.ClientConfig, channel: string, onChange: () => void) {
    const waker = new Waker();
    super(
      connectionOptions,
      channel,
      () => {
        waker.wake();
        onChange();
      },
      { reconnect: true },
    );
    this.waker = waker;
  }
}

/**
 * Sends the wake-up NOTIFY after appends have committed, coalesced: at most one `pg_notify` in flight per
 * store; appends that commit meanwhile share the next one. Subscribers of this process are woken at once.
 * A lost notification only delays subscribers until their fallback poll.
 */
class CoalescedNotifier {
  private dirty = false;
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly wakeLocal: () => void,
  ) {}

  request(): void {
    this.wakeLocal();
    if (this.closed) return;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    this.draining ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        // A request that came in after the loop's last check.
        if (this.dirty && !this.closed) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, '']).catch(() => undefined);
    }
  }

  /** Sends what is pending, then stops (the pool is the caller's, ended after the store closes). */
  async close(): Promise<void> {
    const pending = this.draining;
    if (pending) await pending;
    this.closed = true;
  }
}
