import { v5 as uuidv5 } from 'uuid';
import { randomUUID } from 'node:crypto';
import type { EventStore, Json, NewEvent, RecordedEvent } from '#event-store/event-store.port.js';
import { WrongExpectedRevisionError } from '#event-store/event-store.port.js';
import type { Decider, DomainEvent } from '#induction/shared/decider.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';

/** Namespace for event ids derived from an Idempotency-Key (a fixed, random UUID). */
const IDEMPOTENT_EVENT_NAMESPACE = '0b5c8f0e-4a57-4c8e-9d0f-6f1d3e2a9b71';

export interface StreamCommand<Command, Event extends DomainEvent, State> {
  streamId: string;
  /** The aggregate id the client sees (the `id` of the response). */
  id: string;
  decider: Decider<Command, Event, State>;
  command: Command | ((state: State) => Command);
  context: CommandContext;
  /** Turns a stored event back into the domain's (upcasting old schema versions). */
  toDomainEvent: (event: RecordedEvent) => Event;
  location?: string;
  /**
   * The stream as the caller has just read it, and its fold: the runner then neither reads nor folds it
   * again (a caller that loaded the stream to check scope). The append still expects the revision read, so
   * a writer that slipped in since is refused as ever.
   */
  loaded?: { recorded: RecordedEvent[]; state: State };
}

/**
 * The thin command handler of style.md, once: read the stream, fold with `evolve`, `decide`, append with the
 * expected revision. A client's `If-Match` revision is checked first (412 when stale); the store's own
 * optimistic concurrency catches a writer that slipped in between (409). With an `Idempotency-Key`, event
 * ids are derived from it: a retry finds its own events already in the stream and answers as the first time.
 */
export class StreamCommandRunner {
  constructor(private readonly store: EventStore) {}

  async run<Command, Event extends DomainEvent, State>(
    spec: StreamCommand<Command, Event, State>,
  ): Promise<CommandAccepted & { state: State }> {
    const recorded = spec.loaded?.recorded ?? (await this.store.readStream(spec.streamId));
    const current = recorded.length > 0 ? recorded[recorded.length - 1]!.streamRevision : null;
    const eventId = (index: number) =>
      spec.context.idempotencyKey
        ? uuidv5(
            `${spec.context.principal.userId}|${spec.context.idempotencyKey}|${spec.streamId}|${index}`,
            IDEMPOTENT_EVENT_NAMESPACE,
          )
        : randomUUID();

    if (spec.context.idempotencyKey) {
      const firstId = eventId(0);
      const earlier = recorded.findIndex((e) => e.eventId === firstId);
      if (earlier >= 0) {
        const batch = recorded
          .slice(earlier)
          .filter((e) => e.metadata.causationId === recorded[earlier]!.metadata.causationId);
        const last = batch[batch.length - 1]!;
        const state = recorded
          .slice(0, earlier + batch.length)
          .map(spec.toDomainEvent)
          .reduce(spec.decider.evolve, spec.decider.initialState());
        return {
          id: spec.id,
          revision: last.streamRevision,
          logPosition: last.globalPosition,
          location: spec.location,
          state,
        };
      }
    }
    if (spec.context.expectedRevision !== undefined && spec.context.expectedRevision !== current) {
      throw new WrongExpectedRevisionError(
        spec.streamId,
        spec.context.expectedRevision,
        current ?? 'no_stream',
      );
    }

    const state =
      spec.loaded?.state ??
      recorded.map(spec.toDomainEvent).reduce(spec.decider.evolve, spec.decider.initialState());
    const command =
      typeof spec.command === 'function' ? (spec.command as (s: State) => Command)(state) : spec.command;
    const events = spec.decider.decide(command, state);
    if (events.length === 0) {
      const last = recorded[recorded.length - 1];
      return {
        id: spec.id,
        revision: current ?? -1n,
        logPosition: last?.globalPosition ?? 0n,
        location: spec.location,
        state,
      };
    }
    const toAppend: NewEvent[] = events.map((event, index) => ({
      eventId: eventId(index),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data as { [key: string]: Json },
      metadata: {
        actor: spec.context.principal.userId,
        actorRole: spec.context.principal.role,
        correlationId: spec.context.correlationId,
        causationId: spec.context.causationId,
      },
    }));
    const result = await this.store.append(spec.streamId, toAppend, {
      expectedRevision: current ?? 'no_stream',
    });
    return {
      id: spec.id,
      revision: result.nextExpectedRevision,
      logPosition: result.globalPosition,
      location: spec.location,
      state: events.reduce(spec.decider.evolve, state),
    };
  }
}
