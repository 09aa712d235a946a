import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type JobType } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  assertValidJobId,
  assertValidQueueName,
  assertValidSpec,
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

/**
 * How a worker notices a dead peer. A worker holds a lock on each job it runs, renewed every
 * `lockDurationMs / 2`; a worker killed mid-job stops renewing, and once the lock has expired another worker's
 * stalled check (every `stalledIntervalMs`) moves the job back to waiting, so it runs again elsewhere.
 * A job found stalled more than `maxStalledCount` times fails (`job stalled more than allowable limit`).
 */
export interface WorkerTimings {
  stalledIntervalMs: number;
  lockDurationMs: number;
  maxStalledCount: number;
}

/** BullMQ's own defaults for the lock and stalled check, with one more stall allowed (a deploy plus a crash). */
export const DEFAULT_WORKER_TIMINGS: WorkerTimings = {
  stalledIntervalMs: 30_000,
  lockDurationMs: 30_000,
  maxStalledCount: 2,
};

export interface BullmqJobQueueOptions {
  /** `REDIS_URL`, or ioredis options. */
  connection: string | RedisOptions;
  /** Redis key prefix (BullMQ's `prefix`, not ioredis' `keyPrefix`). Tests use a throwaway one. Default `il`. */
  prefix?: string;
  /** Lock and stalled-check timings of the workers this instance starts; tests shorten them. */
  workerTimings?: Partial<WorkerTimings>;
  /** How long finished jobs stay visible (and keep deduplicating their job id). */
  retention?: { completed?: Retention; failed?: Retention };
  /** Connection and worker errors. Default: `console.error`. */
  onError?: (err: Error) => void;
}

const TO_BULL: Record<JobState, JobType> = {
  waiting: 'wait',
  active: 'active',
  delayed: 'delayed',
  completed: 'completed',
  failed: 'failed',
};

/** The `JobQueue` port on BullMQ over ioredis. */
export class BullmqJobQueue implements JobQueue {
  readonly prefix: string;
  readonly workerTimings: WorkerTimings;
  private readonly retention: { completed: Retention; failed: Retention };
  private readonly onError: (err: Error) => void;
  private readonly producer: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, { worker: Worker; connection: Redis }>();
  private closing?: Promise<void>;

  constructor(private readonly opts: BullmqJobQueueOptions) {
    this.prefix = opts.prefix ?? 'il';
    this.workerTimings = { ...DEFAULT_WORKER_TIMINGS, ...opts.workerTimings };
    this.retention = {
      completed: opts.retention?.completed ?? DEFAULT_RETENTION.completed,
      failed: opts.retention?.failed ?? DEFAULT_RETENTION.failed,
    };
    this.onError = opts.onError ?? ((err) => console.error('[jobs]', err));
    // Producers fail fast when Redis is away (ioredis' default of 20 retries per command), and connect on
    // first use, so building the adapter (in a Nest factory, say) sends nothing.
    this.producer = this.connect({ lazyConnect: true });
  }

