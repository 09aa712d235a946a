import type { ExpectedRevision, NewEvent } from '../event-store.port.js';

/** Where an already stored event sits, as found by its id. */
export interface StoredEventLocation {
  eventId: string;
  streamId: string;
  streamRevision: bigint;
}

/**
 * Decides whether an append is a retry of one that already succeeded (EventStoreDB semantics):
 * - `none`: none of the ids is stored, append normally;
 * - `retry`: every id is stored in this stream, in the given order at consecutive revisions starting where
 *   `expectedRevision` says the original append started: append nothing, return the original result;
 * - `conflict`: some ids are stored, or stored elsewhere / at other revisions: a WrongExpectedRevisionError.
 */
export function classifyRetry(
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
  found: StoredEventLocation[],
): 'none' | 'retry' | 'conflict' {
  if (found.length === 0) return 'none';
  const byId = new Map(found.map((f) => [f.eventId.toLowerCase(), f]));
  if (byId.size !== events.length) return 'conflict';
  const first = byId.get(events[0].eventId.toLowerCase());
  if (!first || first.streamId !== streamId) return 'conflict';
  if (expected === 'no_stream' && first.streamRevision !== 0n) return 'conflict';
  if (typeof expected === 'bigint' && first.streamRevision !== expected + 1n) return 'conflict';
  for (let i = 0; i < events.length; i++) {
    const f = byId.get(events[i].eventId.toLowerCase());
    if (!f || f.streamId !== streamId || f.streamRevision !== first.streamRevision + BigInt(i))
      return 'conflict';
  }
  return 'retry';
}

export function assertAppendable(streamId: string, events: NewEvent[]): void {
  if (!streamId) throw new TypeError('append: streamId must not be empty');
  if (events.length === 0) throw new TypeError(`append to ${streamId}: at least one event is required`);
  const ids = new Set(events.map((e) => e.eventId.toLowerCase()));
  if (ids.size !== events.length)
    throw new TypeError(`append to ${streamId}: duplicate eventId in one append`);
}
