import {
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeAllOptions,
  comparePositions,
  WrongExpectedRevisionError,
} from '../event-store.port.js';
import { assertAppendable, classifyRetry } from '../internal/idempotency.js';
import { Waker, anySignal } from '../internal/signals.js';

/**
 * The log itself, kept apart from the store so that a test can "restart" (close one store, open another on
 * the same state) just as it would reopen a database.
 */
export class MemoryEventLog {
  readonly events: RecordedEvent[] = [];
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly byId = new Map<string, RecordedEvent>();
  readonly appended = new Waker();
}

export interface MemoryEventStoreOptions {
  log?: MemoryEventLog;
  /** Clock for `recordedAt` (defaults to the wall clock). */
  now?: () => Date;
}

/**
 * In-memory adapter, for unit tests only. Position: commit = prepare = the 1-based sequence number, which is
 * also the global position. Every stored and returned event is a deep copy, so callers cannot alter the log.
 */
export class MemoryEventStore implements EventStore {
  readonly log: MemoryEventLog;
  private readonly now: () => Date;
  private readonly closing = new AbortController();

  constructor(options: MemoryEventStoreOptions = {}) {
    this.log = options.log ?? new MemoryEventLog();
    this.now = options.now ?? (() => new Date());
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    const stream = this.log.streams.get(streamId) ?? [];
    const actual: bigint | 'no_stream' = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);

    const found = events
      .map((e) => this.log.byId.get(e.eventId.toLowerCase()))
      .filter((e): e is RecordedEvent => e !== undefined);
    const retry = classifyRetry(streamId, events, expected, found);
    if (retry === 'retry') {
      const last = found.reduce((a, b) => (a.streamRevision > b.streamRevision ? a : b));
      return {
        nextExpectedRevision: last.streamRevision,
        position: last.position,
        globalPosition: last.globalPosition,
      };
    }
    if (retry === 'conflict') throw new WrongExpectedRevisionError(streamId, expected, actual);

    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 'no_stream') ||
      (expected === 'exists' && actual !== 'no_stream') ||
      (typeof expected === 'bigint' && actual === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);

    const recordedAt = this.now();
    const recorded = events.map((e, i): RecordedEvent => {
      const sequence = BigInt(this.log.events.length + i + 1);
      return {
        ...copy({
          ...e,
          streamId,
          streamRevision: 0n,
          globalPosition: 0n,
          position: { commit: 0n, prepare: 0n },
          recordedAt,
        }),
        streamId,
        streamRevision: BigInt(stream.length + i),
        globalPosition: sequence,
        position: { commit: sequence, prepare: sequence },
        recordedAt: new Date(recordedAt.getTime()),
      };
    });
    for (const r of recorded) {
      this.log.events.push(r);
      this.log.byId.set(r.eventId.toLowerCase(), r);
    }
    this.log.streams.set(streamId, [...stream, ...recorded]);
    this.log.appended.wake();
    const last = recorded[recorded.length - 1];
    return {
      nextExpectedRevision: last.streamRevision,
      position: last.position,
      globalPosition: last.globalPosition,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = options.fromRevision ?? 0n;
    return (this.log.streams.get(streamId) ?? []).filter((e) => e.streamRevision >= from).map(copy);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after, limit } = options;
    const start = after ? this.log.events.findIndex((e) => comparePositions(e.position, after) > 0) : 0;
    if (start < 0) return [];
    const end = limit === undefined ? undefined : start + limit;
    return this.log.events.slice(start, end).map(copy);
  }

  async *subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<RecordedEvent> {
    const signal = anySignal(this.closing.signal, options.signal);
    const batchSize = options.batchSize ?? 500;
    const pollIntervalMs = options.pollIntervalMs ?? 1000;
    let after = options.after;
    while (!signal.aborted) {
      const seen = this.log.appended.sequence;
      const batch = await this.readAll({ after, limit: batchSize });
      for (const event of batch) {
        if (signal.aborted) return;
        yield event;
        after = event.position;
      }
      if (batch.length < batchSize) await this.log.appended.wait(seen, pollIntervalMs, signal);
    }
  }

  async resolvePosition(globalPosition: bigint): Promise<LogPosition | null> {
    this.assertOpen();
    const event = this.log.events[Number(globalPosition) - 1];
    return event && event.globalPosition === globalPosition ? event.position : null;
  }

  async headPosition(): Promise<LogPosition | null> {
    this.assertOpen();
    return this.log.events.at(-1)?.position ?? null;
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new Error('MemoryEventStore is closed');
  }
}

function copy(e: RecordedEvent): RecordedEvent {
  return {
    ...e,
    data: structuredClone(e.data),
    metadata: structuredClone(e.metadata),
    position: { ...e.position },
    recordedAt: new Date(e.recordedAt.getTime()),
  };
}