  async enqueue(queue: string, name: string, data: Json, opts: EnqueueOptions): Promise<EnqueueResult> {
    assertValidJobId(opts.jobId);
    const q = this.queue(queue);
    if (await q.getJob(opts.jobId)) return { jobId: opts.jobId, added: false };
    const timestamp = Date.now();
    await q.add(name, data, {
      ...this.jobOptions(opts.attempts, opts.backoffMs),
      jobId: opts.jobId,
      timestamp,
      ...(opts.delayMs && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
    });
    // Adding an existing id is a no-op in Redis (atomic); tell the caller whether theirs was the one stored.
    // (Already removed again means it ran and was not kept: it was ours.)
    const stored = await q.getJob(opts.jobId);
    return { jobId: opts.jobId, added: !stored || stored.timestamp === timestamp };
  }

  async schedule(
    queue: string,
    schedulerId: string,
    spec: ScheduleSpec,
    name: string,
    data: Json,
  ): Promise<void> {
    assertValidJobId(schedulerId, 'scheduler id');
    assertValidSpec(spec);
    const repeat =
      spec.everyMs !== undefined
        ? { every: spec.everyMs }
        : { pattern: spec.pattern, ...(spec.tz ? { tz: spec.tz } : {}) };
    await this.queue(queue).upsertJobScheduler(schedulerId, repeat, { name, data, opts: this.jobOptions() });
  }

  async unschedule(queue: string, schedulerId: string): Promise<boolean> {
    return this.queue(queue).removeJobScheduler(schedulerId);
  }

  async schedulers(queue: string): Promise<SchedulerView[]> {
    const all = await this.queue(queue).getJobSchedulers(0, -1, true);
    return all.map((s) => ({
      id: s.id ?? s.key,
      name: s.name,
      ...(s.pattern ? { pattern: s.pattern } : {}),
      ...(s.tz ? { tz: s.tz } : {}),
      ...(s.every ? { everyMs: Number(s.every) } : {}),
      ...(s.next ? { next: new Date(Number(s.next)).toISOString() } : {}),
      data: (s.template?.data ?? null) as Json,
    }));
  }

  async process(queue: string, handler: JobHandler, opts: ProcessOptions = {}): Promise<void> {
    assertValidQueueName(queue);
    if (this.closing) throw new Error('job queue is closed');
    if (this.workers.has(queue)) throw new Error(`queue ${queue} already has a handler in this process`);
    // Workers block on Redis: BullMQ requires `maxRetriesPerRequest: null` on their connection.
    const connection = this.connect({ maxRetriesPerRequest: null });
    const worker = new Worker(
      queue,
      async (job: Job) => {
        try {
          const result = await handler({
            id: job.id!,
            name: job.name,
            data: job.data as Json,
            attempt: job.attemptsMade + 1,
            updateProgress: (progress) => job.updateProgress(progress),
          });
          return result ?? null;
        } catch (err) {
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection,
        prefix: this.prefix,
        concurrency: Math.max(1, opts.concurrency ?? 1),
        stalledInterval: this.workerTimings.stalledIntervalMs,
        lockDuration: this.workerTimings.lockDurationMs,
        maxStalledCount: this.workerTimings.maxStalledCount,
      },
    );
    worker.on('error', (err) => this.onError(err));
    this.workers.set(queue, { worker, connection });
    await worker.waitUntilReady();
  }

  async list(queue: string, opts: ListOptions): Promise<JobView[]> {
    const q = this.queue(queue);
    const start = opts.start ?? 0;
    const end = opts.end ?? 49;
    const perState = await Promise.all(
      opts.states.map(async (state) => {
        const jobs = await q.getJobs([TO_BULL[state]], start, end, false);
        return jobs.map((job) => view(queue, state, job));
      }),
    );
    return perState.flat();
  }

  async retry(queue: string, jobId: string): Promise<boolean> {
    const job = await this.queue(queue).getJob(jobId);
    if (!job || (await job.getState()) !== 'failed') return false;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    } catch (err) {
      if ((await job.getState()) !== 'failed') return false; // retried or removed meanwhile
      throw err;
    }
  }

  async counts(queue: string): Promise<JobCounts> {
    const raw = await this.queue(queue).getJobCounts(
      'wait',
      'prioritized',
      'active',
      'delayed',
      'completed',
      'failed',
    );
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, raw[TO_BULL[s]] ?? 0])) as JobCounts;
    counts.waiting += raw.prioritized ?? 0;
    return counts;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Workers first: `Worker.close()` waits for the jobs they are running to finish.
      await Promise.allSettled([...this.workers.values()].map(({ worker }) => worker.close()));
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
      const connections = [this.producer, ...[...this.workers.values()].map((w) => w.connection)];
      await Promise.allSettled(connections.map((c) => (c.status === 'wait' ? c.disconnect() : c.quit())));
    })();
    return this.closing;
  }

  private connect(extra: RedisOptions): Redis {
    const c =
      typeof this.opts.connection === 'string'
        ? new Redis(this.opts.connection, extra)
        : new Redis({ ...this.opts.connection, ...extra });
    c.on('error', (err) => this.onError(err));
    return c;
  }

  private queue(name: string): Queue {
    assertValidQueueName(name);
    if (this.closing) throw new Error('job queue is closed');
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.producer, prefix: this.prefix });
      q.on('error', (err) => this.onError(err));
      this.queues.set(name, q);
    }
    return q;
  }

  private jobOptions(attempts?: number, backoffMs?: number): JobsOptions {
    const keep = (r: Retention) => ({ age: r.ageSeconds, count: r.count });
    return {
      attempts: Math.max(1, attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: keep(this.retention.completed),
      removeOnFail: keep(this.retention.failed),
    };
  }
}

function view(queue: string, state: JobState, job: Job): JobView {
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);
  const v: JobView = {
    id: job.id!,
    queue,
    name: job.name,
    data: job.data as Json,
    state,
    progress: progressOf(job.progress),
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    createdAt: iso(job.timestamp)!,
  };
  if (job.failedReason) v.failedReason = job.failedReason;
  if (job.returnvalue !== undefined && job.returnvalue !== null) v.returnValue = job.returnvalue as Json;
  if (job.repeatJobKey) v.schedulerId = job.repeatJobKey;
  if (job.processedOn) v.processedAt = iso(job.processedOn);
  if (job.finishedOn) v.finishedAt = iso(job.finishedOn);
  return v;
}

function progressOf(p: unknown): JobProgress {
  if (typeof p === 'number') return p;
  if (p && typeof p === 'object') return p as JobProgress;
  return 0;
}
