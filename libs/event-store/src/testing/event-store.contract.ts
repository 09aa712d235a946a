import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type AppendResult,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
  type SubscribeAllOptions,
  comparePositions,
  WrongExpectedRevisionError,
} from '../event-store.port.js';

/** What an adapter's spec gives the contract suite for one test. */
export interface EventStoreContractSubject {
  /** A fresh store. For a shared server (EventStoreDB) it may hold older events: the suite reads after them. */
  store: EventStore;
  /** Appends in a transaction that is then rolled back: those events must never be seen. */
  appendThenRollback?: (streamId: string, events: NewEvent[]) => Promise<void>;
  /**
   * Appends inside a transaction and leaves it open until `commit()` (PostgreSQL only: PGlite runs one
   * transaction at a time). Later transactions then commit first; readers must wait for this one.
   */
  appendAndHold?: (streamId: string, events: NewEvent[]) => Promise<{ commit(): Promise<void> }>;
  /** Closes `store` and opens a new store on the same database (the suite uses the returned one). */
  restart?: () => Promise<EventStore>;
  /** Releases what the factory set up (the suite closes the current store itself first). */
  dispose?: () => Promise<void>;
}

export interface EventStoreContractOptions {
  /** Per-test timeout (default 20 s). */
  timeoutMs?: number;
  /** Poll interval passed to subscriptions (default 20 ms). */
  pollIntervalMs?: number;
  /**
   * Whether an event id is unique across the whole store, so re-using one in another stream is rejected
   * (default true). EventStoreDB only checks ids within a stream.
   */
  globallyUniqueEventIds?: boolean;
}

export function newEvent(type = 'ThingHappened', data: NewEvent['data'] = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: 'user-1', correlationId: randomUUID(), causationId: randomUUID() },
  };
}

const events = (n: number, type?: string) => Array.from({ length: n }, (_, i) => newEvent(type, { i }));

/**
 * The contract every EventStore adapter passes. `factory` runs once per test and gives a fresh store.
 * Assertions about the global log only look after the head position seen at the start of each test and
 * at the streams the test wrote, so a shared server with older events still passes.
 */
