import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeAllOptions,
  comparePositions,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../event-store.port.js';
import { assertAppendable } from '../internal/idempotency.js';
import { anySignal } from '../internal/signals.js';

/** Metadata key carrying `schemaVersion`, which EventStoreDB has no field for. Removed again on read. */
const SCHEMA_VERSION_KEY = '_schemaVersion';

/**
 * EventStoreDB adapter (production). Positions are EventStoreDB's own commit/prepare positions; the
 * `globalPosition` is the commit position. System events (`$` types and streams) never leave the adapter.
 *
 * Differences from the PostgreSQL adapter, inherent to EventStoreDB:
 * - idempotency is per stream and best-effort for `any`/`exists` (the server's recent-write cache): the same
 *   event ids appended to another stream are NOT rejected;
 * - `readAll` and subscriptions are gap-free by construction (a single writer orders the log).
 * Written from the client's typings (6.2.1); its contract run needs EVENTSTORE_CONNECTION_STRING.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly closing = new AbortController();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: { disposeClientOnClose?: boolean } = {},
  ) {}

  static fromConnectionString(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), {
      disposeClientOnClose: true,
    });
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    assertAppendable(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({
            id: e.eventId,
            type: e.type,
            data: e.data as JSONType,
            metadata: { ...e.metadata, [SCHEMA_VERSION_KEY]: e.schemaVersion },
          }),
        ),
        { expectedRevision: toEsdbExpected(expected) },
      );
      let position = result.position;
      if (!position) {
        // Older servers omit the position (e.g. on an idempotent retry): read the event back.
        const [last] = await this.readStream(streamId, { fromRevision: result.nextExpectedRevision });
        position = last?.position;
      }
      if (!position) throw new Error(`EventStoreDB returned no position for ${streamId}`);
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position: { commit: position.commit, prepare: position.prepare },
        globalPosition: position.commit,
      };
    } catch (error) {
      throw mapEsdbError(error, streamId, expected);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: options.fromRevision ?? START,
        direction: FORWARDS,
      })) {
        const event = toRecordedEvent(resolved);
        if (event) out.push(event);
      }
    } catch (error) {
      if (errorType(error) === 'stream-not-found') return [];
      throw mapEsdbError(error);
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after, limit } = options;
    if (limit !== undefined && limit <= 0) return [];
    const out: RecordedEvent[] = [];
    try {
      // Stream $all and stop once `limit` user events are collected (breaking out cancels the read).
      for await (const resolved of this.client.readAll({
        fromPosition: after ? { commit: after.commit, prepare: after.prepare } : START,
        direction: FORWARDS,
      })) {
        const event = toRecordedEvent(resolved);
        if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
        out.push(event);
        if (limit !== undefined && out.length >= limit) break;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
    return out;
  }

  async *subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const signal = anySignal(this.closing.signal, options.signal);
    if (signal.aborted) return;
    const after = options.after;
    const subscription = this.client.subscribeToAll({
      fromPosition: after ? { commit: after.commit, prepare: after.prepare } : START,
      filter: excludeSystemEvents(),
    });
    const stop = () => void subscription.unsubscribe().catch(() => undefined);
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const resolved of subscription) {
        if (signal.aborted) return;
        const event = toRecordedEvent(resolved);
        if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
        yield event;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw mapEsdbError(error);
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
    }
  }

  async resolvePosition(globalPosition: bigint): Promise<LogPosition | null> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({
        fromPosition: { commit: globalPosition, prepare: globalPosition },
        direction: FORWARDS,
        maxCount: 16,
      })) {
        const event = toRecordedEvent(resolved);
        if (!event) continue;
        return event.position.commit === globalPosition ? event.position : null;
      }
      return null;
    } catch (error) {
      const mapped = mapEsdbError(error);
      if (mapped instanceof EventStoreUnavailableError) throw mapped;
      return null; // not a record boundary: unknown position
    }
  }

  async headPosition(): Promise<LogPosition | null> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS })) {
        const event = toRecordedEvent(resolved);
        if (event) return event.position;
      }
      return null;
    } catch (error) {
      throw mapEsdbError(error);
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    if (this.options.disposeClientOnClose) await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new Error('EventStoreDbEventStore is closed');
  }
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/** A user event, or undefined for system events, links and non-JSON payloads. */
function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || e.streamId.startsWith('$')) return undefined;
  const raw = (e.metadata ?? {}) as Record<string, unknown>;
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = raw;
  const position =
    e.position ??
    (resolved.commitPosition !== undefined
      ? { commit: resolved.commitPosition, prepare: resolved.commitPosition }
      : undefined);
  if (!position) return undefined;
  return {
    eventId: e.id,
    type: e.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: e.data as RecordedEvent['data'],
    metadata: metadata as EventMetadata,
    streamId: e.streamId,
    streamRevision: e.revision,
    globalPosition: position.commit,
    position: { commit: position.commit, prepare: position.prepare },
    recordedAt: e.created,
  };
}

/** The client's CommandError `type` (checked by value: robust to duplicate copies of the client module). */
function errorType(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);

function mapEsdbError(error: unknown, streamId?: string, expected?: ExpectedRevision): unknown {
  const type = errorType(error);
  if (type === 'wrong-expected-version') {
    const { actualVersion, streamName } = error as { actualVersion?: unknown; streamName?: string };
    return new WrongExpectedRevisionError(
      streamId ?? streamName ?? '',
      expected ?? 'any',
      typeof actualVersion === 'bigint' ? actualVersion : 'no_stream',
    );
  }
  if (type && UNAVAILABLE_TYPES.has(type)) {
    const message = error instanceof Error ? error.message : String(error);
    return new EventStoreUnavailableError(`EventStoreDB unavailable: ${message}`, { cause: error });
  }
  return error;
}
