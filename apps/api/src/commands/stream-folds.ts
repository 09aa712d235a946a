import type { EventStore, RecordedEvent } from '#event-store/event-store.port.js';
import { evolveFrom, type Decider, type DomainEvent } from '#induction/shared/decider.js';
import type { KeyVault } from '#platform/personal-data/key-vault.js';

/** A stream as read from the store and folded with a decider's `evolve`. */
export interface StreamFold<State> {
  readonly streamId: string;
  /** Revision of the last event folded; null when the stream has no events. */
  readonly revision: bigint | null;
  /** Global position of the last event folded; 0 when the stream has no events. */
  readonly logPosition: bigint;
  readonly state: State;
  /** Whether an event with this id is in the stream (an idempotent retry's first event). */
  has(eventId: string): boolean;
}

type Folder<Event extends DomainEvent, State> = Pick<
  Decider<unknown, Event, State>,
  'initialState' | 'evolve' | 'evolveAll'
>;

interface Kept {
  readonly fold: StreamFold<unknown>;
  /** What it was folded with: another decider (a new calendar's) or event mapping folds afresh. */
  readonly decider: object;
  readonly toDomainEvent: object;
  /** Every event id read, shared along one line of folds and only added to (stored events never change). */
  readonly eventIds: Set<string>;
  /** People whose personal data the state may hold, decrypted: it is dropped once any of them is erased. */
  readonly subjects: ReadonlySet<string>;
  /** Events folded (revision + 1): what the cap counts. */
  readonly weight: number;
}

export interface StreamFoldsOptions {
  /** Most events, over all kept streams, whose folds are kept; 0 keeps nothing (every fold reads the stream). */
  maxEvents: number;
  /** Most streams kept. */
  maxStreams?: number;
  /** Asked, before a kept fold holding someone's personal data is used, whether they have been erased since. */
  keyVault?: Pick<KeyVault, 'find'>;
}

export const DEFAULT_FOLD_CACHE_STREAMS = 10_000;

/**
 * The command path's kept folds (per process, least recently used first out): a command reads only the events
 * appended to its stream since the fold it keeps, instead of the whole stream. A survey stream holds ~12,000
 * events at national scale and every response or invitation used to read and fold all of them.
 *
 * Never a state other than a full fold's:
 * - only events read from the store are folded (through the caller's `toDomainEvent`, so upcasted); a command's
 *   own events are read back by the next command, so the fold is of the events as stored;
 * - a fold is kept per decider and event mapping: a new one (the ECT decider after a calendar change) folds
 *   afresh;
 * - other writers (another api process) are found by reading the tail, and the append's expected revision
 *   still refuses one that slipped in between (the caller then `forget`s the stream);
 * - crypto-shredding: a fold holding decrypted personal data is dropped once any person in it is erased. The
 *   key vault says so (`find` answers null): at once in the process that erased, within the vault's cache
 *   time to live (60 s) in others, the same bound as for every other read of that person's data.
 * States are immutable (deciders are pure), so a kept state is never changed under a caller.
 */
export class StreamFolds {
  private readonly kept = new Map<string, Kept>();
  private keptEvents = 0;
  private readonly maxStreams: number;

  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    private readonly options: StreamFoldsOptions = { maxEvents: 0 },
  ) {
    this.maxStreams = options.maxStreams ?? DEFAULT_FOLD_CACHE_STREAMS;
  }

  /** Events and streams kept now (for tests and diagnostics). */
  get size(): { streams: number; events: number } {
    return { streams: this.kept.size, events: this.keptEvents };
  }

  /** The stream folded up to its last event: the kept fold carried forward, or the whole stream read. */
  async fold<Event extends DomainEvent, State>(
    streamId: string,
    decider: Folder<Event, State>,
    toDomainEvent: (event: RecordedEvent) => Event,
  ): Promise<StreamFold<State>> {
    let kept = this.take(streamId, decider, toDomainEvent);
    if (kept && !(await this.stillReadable(kept))) {
      this.forget(streamId);
      kept = undefined;
    }
    const from = kept?.fold.revision;
    let read = await this.store.readStream(
      streamId,
      from !== undefined && from !== null ? { fromRevision: from + 1n } : undefined,
    );
    if (kept && read.length > 0 && read[0]!.streamRevision !== (from ?? -1n) + 1n) {
      // Not the events that follow the kept fold (a store that was reset): fold the whole stream.
      this.forget(streamId);
      kept = undefined;
      read = await this.store.readStream(streamId);
    }
    if (kept && read.length === 0) return kept.fold as StreamFold<State>;

    const eventIds = kept?.eventIds ?? new Set<string>();
    let subjects = kept?.subjects ?? new Set<string>();
    for (const event of read) {
      eventIds.add(event.eventId);
      const added = personalSubjects(event).filter((s) => !subjects.has(s));
      if (added.length > 0) subjects = new Set([...subjects, ...added]);
    }
    const last = read.at(-1);
    const state = evolveFrom(
      decider,
      kept ? (kept.fold.state as State) : decider.initialState(),
      read.map(toDomainEvent),
    );
    const fold: StreamFold<State> = {
      streamId,
      revision: last?.streamRevision ?? null,
      logPosition: last?.globalPosition ?? 0n,
      state,
      has: (eventId) => eventIds.has(eventId),
    };
    if (last) {
      this.keep(streamId, {
        fold,
        decider,
        toDomainEvent,
        eventIds,
        subjects,
        weight: Number(last.streamRevision) + 1,
      });
    }
    return fold;
  }

  /** Drops the stream's kept fold (its append was refused: another writer moved it on). */
  forget(streamId: string): void {
    const kept = this.kept.get(streamId);
    if (!kept) return;
    this.kept.delete(streamId);
    this.keptEvents -= kept.weight;
  }

  /** The kept fold of this stream for this decider, now the most recently used; undefined if none. */
  private take(streamId: string, decider: object, toDomainEvent: object): Kept | undefined {
    const kept = this.kept.get(streamId);
    if (!kept) return undefined;
    if (kept.decider !== decider || kept.toDomainEvent !== toDomainEvent) {
      this.forget(streamId);
      return undefined;
    }
    this.kept.delete(streamId);
    this.kept.set(streamId, kept);
    return kept;
  }

  private keep(streamId: string, next: Kept): void {
    const current = this.kept.get(streamId);
    // Two commands on one stream at once: the later fold stays.
    if (current && current.decider === next.decider && (current.fold.revision ?? -1n) > next.fold.revision!)
      return;
    this.forget(streamId);
    if (next.weight > this.options.maxEvents) return;
    this.kept.set(streamId, next);
    this.keptEvents += next.weight;
    for (const [oldest] of this.kept) {
      if (this.keptEvents <= this.options.maxEvents && this.kept.size <= this.maxStreams) break;
      this.forget(oldest);
    }
  }

  private async stillReadable(kept: Kept): Promise<boolean> {
    if (kept.subjects.size === 0 || !this.options.keyVault) return true;
    const keys = await this.options.keyVault.find([...kept.subjects]);
    let readable = true;
    for (const key of keys.values()) {
      if (key === null) readable = false;
      else key.fill(0);
    }
    return readable;
  }
}

/** Subjects whose personal data this (decrypted) event carries: `data.personal` (docs/conventions.md). */
function personalSubjects(event: RecordedEvent): string[] {
  const personal = (event.data as { personal?: unknown }).personal;
  if (typeof personal !== 'object' || personal === null) return [];
  return Object.entries(personal)
    .filter(([, fields]) => fields !== null)
    .map(([subjectId]) => subjectId);
}