export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreContractSubject>,
  options: EventStoreContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 20_000;
  const pollIntervalMs = options.pollIntervalMs ?? 20;

  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject | undefined;
    let store: EventStore;
    let base: LogPosition | undefined;
    let prefix: string;

    const setUp = async () => {
      subject = await factory();
      store = subject.store;
      base = (await store.headPosition()) ?? undefined;
      prefix = `test${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      return subject;
    };
    const stream = (label: string) => `${prefix}-${label}`;
    /** The log after the start of this test, restricted to this test's streams. */
    const readMine = async (limit?: number) =>
      (await store.readAll({ after: base, limit })).filter((e) => e.streamId.startsWith(prefix));

    /**
     * Waits until `position` is readable. A gap-free reader may lag a committed append while any older
     * transaction is still open (on a shared PostgreSQL server, anyone's): once the head reaches `position`,
     * everything up to it is readable.
     */
    const caughtUp = async (position: LogPosition) => {
      const deadline = Date.now() + timeout / 2;
      for (;;) {
        const head = await store.headPosition();
        if (head && comparePositions(head, position) >= 0) return;
        if (Date.now() > deadline)
          throw new Error(`head ${String(head?.commit)} never reached ${position.commit}`);
        await sleep(10);
      }
    };

    afterEach(async () => {
      if (!subject) return;
      const s = subject;
      subject = undefined;
      await store.close();
      await s.dispose?.();
    });

    describe('append and readStream', () => {
      it(
        'appends events with consecutive revisions and reads them back as written',
        async () => {
          await setUp();
          const written = [newEvent('A', { n: 1, nested: { list: [1, 'two', null, true] } }), newEvent('B')];
          const result = await store.append(stream('s'), written, { expectedRevision: 'no_stream' });
          expect(result.nextExpectedRevision).toBe(1n);

          const read = await store.readStream(stream('s'));
          expect(read.map((e) => e.streamRevision)).toEqual([0n, 1n]);
          expect(read.map((e) => e.eventId.toLowerCase())).toEqual(written.map((e) => e.eventId));
          expect(read[0]).toMatchObject({
            type: 'A',
            schemaVersion: 1,
            streamId: stream('s'),
            data: written[0].data,
            metadata: written[0].metadata,
          });
          expect(read[0].recordedAt).toBeInstanceOf(Date);
          expect(read[1].position).toEqual(result.position);
          expect(read[1].globalPosition).toBe(result.globalPosition);
          expect(comparePositions(read[0].position, read[1].position)).toBeLessThan(0);

          await store.append(stream('s'), [newEvent('C')]);
          expect((await store.readStream(stream('s'), { fromRevision: 1n })).map((e) => e.type)).toEqual([
            'B',
            'C',
          ]);
        },
        timeout,
      );

      it(
        'reads an unknown stream as empty',
        async () => {
          await setUp();
          expect(await store.readStream(stream('nothing-here'))).toEqual([]);
        },
        timeout,
      );

      it(
        'reads from a revision: only the events from it on, none past the end (a kept fold reading its tail)',
        async () => {
          await setUp();
          await store.append(stream('s'), events(3));
          const tail = await store.readStream(stream('s'), { fromRevision: 2n });
          expect(tail.map((e) => e.streamRevision)).toEqual([2n]);
          expect(await store.readStream(stream('s'), { fromRevision: 3n })).toEqual([]);
          expect(await store.readStream(stream('s'), { fromRevision: 10n })).toEqual([]);
          expect(await store.readStream(stream('nothing-here'), { fromRevision: 1n })).toEqual([]);
        },
        timeout,
      );
    });

    describe('expected revision', () => {
      it(
        'no_stream: accepts a new stream, rejects an existing one with its revision',
        async () => {
          await setUp();
          await store.append(stream('s'), events(2), { expectedRevision: 'no_stream' });
          const error = await store
            .append(stream('s'), events(1), { expectedRevision: 'no_stream' })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ streamId: stream('s'), expected: 'no_stream', actual: 1n });
          expect(await store.readStream(stream('s'))).toHaveLength(2);
        },
        timeout,
      );

      it(
        'exists: rejects a missing stream (actual no_stream), accepts an existing one',
        async () => {
          await setUp();
          const error = await store
            .append(stream('s'), events(1), { expectedRevision: 'exists' })
            .catch((e) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ expected: 'exists', actual: 'no_stream' });
          await store.append(stream('s'), events(1));
          const result = await store.append(stream('s'), events(2), { expectedRevision: 'exists' });
          expect(result.nextExpectedRevision).toBe(2n);
        },
        timeout,
      );

      it(
        'any: appends whatever the stream state (and is the default)',
        async () => {
          await setUp();
          expect(
            (await store.append(stream('s'), events(1), { expectedRevision: 'any' })).nextExpectedRevision,
          ).toBe(0n);
          expect(
            (await store.append(stream('s'), events(1), { expectedRevision: 'any' })).nextExpectedRevision,
          ).toBe(1n);
          expect((await store.append(stream('s'), events(1))).nextExpectedRevision).toBe(2n);
        },
        timeout,
      );

      it(
        'exact revision: accepts the current one, rejects stale or missing with the actual revision',
        async () => {
          await setUp();
          const missing = await store
            .append(stream('s'), events(1), { expectedRevision: 0n })
            .catch((e) => e);
          expect(missing).toBeInstanceOf(WrongExpectedRevisionError);
          expect(missing).toMatchObject({ expected: 0n, actual: 'no_stream' });

          const first = await store.append(stream('s'), events(3), { expectedRevision: 'no_stream' });
          const second = await store.append(stream('s'), events(1), {
            expectedRevision: first.nextExpectedRevision,
          });
          expect(second.nextExpectedRevision).toBe(3n);

          const stale = await store.append(stream('s'), events(1), { expectedRevision: 2n }).catch((e) => e);
          expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
          expect(stale).toMatchObject({ streamId: stream('s'), expected: 2n, actual: 3n });
          expect(await store.readStream(stream('s'))).toHaveLength(4);
        },
        timeout,
      );

      it(
        'lets exactly one of several concurrent writers with the same expected revision win',
        async () => {
          await setUp();
          await store.append(stream('s'), events(1));
          const outcomes = await Promise.allSettled(
            Array.from({ length: 8 }, () => store.append(stream('s'), events(1), { expectedRevision: 0n })),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const o of outcomes) {
            if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
          }
          expect(await store.readStream(stream('s'))).toHaveLength(2);
        },
        timeout,
      );
    });

    describe('idempotent retry', () => {
      it(
        're-appending the same event ids appends nothing and returns the original result',
        async () => {
          await setUp();
          const batch = events(3);
          const original = await store.append(stream('s'), batch, { expectedRevision: 'no_stream' });
          await store.append(stream('s'), events(1)); // the retry's expected revision is now stale

          const retried = await store.append(stream('s'), batch, { expectedRevision: 'no_stream' });
          expect(retried).toEqual(original);
          const retriedAny = await store.append(stream('s'), batch, { expectedRevision: 'any' });
          expect(retriedAny).toEqual(original);
          expect(await store.readStream(stream('s'))).toHaveLength(4);
          await caughtUp((await store.readStream(stream('s'))).at(-1)!.position);
          expect(await readMine()).toHaveLength(4);

          const exact = await store.append(stream('s2'), events(1));
          const next = events(2);
          const originalExact = await store.append(stream('s2'), next, {
            expectedRevision: exact.nextExpectedRevision,
          });
          await store.append(stream('s2'), events(1));
          expect(
            await store.append(stream('s2'), next, { expectedRevision: exact.nextExpectedRevision }),
          ).toEqual(originalExact);
        },
        timeout,
      );

      it(
        'rejects a retry whose ids are only partly stored, or stored in another stream',
        async () => {
          await setUp();
          const batch = events(2);
          const written = await store.append(stream('s'), batch, { expectedRevision: 'no_stream' });
          const partly = await store.append(stream('s'), [batch[0], newEvent()]).catch((e) => e);
          expect(partly).toBeInstanceOf(WrongExpectedRevisionError);
          await caughtUp(written.position);
          expect(await readMine()).toHaveLength(2);
          if (options.globallyUniqueEventIds ?? true) {
            const elsewhere = await store.append(stream('other'), batch).catch((e) => e);
            expect(elsewhere).toBeInstanceOf(WrongExpectedRevisionError);
            expect(await store.readStream(stream('other'))).toEqual([]);
          }
        },
        timeout,
      );
    });

    describe('readAll', () => {
      it(
        'reads the log in commit order, pages with after and limit, and keeps multi-event appends in order',
        async () => {
          await setUp();
          const results: AppendResult[] = [];
          for (let i = 0; i < 5; i++) {
            results.push(await store.append(stream(`s${i % 2}`), events(i + 1, `E${i}`)));
          }
          await caughtUp(results.at(-1)!.position);
          const all = await readMine();
          expect(all).toHaveLength(15);
          expect(all.map((e) => e.type)).toEqual([0, 1, 2, 3, 4].flatMap((i) => Array(i + 1).fill(`E${i}`)));
          for (let i = 1; i < all.length; i++)
            expect(comparePositions(all[i - 1].position, all[i].position)).toBe(-1);
          expect(new Set(all.map((e) => e.globalPosition)).size).toBe(15);
          expect(all.at(-1)!.position).toEqual(results.at(-1)!.position);
          for (const s of ['s0', 's1']) {
            const revisions = all.filter((e) => e.streamId === stream(s)).map((e) => e.streamRevision);
            expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
          }

          const paged: RecordedEvent[] = [];
          let after = base;
          for (;;) {
            const page = await store.readAll({ after, limit: 4 });
            expect(page.length).toBeLessThanOrEqual(4);
            if (page.length === 0) break;
            paged.push(...page);
            after = page.at(-1)!.position;
          }
          expect(paged.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.eventId)).toEqual(
            all.map((e) => e.eventId),
          );
          expect(await store.readAll({ after: all.at(-1)!.position })).toEqual([]);
          expect((await store.readAll({ after: all[9].position })).map((e) => e.eventId).slice(0, 5)).toEqual(
            all.slice(10).map((e) => e.eventId),
          );
        },
        timeout,
      );
    });

    describe('positions', () => {
      it(
        'headPosition is the newest event, resolvePosition maps a global position back',
        async () => {
          await setUp();
          if (!base) expect(await store.headPosition()).toBeNull();
          await store.append(stream('a'), events(2));
          const last = await store.append(stream('b'), events(1));
          await caughtUp(last.position);
          expect(await store.headPosition()).toEqual(last.position);
          expect(await store.resolvePosition(last.globalPosition)).toEqual(last.position);
          const [first] = await readMine(1);
          expect(await store.resolvePosition(first.globalPosition)).toEqual(first.position);
          expect(await store.resolvePosition(2n ** 62n)).toBeNull();
        },
        timeout,
      );
    });

    describe('subscribeAll', () => {
      it(
        'delivers every committed event exactly once, in commit order, while 50 writers append concurrently',
        async () => {
          const { appendThenRollback, appendAndHold } = await setUp();
          const live = collect(store, { after: base, pollIntervalMs, batchSize: 7 });

          // A writer that inserts, then holds its transaction open while all the others commit after it.
          const slowEvents = events(2, 'Slow');
          const held = appendAndHold ? await appendAndHold(stream('slow'), slowEvents) : undefined;

          const expectedIds = new Set<string>(held ? slowEvents.map((e) => e.eventId) : []);
          const rolledBackIds = new Set<string>();
          const writers = Array.from({ length: 50 }, async (_, w) => {
            const batch = events(1 + (w % 3), `W${w}`);
            if (appendThenRollback && w % 10 === 3) {
              await appendThenRollback(stream(`w${w % 7}`), batch);
              batch.forEach((e) => rolledBackIds.add(e.eventId));
              return;
            }
            // Some writers contend on the same streams with exact revisions and retry on conflict.
            for (;;) {
              const s = stream(`w${w % 7}`);
              const current = await store.readStream(s);
              const expectedRevision =
                current.length === 0 ? ('no_stream' as const) : BigInt(current.length - 1);
              try {
                await store.append(s, batch, { expectedRevision: w % 2 === 0 ? expectedRevision : 'any' });
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
            batch.forEach((e) => expectedIds.add(e.eventId));
          });
          await Promise.all(writers);

          if (held) {
            try {
              // Everything else committed after the slow transaction began: readers must not run ahead of it.
              expect((await readMine()).length).toBe(0);
              await sleep(5 * pollIntervalMs);
              expect(live.events.length).toBe(0);
            } finally {
              await held.commit(); // also on failure, or the open transaction blocks the cleanup
            }
          }

          await waitFor(() => live.events.length >= expectedIds.size, timeout - 2000);
          await sleep(3 * pollIntervalMs); // anything extra (a duplicate) would arrive now
          live.stop();
          await live.done;

          const mine = live.events.filter((e) => e.streamId.startsWith(prefix));
          const ids = mine.map((e) => e.eventId.toLowerCase());
          expect(ids).toHaveLength(expectedIds.size);
          expect(new Set(ids)).toEqual(expectedIds);
          for (const id of ids) expect(rolledBackIds.has(id)).toBe(false);
          for (let i = 1; i < live.events.length; i++) {
            expect(comparePositions(live.events[i - 1].position, live.events[i].position)).toBe(-1);
          }
          if (held) expect(mine.slice(0, 2).map((e) => e.type)).toEqual(['Slow', 'Slow']);
          for (let w = 0; w < 7; w++) {
            const revisions = mine.filter((e) => e.streamId === stream(`w${w}`)).map((e) => e.streamRevision);
            expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
          }

          // readAll and a fresh catch-up subscription agree with the live one.
          await caughtUp(live.events.at(-1)!.position);
          expect((await readMine()).map((e) => e.eventId)).toEqual(mine.map((e) => e.eventId));
          const catchUp = collect(store, { after: base, pollIntervalMs, batchSize: 13 });
          await waitFor(() => catchUp.events.length >= live.events.length, timeout - 2000);
          catchUp.stop();
          await catchUp.done;
          expect(catchUp.events.map((e) => e.eventId)).toEqual(live.events.map((e) => e.eventId));
        },
        timeout * 2,
      );

      it(
        'resumes from a saved position after a restart, delivering only later events',
        async () => {
          const { restart } = await setUp();
          await store.append(stream('s'), events(3, 'Before'));
          const first = collect(store, { after: base, pollIntervalMs });
          await waitFor(
            () => first.events.filter((e) => e.streamId.startsWith(prefix)).length >= 3,
            timeout - 2000,
          );
          first.stop();
          await first.done;
          const checkpoint = first.events.at(-1)!.position;

          if (restart) store = await restart();
          await store.append(stream('s'), events(2, 'After'));
          await store.append(stream('t'), events(1, 'After'));
          const resumed = collect(store, { after: checkpoint, pollIntervalMs });
          await waitFor(() => resumed.events.length >= 3, timeout - 2000);
          await sleep(3 * pollIntervalMs);
          resumed.stop();
          await resumed.done;
          expect(resumed.events.map((e) => e.type)).toEqual(['After', 'After', 'After']);
          expect(resumed.events.map((e) => e.streamRevision)).toEqual([3n, 4n, 0n]);
        },
        timeout,
      );

      it(
        'stops cleanly when its signal aborts and when the store closes',
        async () => {
          await setUp();
          await store.append(stream('s'), events(2));
          const controller = new AbortController();
          const aborted = collect(store, { after: base, pollIntervalMs: 10_000, signal: controller.signal });
          const closing = collect(store, { after: base, pollIntervalMs: 10_000 });
          await waitFor(() => aborted.events.length >= 2 && closing.events.length >= 2, timeout - 2000);
          controller.abort();
          await expect(within(aborted.done, 2000)).resolves.toBeUndefined();
          await store.close();
          await expect(within(closing.done, 2000)).resolves.toBeUndefined();
        },
        timeout,
      );
    });
  });
}

interface Collector {
  events: RecordedEvent[];
  /** Aborts the subscription (through its signal). */
  stop(): void;
  /** Settles when the iteration ends; rejects if the subscription failed. */
  done: Promise<void>;
}

/** Runs a subscription in the background, collecting what it delivers. */
function collect(store: EventStore, options: SubscribeAllOptions): Collector {
  const received: RecordedEvent[] = [];
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const done = (async () => {
    for await (const event of store.subscribeAll({ ...options, signal })) received.push(event);
  })();
  done.catch(() => undefined);
  return { events: received, stop: () => controller.abort(), done };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
