import type { AppendWatch, EventStore } from './event-store.port.js';

export interface AppendDrivenPollOptions {
  /** Brings the caller's cache up to the store (e.g. reads one stream after the revision it holds). */
  run: () => Promise<unknown>;
  /**
   * The least time from one run's start to the next a notification starts (so a busy log costs at most one
   * run per `pollMs`), and the poll while notifications do not flow.
   */
  pollMs: number;
  /** The poll while notifications flow, in case one is lost. */
  safetyPollMs: number;
  /** A run failed; the next is scheduled as usual. */
  onError: (error: unknown) => void;
  /** Notifications started (true) or stopped (false) flowing. */
  onListening?: (listening: boolean) => void;
}

/**
 * Keeps a cache of one stream fresh from the store's append notifications (`watchAppends`) instead of a fast
 * poll: `run` goes soon after a notification, when the watch comes up or drops (anything may have gone
 * unheard), and on a slow safety poll while notifications flow. While they do not (the LISTEN connection is
 * down and reconnecting; a store without watches, such as PGlite's or EventStoreDB's) it polls every `pollMs`.
 * Runs never overlap.
 */
export class AppendDrivenPoll {
  private watch: AppendWatch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** A notification came since the last run started. */
  private requested = false;
  private lastRunAt = 0;
  private wasListening = false;
  private stopped = true;

  constructor(
    private readonly store: Pick<EventStore, 'watchAppends'>,
    private readonly options: AppendDrivenPollOptions,
  ) {}

  /** True while notifications flow (and `run` goes only on them and on the safety poll). */
  get listening(): boolean {
    return this.wasListening;
  }

  start(): void {
    this.stopped = false;
    this.watch = this.store.watchAppends?.(() => this.onAppend()) ?? null;
    this.schedule();
  }

  /** Stops watching and polling; resolves when a run under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    this.watch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private onAppend(): void {
    if (this.stopped) return;
    this.noteListening();
    this.requested = true;
    this.schedule();
  }

  private noteListening(): boolean {
    const listening = this.watch?.live ?? false;
    if (listening !== this.wasListening) {
      this.wasListening = listening;
      this.options.onListening?.(listening);
    }
    return listening;
  }

  /** Sets the timer for the next run; a run under way schedules the next when it ends. */
  private schedule(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const { pollMs, safetyPollMs } = this.options;
    let delay: number;
    if (this.requested) delay = Math.max(0, this.lastRunAt + pollMs - Date.now());
    else delay = this.noteListening() ? safetyPollMs : pollMs;
    this.timer = setTimeout(() => this.runNow(), delay);
    this.timer.unref();
  }

  private runNow(): void {
    this.timer = null;
    this.requested = false;
    this.lastRunAt = Date.now();
    this.running = this.options
      .run()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.running = null;
        this.schedule();
      });
  }
}
