/** Small helpers shared by the adapters' catch-up subscriptions. */

/** An AbortSignal that aborts when any of `signals` does (AbortSignal.any, tolerating undefined). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return AbortSignal.any(present);
}

/**
 * A wake-up source with a sequence number, so a waiter never misses a wake-up that happened between its last
 * read and its wait: it passes the sequence it saw before reading, and `wait` returns at once if it has moved.
 */
export class Waker {
  private seq = 0;
  private waiters = new Set<() => void>();

  get sequence(): number {
    return this.seq;
  }

  wake(): void {
    this.seq++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolves on a wake-up after `seenSequence`, after `timeoutMs`, or when `signal` aborts; never rejects. */
  wait(seenSequence: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.seq !== seenSequence || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Sleeps for `ms`, returning early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
