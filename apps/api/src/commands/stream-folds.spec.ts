import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type ReadStreamOptions,
  type RecordedEvent,
} from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { conflict } from '#induction/shared/domain-error.js';
import type { Decider, DomainEvent } from '#induction/shared/decider.js';
import { MemoryKeyVault } from '#platform/personal-data/key-vault.js';
import { PersonalDataCipher } from '#platform/personal-data/personal-data-cipher.js';
import { PersonalDataEventStore } from '#platform/runtime/personal-data-event-store.js';
import type { Principal } from '../auth/principal.js';
import type { CommandContext } from '../http/command-context.js';
import { StreamCommandRunner } from './stream-command-runner.js';
import { StreamFolds } from './stream-folds.js';

/**
 * A ledger of amounts, enough to exercise the kept fold: `Added` schema 1 ({ n }) is upcast to schema 2
 * ({ amount }), a limit makes `decide` depend on the state, and a person's name rides in `data.personal`.
 */
type Added = DomainEvent<
  'Added',
  { amount: number; by: string; personal?: Record<string, { name: string } | null> }
>;
type Ledger = { total: number; count: number; names: Record<string, string | null> };
type Add = { amount: number; by: string; name?: string };
const LIMIT = 1_000;
const ledger: Decider<Add, Added, Ledger> = {
  initialState: () => ({ total: 0, count: 0, names: {} }),
  decide: (command, state) => {
    if (state.total + command.amount > LIMIT) throw conflict('over the limit');
    return [
      {
        type: 'Added',
        schemaVersion: 2,
        data: {
          amount: command.amount,
          by: command.by,
          ...(command.name ? { personal: { [command.by]: { name: command.name } } } : {}),
        },
      },
    ];
  },
  evolve: (state, event) => {
    const names = { ...state.names };
    for (const [subject, fields] of Object.entries(event.data.personal ?? {}))
      names[subject] = fields?.name ?? null;
    return { total: state.total + event.data.amount, count: state.count + 1, names };
  },
};
const toLedgerEvent = (event: RecordedEvent): Added => {
  const data = event.data as {
    n?: number;
    amount?: number;
    by: string;
    personal?: Added['data']['personal'];
  };
  return {
    type: 'Added',
    schemaVersion: 2,
    data: {
      amount: event.schemaVersion === 1 ? data.n! : data.amount!,
      by: data.by,
      personal: data.personal,
    },
  };
};

const principal: Principal = { userId: 'user-1', role: 'hub_staff', schoolUrns: [], name: 'Spec' };
const context = (extra: Partial<CommandContext> = {}): CommandContext => ({
  principal,
  correlationId: randomUUID(),
  causationId: randomUUID(),
  ...extra,
});
const add = (
  runner: StreamCommandRunner,
  stream: string,
  command: Add,
  extra: Partial<CommandContext> = {},
) =>
  runner.run({
    streamId: stream,
    id: stream,
    decider: ledger,
    toDomainEvent: toLedgerEvent,
    context: context(extra),
    command,
  });
const fullFold = async (store: EventStore, stream: string) =>
  (await store.readStream(stream)).map(toLedgerEvent).reduce(ledger.evolve, ledger.initialState());
const foldOf = (runner: StreamCommandRunner, stream: string) => runner.fold(stream, ledger, toLedgerEvent);
/** An event written by an older version of the service (schema 1), straight to the store. */
const legacy = (n: number) => ({
  eventId: randomUUID(),
  type: 'Added',
  schemaVersion: 1,
  data: { n, by: 'legacy' },
  metadata: { actor: 'legacy', correlationId: 'c', causationId: 'c' },
});

/** The store, recording how many events each readStream returned and from which revision. */
class CountingStore extends MemoryEventStore {
  readonly reads: { from: bigint; events: number }[] = [];
  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId, options);
    this.reads.push({ from: options?.fromRevision ?? 0n, events: events.length });
    return events;
  }
}

const runnerOn = (store: EventStore, maxEvents = 10_000, keyVault?: MemoryKeyVault) =>
  new StreamCommandRunner(store, new StreamFolds(store, { maxEvents, keyVault }));

