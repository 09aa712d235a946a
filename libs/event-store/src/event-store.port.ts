/**
 * The event store port (shared/design/architecture.md, "The event store port").
 * Every adapter (memory, PostgreSQL over `pg`, PGlite, EventStoreDB) passes the same contract suite
 * in `testing/event-store.contract.ts`.
 */

/** JSON-serialisable values, as stored in `data` and `metadata`. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface EventMetadata {
  /** Who caused the event: a user id, or `system:<job>` for scheduled facts. */
  actor: string;
  correlationId: string;
  causationId: string;
  [key: string]: Json;
}

/** An event about to be appended. `eventId` makes a retried append idempotent. */
export interface NewEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: { [key: string]: Json };
  metadata: EventMetadata;
}

/**
 * A place in the global log, totally ordered by (commit, prepare).
 * PostgreSQL: commit = the appending transaction's xid8, prepare = global_position.
 * EventStoreDB: its own commit and prepare positions. Memory: both are the sequence number.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface RecordedEvent extends NewEvent {
  streamId: string;
  /** 0-based revision of the event within its stream. */
  streamRevision: bigint;
  /** A number that identifies the event in the global log (PostgreSQL: global_position; ESDB: commit position). */
  globalPosition: bigint;
  position: LogPosition;
  recordedAt: Date;
}

export type ExpectedRevision = 'no_stream' | 'exists' | 'any' | bigint;

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextExpectedRevision: bigint;
  /** Position of the last event written (or found, on an idempotent retry). */
  position: LogPosition;
  globalPosition: bigint;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omit to read from the start. */
  after?: LogPosition;
  limit?: number;
}

export interface SubscribeAllOptions {
  after?: LogPosition;
  /** How often an adapter without push notification polls for new events. */
  pollIntervalMs?: number;
  batchSize?: number;
  signal?: AbortSignal;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The store could not be reached or refused the write; the API maps this to 503 with Retry-After. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What `EventStore.watchAppends` returns. */
export interface AppendWatch {
  /**
   * True while every append, by any process, reaches `onAppend` (PostgreSQL: its LISTEN connection is up).
   * False: appends by other processes may go unheard, and the caller polls as if there were no watch.
   */
  readonly live: boolean;
  /**
   * True when events are committed that `readAll` does not return yet: they sit behind an older transaction
   * still open (which may be one that appends nothing, so no notification comes when it ends and they show).
   * A reader that read after a notification and must see them soon reads again after a short pause while this
   * holds. Ask it BEFORE the read it guards: false then means that read returns everything committed so far.
   * Absent: the store never holds committed events back.
   */
  commitsHidden?(): Promise<boolean>;
  /** Stops calling `onAppend`. */
  close(): void;
}

export interface EventStore {
  /**
   * Appends atomically. Re-appending events whose ids are already in the stream, at the same revisions,
   * appends nothing and returns the original result (idempotent retry).
   * @throws WrongExpectedRevisionError when `expectedRevision` does not hold.
   */
  append(
    streamId: string,
    events: NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Events of one stream in revision order; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Committed events in commit order, with no gaps: never an event while an earlier one can still commit. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: readAll from `after`, then every newly committed event, exactly once, in order. */
  subscribeAll(options?: SubscribeAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Push notification that something was appended, for caches of one stream (the api's calendar), where a
   * catch-up subscription would read every event. `onAppend` runs, with no detail, after events may have been
   * appended to any stream (coalesced: not once per event), and whenever `live` may have changed (the
   * connection came up or dropped: anything may have gone unheard). Optional: callers poll stores without it.
   */
  watchAppends?(onAppend: () => void): AppendWatch;
  /** Resolves the global position a client saw (X-Log-Position) to a full log position; null when unknown. */
  resolvePosition(globalPosition: bigint): Promise<LogPosition | null>;
  /** Position of the newest committed, visible event (null on an empty log). */
  headPosition(): Promise<LogPosition | null>;
  close(): Promise<void>;
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export const EVENT_STORE = Symbol('EventStore');
