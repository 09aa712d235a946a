import { CronExpressionParser } from 'cron-parser';
import {
  assertValidJobId,
  assertValidQueueName,
  assertValidSpec,
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  JOB_STATES,
  PermanentJobError,
  type EnqueueOptions,
  type EnqueueResult,
  type JobCounts,
  type JobHandler,
  type JobProgress,
  type JobQueue,
  type JobState,
  type JobView,
  type Json,
  type ListOptions,
  type ProcessOptions,
  type ScheduleSpec,
  type SchedulerView,
} from '../job-queue.port.js';
import { DEFAULT_RETENTION, type Retention } from '../retention.js';

/** Structurally the platform `Clock` (`#platform/clock/clock.js`). */
export interface JobClock {
  now(): Date;
}

export type TimerHandle = unknown;

/** The timer functions the adapter uses, so tests can drive time (`testing/manual-timers.ts`). */
export interface JobTimers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real timers, unref'd so pending jobs alone do not keep a process (a CLI run) alive. */
export const systemTimers: JobTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface InProcessJobQueueOptions {
  clock?: JobClock;
  timers?: JobTimers;
  /** How long finished jobs stay visible (and keep deduplicating their job id). */
  retention?: { completed?: Retention; failed?: Retention };
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface JobRecord {
  id: string;
  name: string;
  data: Json;
  state: JobState;
  progress: JobProgress;
  attempts: number;
  backoffMs: number;
  attemptsMade: number;
  failedReason?: string;
  returnValue?: Json;
  schedulerId?: string;
  createdAt: number;
  processedAt?: number;
  finishedAt?: number;
  dueAt?: number;
  timer?: TimerHandle;
  /** Order of entry into the current state, for newest-first listing. */
  seq: number;
}

interface SchedulerRecord {
  id: string;
  spec: ScheduleSpec;
  name: string;
  data: Json;
  nextMillis?: number;
  pendingJobId?: string;
}

interface QueueState {
  name: string;
  jobs: Map<string, JobRecord>;
  waiting: string[];
  handler?: JobHandler;
  concurrency: number;
  active: number;
  schedulers: Map<string, SchedulerRecord>;
}

/**
 * Runs jobs in this process, without Redis, with the port's semantics: job-id dedupe, delays, retries with
 * exponential backoff, schedulers (cron patterns through `cron-parser`, or `everyMs`), progress, listing.
 * Nothing survives a restart: on startup the embedded app re-registers its schedulers and its sweeps
 * re-derive due jobs from the read models (the job ids keep that idempotent).
 */
export class InProcessJobQueue implements JobQueue {
  private readonly clock: JobClock;
  private readonly timers: JobTimers;
  private readonly retention: { completed: Retention; failed: Retention };
  private readonly queues = new Map<string, QueueState>();
  private readonly running = new Set<Promise<void>>();
  private seq = 0;
  private closed = false;

  constructor(opts: InProcessJobQueueOptions = {}) {
    this.clock = opts.clock ?? { now: () => new Date() };
    this.timers = opts.timers ?? systemTimers;
    this.retention = {
      completed: opts.retention?.completed ?? DEFAULT_RETENTION.completed,
      failed: opts.retention?.failed ?? DEFAULT_RETENTION.failed,
    };
  }

  async enqueue(queue: string, name: string, data: Json, opts: EnqueueOptions): Promise<EnqueueResult> {
    this.assertOpen();
    assertValidJobId(opts.jobId);
    const q = this.queue(queue);
    if (q.jobs.has(opts.jobId)) return { jobId: opts.jobId, added: false };
    this.add(q, {
      id: opts.jobId,
      name,
      data,
      delayMs: opts.delayMs ?? 0,
      attempts: opts.attempts,
      backoffMs: opts.backoffMs,
    });
    return { jobId: opts.jobId, added: true };
  }

  async schedule(
    queue: string,
    schedulerId: string,
    spec: ScheduleSpec,
    name: string,
    data: Json,
  ): Promise<void> {
    this.assertOpen();
    assertValidJobId(schedulerId, 'scheduler id');
    assertValidSpec(spec);
    const q = this.queue(queue);
    const now = this.now();
    const previous = q.schedulers.get(schedulerId);
    let next: number;
    const pending = previous?.pendingJobId ? q.jobs.get(previous.pendingJobId) : undefined;
    const replaced = pending !== undefined && (pending.state === 'delayed' || pending.state === 'waiting');
    if (replaced) this.remove(q, pending);
    if (replaced && previous?.spec.everyMs !== undefined && previous.spec.everyMs === spec.everyMs) {
      next = previous.nextMillis!; // same interval: keep the slot, as BullMQ does
    } else {
      next = nextRun(spec, now, undefined);
    }
    const scheduler: SchedulerRecord = { id: schedulerId, spec, name, data };
    q.schedulers.set(schedulerId, scheduler);
    this.addSchedulerJob(q, scheduler, next);
  }

  async unschedule(queue: string, schedulerId: string): Promise<boolean> {
    const q = this.queue(queue);
    const scheduler = q.schedulers.get(schedulerId);
    if (!scheduler) return false;
    q.schedulers.delete(schedulerId);
    const pending = scheduler.pendingJobId ? q.jobs.get(scheduler.pendingJobId) : undefined;
    if (pending && (pending.state === 'delayed' || pending.state === 'waiting')) this.remove(q, pending);
    return true;
  }

  async schedulers(queue: string): Promise<SchedulerView[]> {
    const q = this.queue(queue);
    return [...q.schedulers.values()].map((s) => ({
      id: s.id,
      name: s.name,
      ...(s.spec.pattern !== undefined ? { pattern: s.spec.pattern } : {}),
      ...(s.spec.tz !== undefined ? { tz: s.spec.tz } : {}),
      ...(s.spec.everyMs !== undefined ? { everyMs: s.spec.everyMs } : {}),
      ...(s.nextMillis !== undefined ? { next: new Date(s.nextMillis).toISOString() } : {}),
      data: s.data,
    }));
  }

  async process(queue: string, handler: JobHandler, opts: ProcessOptions = {}): Promise<void> {
    this.assertOpen();
    const q = this.queue(queue);
    if (q.handler) throw new Error(`queue ${queue} already has a handler in this process`);
    q.handler = handler;
    q.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.pumpSoon(q);
  }

  async list(queue: string, opts: ListOptions): Promise<JobView[]> {
    const q = this.queue(queue);
    const start = opts.start ?? 0;
    const end = opts.end ?? 49;
    const out: JobView[] = [];
    for (const state of opts.states) {
      const inState = [...q.jobs.values()].filter((j) => j.state === state).sort((a, b) => b.seq - a.seq);
      const last = end < 0 ? inState.length + end : end; // -1 is the last, as in Redis
      out.push(...inState.slice(start, last + 1).map((j) => this.view(q, j)));
    }
    return out;
  }

  async retry(queue: string, jobId: string): Promise<boolean> {
    this.assertOpen();
    const q = this.queue(queue);
    const job = q.jobs.get(jobId);
    if (!job || job.state !== 'failed') return false;
    job.attemptsMade = 0;
    delete job.failedReason;
    delete job.finishedAt;
    delete job.processedAt;
    this.toWaiting(q, job);
    return true;
  }

  async counts(queue: string): Promise<JobCounts> {
    const q = this.queue(queue);
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as JobCounts;
    for (const j of q.jobs.values()) counts[j.state]++;
    return counts;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queues.values()) {
      for (const j of q.jobs.values()) this.clearTimer(j);
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  // --- internals ---

  private now(): number {
    return this.clock.now().getTime();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('job queue is closed');
  }

  private queue(name: string): QueueState {
    assertValidQueueName(name);
    let q = this.queues.get(name);
    if (!q) {
      q = { name, jobs: new Map(), waiting: [], concurrency: 1, active: 0, schedulers: new Map() };
      this.queues.set(name, q);
    }
    return q;
  }

  private add(
    q: QueueState,
    j: {
      id: string;
      name: string;
      data: Json;
      delayMs: number;
      attempts?: number;
      backoffMs?: number;
      schedulerId?: string;
    },
  ): JobRecord {
    const now = this.now();
    const job: JobRecord = {
      id: j.id,
      name: j.name,
      data: structuredClone(j.data),
      state: 'waiting',
      progress: 0,
      attempts: Math.max(1, j.attempts ?? DEFAULT_ATTEMPTS),
      backoffMs: j.backoffMs ?? DEFAULT_BACKOFF_MS,
      attemptsMade: 0,
      createdAt: now,
      seq: 0,
      ...(j.schedulerId ? { schedulerId: j.schedulerId } : {}),
    };
    q.jobs.set(job.id, job);
    if (j.delayMs > 0) this.toDelayed(q, job, now + j.delayMs);
    else this.toWaiting(q, job);
    return job;
  }

  private addSchedulerJob(q: QueueState, s: SchedulerRecord, next: number): void {
    let at = next;
    // A slot already taken by a finished job of this scheduler moves on (BullMQ walks forward the same way).
    while (q.jobs.has(schedulerJobId(s.id, at)))
      at = s.spec.everyMs ? at + s.spec.everyMs : nextRun(s.spec, at, at);
    s.nextMillis = at;
    s.pendingJobId = schedulerJobId(s.id, at);
    this.add(q, {
      id: s.pendingJobId,
      name: s.name,
      data: s.data,
      delayMs: Math.max(0, at - this.now()),
      schedulerId: s.id,
    });
  }

  private remove(q: QueueState, job: JobRecord): void {
    this.clearTimer(job);
    q.jobs.delete(job.id);
    const i = q.waiting.indexOf(job.id);
    if (i >= 0) q.waiting.splice(i, 1);
  }

  private toWaiting(q: QueueState, job: JobRecord): void {
    this.clearTimer(job);
    delete job.dueAt;
    job.state = 'waiting';
    job.seq = ++this.seq;
    q.waiting.push(job.id);
    this.pumpSoon(q);
  }

  private toDelayed(q: QueueState, job: JobRecord, dueAt: number): void {
    job.state = 'delayed';
    job.seq = ++this.seq;
    job.dueAt = dueAt;
    this.arm(q, job);
  }

  private arm(q: QueueState, job: JobRecord): void {
    if (this.closed) return;
    this.clearTimer(job);
    const wait = Math.min(Math.max(0, job.dueAt! - this.now()), MAX_TIMER_MS);
    job.timer = this.timers.setTimeout(() => {
      delete job.timer;
      if (job.state !== 'delayed' || q.jobs.get(job.id) !== job) return;
      if (this.now() >= job.dueAt!) this.toWaiting(q, job);
      else this.arm(q, job);
    }, wait);
  }

  private clearTimer(job: JobRecord): void {
    if (job.timer !== undefined) {
      this.timers.clearTimeout(job.timer);
      delete job.timer;
    }
  }

  private pumpSoon(q: QueueState): void {
    queueMicrotask(() => this.pump(q));
  }

  private pump(q: QueueState): void {
    while (!this.closed && q.handler && q.active < q.concurrency && q.waiting.length > 0) {
      const job = q.jobs.get(q.waiting.shift()!);
      if (!job || job.state !== 'waiting') continue;
      const run = this.run(q, job, q.handler).finally(() => {
        this.running.delete(run);
        q.active--;
        this.pumpSoon(q);
      });
      q.active++;
      this.running.add(run);
    }
  }

  private async run(q: QueueState, job: JobRecord, handler: JobHandler): Promise<void> {
    job.state = 'active';
    job.seq = ++this.seq;
    job.processedAt = this.now();
    if (job.schedulerId) this.nextIteration(q, job);
    let result: Json | void;
    try {
      result = await handler({
        id: job.id,
        name: job.name,
        data: structuredClone(job.data),
        attempt: job.attemptsMade + 1,
        updateProgress: async (progress) => {
          if (job.state === 'active') job.progress = structuredClone(progress);
        },
      });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      job.attemptsMade++;
      if (e instanceof PermanentJobError || job.attemptsMade >= job.attempts) {
        job.state = 'failed';
        job.seq = ++this.seq;
        job.failedReason = e.message;
        job.finishedAt = this.now();
        this.trim(q, 'failed');
      } else {
        job.failedReason = e.message;
        this.toDelayed(q, job, this.now() + backoffDelay(job.backoffMs, job.attemptsMade));
      }
      return;
    }
    job.attemptsMade++; // as BullMQ: the successful try counts too
    job.state = 'completed';
    job.seq = ++this.seq;
    job.finishedAt = this.now();
    if (result !== undefined) job.returnValue = structuredClone(result);
    this.trim(q, 'completed');
  }

  /** Like BullMQ, a scheduler's next job is created when the current one starts. */
  private nextIteration(q: QueueState, job: JobRecord): void {
    const s = q.schedulers.get(job.schedulerId!);
    if (!s || s.pendingJobId !== job.id || this.closed) return;
    this.addSchedulerJob(q, s, nextRun(s.spec, this.now(), s.nextMillis));
  }

  private trim(q: QueueState, state: 'completed' | 'failed'): void {
    const { count, ageSeconds } = this.retention[state];
    const oldest = this.now() - ageSeconds * 1000;
    const finished = [...q.jobs.values()].filter((j) => j.state === state).sort((a, b) => b.seq - a.seq);
    finished.forEach((j, i) => {
      if (i >= count || (j.finishedAt ?? 0) < oldest) q.jobs.delete(j.id);
    });
  }

  private view(q: QueueState, j: JobRecord): JobView {
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const v: JobView = {
      id: j.id,
      queue: q.name,
      name: j.name,
      data: structuredClone(j.data),
      state: j.state,
      progress: structuredClone(j.progress),
      attemptsMade: j.attemptsMade,
      attempts: j.attempts,
      createdAt: iso(j.createdAt)!,
    };
    if (j.failedReason !== undefined) v.failedReason = j.failedReason;
    if (j.returnValue !== undefined) v.returnValue = structuredClone(j.returnValue);
    if (j.schedulerId !== undefined) v.schedulerId = j.schedulerId;
    if (j.processedAt !== undefined) v.processedAt = iso(j.processedAt);
    if (j.finishedAt !== undefined) v.finishedAt = iso(j.finishedAt);
    return v;
  }
}

function schedulerJobId(schedulerId: string, millis: number): string {
  return `repeat:${schedulerId}:${millis}`;
}

/** The next run of `spec` at or after `now` (everyMs: right away the first time, then `prev + everyMs`). */
export function nextRun(spec: ScheduleSpec, now: number, prev: number | undefined): number {
  if (spec.everyMs !== undefined) {
    if (prev === undefined) return now;
    const next = prev + spec.everyMs;
    return next >= now ? next : now + spec.everyMs - ((now - prev) % spec.everyMs);
  }
  const from = Math.max(now, prev ?? 0);
  const expr = CronExpressionParser.parse(spec.pattern!, {
    currentDate: new Date(from),
    ...(spec.tz ? { tz: spec.tz } : {}),
  });
  return expr.next().getTime();
}