describe('StreamFolds: the command path keeps its folds and reads only what was appended since', () => {
  it('a command reads only the events after the kept fold, and answers as a full fold would', async () => {
    const store = new CountingStore();
    const runner = runnerOn(store);
    await store.append('s', [legacy(5), legacy(7)]);
    expect((await add(runner, 's', { amount: 1, by: 'a' })).state).toEqual({
      total: 13,
      count: 3,
      names: {},
    });
    expect(store.reads).toEqual([{ from: 0n, events: 2 }]);

    store.reads.length = 0;
    await add(runner, 's', { amount: 2, by: 'a' });
    // Its own event of the command before, read back as stored: the fold is only ever of stored events.
    expect(store.reads).toEqual([{ from: 2n, events: 1 }]);
    const folded = await foldOf(runner, 's');
    expect(folded.state).toEqual(await fullFold(store, 's'));
    expect(folded.revision).toBe(3n);
    expect(runner.folds.size).toEqual({ streams: 1, events: 4 });
  });

  it('another writer (another api process) is read from the tail; a stale If-Match is still refused', async () => {
    const store = new MemoryEventStore();
    const a = runnerOn(store);
    const b = runnerOn(store);
    await add(a, 's', { amount: 10, by: 'a' });
    await add(b, 's', { amount: 20, by: 'b' });
    const result = await add(a, 's', { amount: 30, by: 'a' });
    expect(result.state.total).toBe(60);
    expect(result.revision).toBe(2n);
    await expect(add(b, 's', { amount: 1, by: 'b' }, { expectedRevision: 1n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    await expect(add(b, 's', { amount: 1000, by: 'b' })).rejects.toThrow('over the limit');
  });

  it('an append refused for its expected revision drops the kept fold, and the retry decides on the new state', async () => {
    const memory = new MemoryEventStore();
    const store = Object.create(memory) as EventStore;
    const folds = new StreamFolds(store, { maxEvents: 10_000 });
    const runner = new StreamCommandRunner(store, folds);
    await add(runner, 's', { amount: 900, by: 'a' });
    await foldOf(runner, 's');
    // Another process appends between this command's read and its append.
    store.append = async (...args) => {
      store.append = memory.append.bind(memory);
      await memory.append('s', [legacy(50)]);
      return memory.append(...args);
    };
    await expect(add(runner, 's', { amount: 60, by: 'a' })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(folds.size.streams).toBe(0);
    await expect(add(runner, 's', { amount: 60, by: 'a' })).rejects.toThrow('over the limit');
    expect((await add(runner, 's', { amount: 50, by: 'a' })).state.total).toBe(1000);
  });

  it('an Idempotency-Key retry answers as the first time, though its events are older than the kept fold', async () => {
    const store = new MemoryEventStore();
    const runner = runnerOn(store);
    const first = await add(runner, 's', { amount: 5, by: 'a' }, { idempotencyKey: 'key-1' });
    for (let i = 0; i < 5; i++) await add(runner, 's', { amount: 1, by: 'a' });
    await foldOf(runner, 's');

    const retry = await add(runner, 's', { amount: 5, by: 'a' }, { idempotencyKey: 'key-1' });
    expect(retry).toEqual(first);
    expect(retry.state).toEqual({ total: 5, count: 1, names: {} });
    // Answered by another process too, whose fold is kept from before the first time.
    const other = runnerOn(store);
    await foldOf(other, 's');
    expect(await add(other, 's', { amount: 5, by: 'a' }, { idempotencyKey: 'key-1' })).toEqual(first);
    expect(await store.readStream('s')).toHaveLength(6);
  });

  it('crypto-shredding: a kept fold holding an erased person is dropped, and the next fold has them as null', async () => {
    const vault = new MemoryKeyVault();
    const stored = new MemoryEventStore();
    const store = new PersonalDataEventStore(stored, new PersonalDataCipher(vault));
    const runner = runnerOn(store, 10_000, vault);
    const subject = randomUUID();
    await add(runner, 's', { amount: 1, by: subject, name: 'Ada Lovelace' });
    await add(runner, 's', { amount: 1, by: 'someone-else' });
    expect((await foldOf(runner, 's')).state.names).toEqual({ [subject]: 'Ada Lovelace' });

    await vault.erase(subject, { erasedBy: 'hub-staff', reason: 'R23' });
    const after = await foldOf(runner, 's');
    expect(after.state.names).toEqual({ [subject]: null });
    expect(after.state).toEqual(await fullFold(store, 's'));
    // Folds without personal data ask nothing of the vault and stay kept.
    const plain = new CountingStore();
    const plainRunner = runnerOn(plain, 10_000, vault);
    await add(plainRunner, 'p', { amount: 1, by: 'x' });
    await foldOf(plainRunner, 'p');
    await foldOf(plainRunner, 'p');
    expect(plain.reads.at(-1)).toEqual({ from: 1n, events: 0 });
  });

  it('a new decider (the ECT decider after a calendar change) folds the stream afresh', async () => {
    const store = new CountingStore();
    const runner = runnerOn(store);
    await add(runner, 's', { amount: 3, by: 'a' });
    await foldOf(runner, 's');
    const doubled = {
      ...ledger,
      evolve: (s: Ledger, e: Added) =>
        ledger.evolve(s, { ...e, data: { ...e.data, amount: 2 * e.data.amount } }),
    };
    expect((await runner.fold('s', doubled, toLedgerEvent)).state.total).toBe(6);
    expect(store.reads.at(-1)).toEqual({ from: 0n, events: 1 });
  });

  it('keeps at most maxEvents events, least recently used first out; a stream larger than that is not kept', async () => {
    const store = new MemoryEventStore();
    const runner = runnerOn(store, 5);
    for (const stream of ['x', 'y']) for (let i = 0; i < 2; i++) await store.append(stream, [legacy(1)]);
    await foldOf(runner, 'x');
    await foldOf(runner, 'y');
    expect(runner.folds.size).toEqual({ streams: 2, events: 4 });
    await foldOf(runner, 'x');
    await store.append('z', [legacy(1), legacy(1)]);
    await foldOf(runner, 'z');
    expect(runner.folds.size).toEqual({ streams: 2, events: 4 }); // y went: x was used since
    await store.append('big', [1, 2, 3, 4, 5, 6].map(legacy));
    expect((await foldOf(runner, 'big')).state.total).toBe(21);
    expect(runner.folds.size).toEqual({ streams: 2, events: 4 });
  });

  it('property: interleaved writers, legacy events, evictions and erasures never give a state other than a full fold', async () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('command' as const),
        runner: fc.integer({ min: 0, max: 2 }),
        stream: fc.constantFrom('s1', 's2', 's3'),
        amount: fc.integer({ min: 1, max: 150 }),
        person: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
        ifMatch: fc.option(fc.integer({ min: -1, max: 8 }), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant('legacy' as const),
        stream: fc.constantFrom('s1', 's2', 's3'),
        n: fc.integer({ min: 1, max: 9 }),
      }),
      fc.record({ kind: fc.constant('erase' as const), person: fc.integer({ min: 0, max: 2 }) }),
    );
    await fc.assert(
      // Each step, then a look at some of the folds (a bit per runner and stream), so tails of every length occur.
      fc.asyncProperty(
        fc.array(fc.tuple(step, fc.nat(511)), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 12 }),
        async (steps, cap) => {
          const vault = new MemoryKeyVault();
          const store = new PersonalDataEventStore(new MemoryEventStore(), new PersonalDataCipher(vault));
          // Two processes with their own kept folds (one with a tiny cap, so evictions happen), one keeping none.
          const runners = [
            runnerOn(store, 10_000, vault),
            runnerOn(store, cap, vault),
            new StreamCommandRunner(store),
          ];
          const people = [randomUUID(), randomUUID(), randomUUID()];
          for (const [s, look] of steps) {
            if (s.kind === 'legacy') await store.append(s.stream, [legacy(s.n)]);
            else if (s.kind === 'erase')
              await vault.erase(people[s.person]!, { erasedBy: 'spec', reason: 'R23' });
            else {
              const by = s.person === undefined ? 'anon' : people[s.person]!;
              const name =
                s.person === undefined || (await vault.isErased(by)) ? undefined : `Person ${s.person}`;
              await add(
                runners[s.runner]!,
                s.stream,
                { amount: s.amount, by, name },
                {
                  ...(s.key ? { idempotencyKey: s.key } : {}),
                  ...(s.ifMatch !== undefined ? { expectedRevision: BigInt(s.ifMatch) } : {}),
                },
              ).catch((error: unknown) => {
                if (
                  !(error instanceof WrongExpectedRevisionError) &&
                  !String(error).includes('over the limit')
                )
                  throw error;
              });
            }
            for (const [r, runner] of runners.entries()) {
              for (const [i, stream] of ['s1', 's2', 's3'].entries()) {
                if ((look & (1 << (r * 3 + i))) === 0) continue;
                const folded = await foldOf(runner, stream);
                const events = await store.readStream(stream);
                expect(folded.state).toEqual(await fullFold(store, stream));
                expect(folded.revision).toBe(events.at(-1)?.streamRevision ?? null);
              }
            }
          }
          for (const runner of runners)
            for (const stream of ['s1', 's2', 's3'])
              expect((await foldOf(runner, stream)).state).toEqual(await fullFold(store, stream));
          expect(runners[1]!.folds.size.events).toBeLessThanOrEqual(cap);
        },
      ),
      { numRuns: 60 },
    );
  });
});
