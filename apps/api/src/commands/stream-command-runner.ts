import { v5 as uuidv5 } from 'uuid';
import { randomUUID } from 'node:crypto';
import type { EventStore, Json, NewEvent, RecordedEvent } from '#event-store/event-store.port.js';
import { WrongExpectedRevisionError } from '#event-store/event-store.port.js';
import { evolveFrom, type Decider, type DomainEvent } from '#induction/shared/decider.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import { StreamFolds, type StreamFold } from './stream-folds.js';

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
   * The stream as the caller has just folded it with `fold` (a caller that loaded it to check scope): the runner
   * then neither reads nor folds it again. The append still expects the revision folded, so a writer that
   * slipped in since is refused as ever.
   */
  loaded?: StreamFold<State>;
}

/**
 * The thin command handler of style.md, once: fold the stream with `evolve`, `decide`, append with the
 * expected revision. The fold is kept between commands (`StreamFolds`): a command reads only the events
 * appended since. A client's `If-Match` revision is checked first (412 when stale); the store's own optimistic
 * concurrency catches a writer that slipped in between (409). With an `Idempotency-Key`, event ids are derived
 * from it: a retry finds its own events already in the stream and answers as the first time.
 */
export class StreamCommandRunner {
  readonly folds: StreamFolds;

  /** Without `folds`, nothing is kept: every command reads and folds its whole stream. */
  constructor(
    private readonly store: EventStore,
    folds?: StreamFolds,
  ) {
    this.folds = folds ?? new StreamFolds(store);
  }

  /** The stream folded with `decider` up to its last event (for a caller that checks the state first). */
  fold<Event extends DomainEvent, State>(
    streamId: string,
    decider: Decider<unknown, Event, State>,
    toDomainEvent: (event: RecordedEvent) => Event,
  ): Promise<StreamFold<State>> {
    return this.folds.fold(streamId, decider, toDomainEvent);
  }

  async run<Command, Event extends DomainEvent, State>(
    spec: StreamCommand<Command, Event, State>,
  ): Promise<CommandAccepted & { state: State }> {
    const folded = spec.loaded ?? (await this.fold(spec.streamId, spec.decider, spec.toDomainEvent));
    const current = folded.revision;
    const eventId = (index: number) =>
      spec.context.idempotencyKey
        ? uuidv5(
            `${spec.context.principal.userId}|${spec.context.idempotencyKey}|${spec.streamId}|${index}`,
            IDEMPOTENT_EVENT_NAMESPACE,
          )
        : randomUUID();

    if (spec.context.idempotencyKey && folded.has(eventId(0))) {
      return this.replay(spec, eventId(0));
    }
    if (spec.context.expectedRevision !== undefined && spec.context.expectedRevision !== current) {
      throw new WrongExpectedRevisionError(
        spec.streamId,
        spec.context.expectedRevision,
        current ?? 'no_stream',
      );
    }

    const state = folded.state;
    const command =
      typeof spec.command === 'function' ? (spec.command as (s: State) => Command)(state) : spec.command;
    const events = spec.decider.decide(command, state);
    if (events.length === 0) {
      return {
        id: spec.id,
        revision: current ?? -1n,
        logPosition: folded.logPosition,
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
    let result;
    try {
      result = await this.store.append(spec.streamId, toAppend, {
        expectedRevision: current ?? 'no_stream',
      });
    } catch (error) {
      // Another writer moved the stream on: the retry folds afresh rather than trust what is kept.
      if (error instanceof WrongExpectedRevisionError) this.folds.forget(spec.streamId);
      throw error;
    }
    return {
      id: spec.id,
      revision: result.nextExpectedRevision,
      logPosition: result.globalPosition,
      location: spec.location,
      state: evolveFrom(spec.decider, state, events),
    };
  }

  /**
   * An idempotent retry answers as the first time: the revision and position of its events and the state just
   * after them. Those events may be older than any kept fold, so the whole stream is read (retries are rare).
   */
  private async replay<Command, Event extends DomainEvent, State>(
    spec: StreamCommand<Command, Event, State>,
    firstId: string,
  ): Promise<CommandAccepted & { state: State }> {
    const recorded = await this.store.readStream(spec.streamId);
    const earlier = recorded.findIndex((e) => e.eventId === firstId);
    if (earlier < 0) {
      // Kept from a store that has since lost it (reset under a test): fold the stream as it is now.
      this.folds.forget(spec.streamId);
      return this.run({ ...spec, loaded: undefined });
    }
    const batch = recorded
      .slice(earlier)
      .filter((e) => e.metadata.causationId === recorded[earlier]!.metadata.causationId);
    const last = batch[batch.length - 1]!;
    const state = evolveFrom(
      spec.decider,
      spec.decider.initialState(),
      recorded.slice(0, earlier + batch.length).map(spec.toDomainEvent),
    );
    return {
      id: spec.id,
      revision: last.streamRevision,
      logPosition: last.globalPosition,
      location: spec.location,
      state,
    };
  }
}

/** The runtime's command runner, its folds kept up to `COMMAND_FOLD_CACHE_EVENTS` events (one per process). */
export function commandRunnerFor(
  runtime: Pick<LedgerRuntime, 'eventStore' | 'keyVault' | 'config'>,
): StreamCommandRunner {
  return new StreamCommandRunner(
    runtime.eventStore,
    new StreamFolds(runtime.eventStore, {
      maxEvents: runtime.config.commandFoldCacheEvents,
      keyVault: runtime.keyVault,
    }),
  );
}
