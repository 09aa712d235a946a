import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { AppendDrivenPoll } from './append-driven-poll.js';
import type { AppendWatch } from './event-store.port.js';

const POLL = 100;
const SAFETY = 30_000;

/** A store whose notifications the test sends: `append()` as a NOTIFY would, `setLive` as the connection. */
function watchedStore() {
  let onAppend: (() => void) | null = null;
  const state = { live: false, closed: false };
  return {
    state,
    store: {
      watchAppends(callback: () => void): AppendWatch {
        onAppend = callback;
        return {
          get live() {
            return state.live;
          },
          close() {
            state.closed = true;
            onAppend = null;
          },
        };
      },
    },
    append: () => onAppend?.(),
    setLive(live: boolean) {
      state.live = live;
      onAppend?.();
    },
  };
}

describe('AppendDrivenPoll', () => {
  let runs: number;
  const started: AppendDrivenPoll[] = [];
  const start = (store: ConstructorParameters<typeof AppendDrivenPoll>[0], run?: () => Promise<unknown>) => {
    const listening: boolean[] = [];
    const poll = new AppendDrivenPoll(store, {
      run:
        run ??
        (async () => {
          runs++;
        }),
      pollMs: POLL,
      safetyPollMs: SAFETY,
      onError: () => undefined,
      onListening: (l) => listening.push(l),
    });
    poll.start();
    started.push(poll);
    return { poll, listening };
  };

  beforeEach(() => {
    jest.useFakeTimers();
    runs = 0;
  });
  afterEach(async () => {
    for (const poll of started.splice(0)) await poll.stop();
    jest.useRealTimers();
  });

  it('polls every pollMs on a store without watches (PGlite, EventStoreDB)', async () => {
    const { poll } = start({});
    await jest.advanceTimersByTimeAsync(10 * POLL);
    expect(runs).toBe(10);
    expect(poll.listening).toBe(false);
  });

  it('while notifications flow, runs on a notification and on the safety poll only', async () => {
    const fake = watchedStore();
    const { poll, listening } = start(fake.store);
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(POLL);
    expect(listening).toEqual([true]);
    expect(poll.listening).toBe(true);
    const afterConnect = runs;
    expect(afterConnect).toBeGreaterThanOrEqual(1);

    await jest.advanceTimersByTimeAsync(SAFETY - 2 * POLL);
    expect(runs).toBe(afterConnect);
    fake.append();
    await jest.advanceTimersByTimeAsync(POLL);
    expect(runs).toBe(afterConnect + 1);
    // Nothing appended: the next run is the safety poll's, SAFETY after the last one.
    await jest.advanceTimersByTimeAsync(SAFETY - 2 * POLL);
    expect(runs).toBe(afterConnect + 1);
    await jest.advanceTimersByTimeAsync(2 * POLL);
    expect(runs).toBe(afterConnect + 2);
  });

  it('a burst of notifications costs at most one run per pollMs', async () => {
    const fake = watchedStore();
    start(fake.store);
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(POLL);
    const before = runs;
    for (let tick = 0; tick < 10; tick++) {
      for (let i = 0; i < 50; i++) fake.append();
      await jest.advanceTimersByTimeAsync(POLL);
    }
    expect(runs - before).toBeLessThanOrEqual(10);
    expect(runs - before).toBeGreaterThanOrEqual(9);
  });

  it('when the connection drops it runs at once, then polls every pollMs until it is back', async () => {
    const fake = watchedStore();
    const { listening } = start(fake.store);
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(SAFETY);
    const before = runs;
    fake.setLive(false);
    await jest.advanceTimersByTimeAsync(10 * POLL);
    expect(listening).toEqual([true, false]);
    expect(runs - before).toBeGreaterThanOrEqual(10);
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(POLL);
    const back = runs;
    await jest.advanceTimersByTimeAsync(10 * POLL);
    expect(runs).toBe(back);
    expect(listening).toEqual([true, false, true]);
  });

  it('runs never overlap: notifications during a run start one more run after it', async () => {
    const fake = watchedStore();
    let inFlight = 0;
    let most = 0;
    let finish: (() => void) | null = null;
    start(fake.store, async () => {
      runs++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => (finish = resolve));
      inFlight--;
    });
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(POLL);
    expect(runs).toBe(1);
    for (let i = 0; i < 5; i++) fake.append();
    await jest.advanceTimersByTimeAsync(10 * POLL);
    expect(runs).toBe(1);
    finish!();
    await jest.advanceTimersByTimeAsync(POLL);
    expect(runs).toBe(2);
    finish!();
    await jest.advanceTimersByTimeAsync(10 * POLL);
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('stop closes the watch and nothing runs after it', async () => {
    const fake = watchedStore();
    const { poll } = start(fake.store);
    fake.setLive(true);
    await jest.advanceTimersByTimeAsync(POLL);
    await poll.stop();
    expect(fake.state.closed).toBe(true);
    const before = runs;
    fake.append();
    await jest.advanceTimersByTimeAsync(2 * SAFETY);
    expect(runs).toBe(before);
  });
});
