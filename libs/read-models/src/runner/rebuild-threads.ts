import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { FromRebuildWorker, RebuildWorkerData, ToRebuildWorker } from './rebuild-worker.js';

/**
 * Spreads a rebuild's projections over worker threads (issue 9: the projections' own CPU in one Node process
 * was the limit, on a machine with two cores). The log is still read once, by the main thread, which posts
 * every page to each worker thread; each thread applies it to its own projections, in their own
 * transactions, while the main thread applies it to the rest. Projections own disjoint tables, so the split
 * changes no row: each still sees every page, whole and in log order.
 */
export interface RebuildThreads {
  /** URL of a module whose export `name`, called with `data` in each thread, returns the projections. */
  module: string | URL;
  name: string;
  /** Posted to each thread (structured clone: plain data, bigints and dates). */
  data: unknown;
  databaseUrl: string;
  /** The projections each worker thread applies, by name; a projection in no group stays in the main thread. */
  groups: readonly (readonly string[])[];
  /**
   * Projections split by ECT instead (ect-partitions.ts): `count` worker threads each apply all of them, to the
   * events of the ECTs the thread owns (and partition 0 to the events of no ECT). Only for projections whose
   * rows are each one ECT's, or written from events of no ECT alone; a projection in `groups` too is an error.
   */
  partitions?: { count: number; projections: readonly string[] };
  /** The worker script (default: rebuild-worker.js beside this file; the spec runs a transpiled copy). */
  script?: URL;
  /** E.g. a larger young generation: the fold allocates many short-lived states. */
  resourceLimits?: ResourceLimits;
}

/** One worker thread of a rebuild: pages go in order, each answered with the events each projection applied. */
export class RebuildThread {
  private readonly pending = new Map<
    number,
    { resolve: (applied: Record<string, number>) => void; reject: (error: Error) => void }
  >();
  private failure: Error | null = null;
  private closed: (() => void) | null = null;

  private constructor(private readonly worker: Worker) {}

  static start(
    script: URL,
    data: RebuildWorkerData,
    resourceLimits?: ResourceLimits,
  ): Promise<RebuildThread> {
    const worker = new Worker(script, { workerData: data, ...(resourceLimits ? { resourceLimits } : {}) });
    const thread = new RebuildThread(worker);
    return new Promise((resolve, reject) => {
      let ready = false;
      const failAll = (error: Error) => {
        thread.failure ??= error;
        if (!ready) reject(error);
        for (const p of thread.pending.values()) p.reject(error);
        thread.pending.clear();
      };
      worker.on('message', (message: FromRebuildWorker) => {
        if (message.kind === 'ready') {
          ready = true;
          resolve(thread);
        } else if (message.kind === 'applied') {
          thread.pending.get(message.seq)?.resolve(message.applied);
          thread.pending.delete(message.seq);
        } else if (message.kind === 'closed') {
          thread.closed?.();
        } else {
          const error = new Error(`rebuild worker thread: ${message.message}`);
          if (message.stack) error.stack = `${error.message}\n(worker) ${message.stack}`;
          if (message.seq === null) failAll(error);
          else {
            thread.pending.get(message.seq)?.reject(error);
            thread.pending.delete(message.seq);
          }
        }
      });
      worker.on('error', (error) => failAll(error));
      worker.on('exit', (code) => {
        failAll(new Error(`rebuild worker thread exited (code ${code})`));
        thread.closed?.();
      });
    });
  }

  /** Applies a page in the thread; resolves with the events each of its projections applied. */
  apply(seq: number, events: readonly RecordedEvent[]): Promise<Record<string, number>> {
    return this.ask({ kind: 'page', seq, events: events as RecordedEvent[] });
  }

  /** Writes what the thread's projections kept across pages (after the pages posted before it). */
  async flush(seq: number): Promise<void> {
    await this.ask({ kind: 'flush', seq });
  }

  private ask(message: ToRebuildWorker & { seq: number }): Promise<Record<string, number>> {
    if (this.failure) return Promise.reject(this.failure);
    const done = new Promise<Record<string, number>>((resolve, reject) =>
      this.pending.set(message.seq, { resolve, reject }),
    );
    this.worker.postMessage(message satisfies ToRebuildWorker);
    return done;
  }

  /** Lets the thread finish what it was given, close its connections and exit. */
  async close(): Promise<void> {
    if (!this.failure) {
      const closed = new Promise<void>((resolve) => (this.closed = resolve));
      this.worker.postMessage({ kind: 'close' } satisfies ToRebuildWorker);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    await this.worker.terminate();
  }
}
