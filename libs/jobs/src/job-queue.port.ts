/**
 * The job-queue port (shared/design/architecture.md, "Jobs").
 *
 * Reminders, deadline sweeps, report generation, projection rebuilds and the notification outbox run as jobs.
 * With `REDIS_URL` set they run on BullMQ (`bullmq/bullmq-job-queue.ts`); without it the in-process adapter
 * (`in-process/in-process-job-queue.ts`) runs the same processors, for the embedded default only.
 * Both adapters pass the contract suite in `testing/job-queue.contract.ts`.
 *
 * Delivery is at least once: a job can run more than once (a retry after a failure, a worker killed mid-job).
 * Handlers therefore record their effect idempotently, keyed by the job id (see README.md).
 */

/** JSON-serialisable values, as stored in job data and results. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The states a job can be listed in. A job waiting for a retry after a failed attempt is `delayed`. */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';
export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

/** A percentage (0-100) or a small JSON object (`{ done: 40, of: 120 }`). */
export type JobProgress = number | { [key: string]: Json };

export interface EnqueueOptions {
  /**
   * Derived from the fact the job serves (`reminder.<ectId>.<dueDate>.<kind>`), so enqueueing the same fact
   * twice is a no-op while the first job is retained (see the adapters' retention options).
   * Not an integer, no `:` (BullMQ reserves both); see `assertValidJobId`.
   */
  jobId: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total number of tries, the first included. Default 5. */
  attempts?: number;
  /** Exponential backoff: the n-th retry waits `backoffMs * 2^(n-1)`. Default 1000. */
  backoffMs?: number;
}

export interface EnqueueResult {
  jobId: string;
  /** `false` when a job with this id was already known (in any state): nothing was added. */
  added: boolean;
}

/** Exactly one of `pattern` (cron, 5 or 6 fields) or `everyMs`. */
export type ScheduleSpec =
  { pattern: string; tz?: string; everyMs?: never } | { everyMs: number; pattern?: never; tz?: never };

export interface SchedulerView {
  id: string;
  name: string;
  pattern?: string;
  tz?: string;
  everyMs?: number;
  /** When the next job is due (ISO 8601 UTC), if one is pending. */
  next?: string;
  data: Json;
}

/** What a handler sees of the job it runs. */
export interface RunningJob {
  id: string;
  name: string;
  data: Json;
  /** 1 on the first try, 2 on the first retry, ... (a restart after a stalled worker does not count). */
  attempt: number;
  updateProgress(progress: JobProgress): Promise<void>;
}

export type JobHandler = (job: RunningJob) => Promise<Json | void>;

export interface ProcessOptions {
  /** Jobs of this queue run at the same time by this process. Default 1. */
  concurrency?: number;
}

export interface ListOptions {
  states: JobState[];
  /**
   * Inclusive range, applied within each state (like BullMQ's `getJobs`), newest first; `end: -1` means the
   * last. Default 0..49. Results come in the order of `states`.
   */
  start?: number;
  end?: number;
}

/** A job as shown to hub staff. Instants are ISO 8601 UTC strings. */
export interface JobView {
  id: string;
  queue: string;
  name: string;
  data: Json;
  state: JobState;
  progress: JobProgress;
  /** Tries that have ended so far, the successful one included (BullMQ 6 counts it); a stall does not count. */
  attemptsMade: number;
  /** Tries allowed in all. */
  attempts: number;
  failedReason?: string;
  returnValue?: Json;
  /** The scheduler that produced the job, if any. */
  schedulerId?: string;
  createdAt: string;
  processedAt?: string;
  finishedAt?: string;
}

export type JobCounts = Record<JobState, number>;

export interface JobQueue {
  /** Adds a job unless one with `opts.jobId` is already known. */
  enqueue(queue: string, name: string, data: Json, opts: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Creates or replaces (upserts) a scheduler that enqueues `name`/`data` on `spec`. Registering the same
   * `schedulerId` again, in this process or after a restart, leaves one scheduler.
   */
  schedule(queue: string, schedulerId: string, spec: ScheduleSpec, name: string, data: Json): Promise<void>;
  /** Removes a scheduler and its pending job. `false` if there was none. */
  unschedule(queue: string, schedulerId: string): Promise<boolean>;
  schedulers(queue: string): Promise<SchedulerView[]>;
  /** Starts running `queue`'s jobs in this process. One handler per queue per adapter instance. */
  process(queue: string, handler: JobHandler, opts?: ProcessOptions): Promise<void>;
  list(queue: string, opts: ListOptions): Promise<JobView[]>;
  /** Moves a failed job back to waiting with a fresh set of attempts. `false` if it is unknown or not failed. */
  retry(queue: string, jobId: string): Promise<boolean>;
  counts(queue: string): Promise<JobCounts>;
  /** Stops taking jobs, waits for running handlers to finish, releases connections and timers. */
  close(): Promise<void>;
}

/** Nest injection token for the `JobQueue` port. */
export const JOB_QUEUE = Symbol.for('induction-ledger.JobQueue');

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;

/** Thrown by a handler to fail the job at once, without further retries (e.g. Notify rejects the address). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export class InvalidJobIdError extends Error {
  override readonly name = 'InvalidJobIdError';
}

const NAME = /^[A-Za-z0-9._-]+$/;

/** Job and scheduler ids: non-empty, no `:`, not an integer (BullMQ rejects both, so the port does everywhere). */
export function assertValidJobId(id: string, what = 'job id'): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 512) {
    throw new InvalidJobIdError(`${what} must be a non-empty string of at most 512 characters`);
  }
  if (id.includes(':')) throw new InvalidJobIdError(`${what} must not contain ':' (${id})`);
  if (`${parseInt(id, 10)}` === id) throw new InvalidJobIdError(`${what} must not be an integer (${id})`);
}

/** Queue names: letters, digits, `.`, `_`, `-`. */
export function assertValidQueueName(queue: string): void {
  if (!NAME.test(queue)) throw new InvalidJobIdError(`queue name must match ${NAME} (${queue})`);
}

/** Builds a job id from the parts of the fact it serves: `jobIdOf('reminder', ectId, '2026-12-01')`. */
export function jobIdOf(...parts: string[]): string {
  const id = parts.map((p) => p.replaceAll(':', '_')).join('.');
  assertValidJobId(id);
  return id;
}

export function assertValidSpec(spec: ScheduleSpec): void {
  const hasPattern = typeof spec.pattern === 'string';
  const hasEvery = typeof spec.everyMs === 'number';
  if (hasPattern === hasEvery) throw new Error('schedule: give exactly one of `pattern` or `everyMs`');
  if (hasEvery && !(spec.everyMs! > 0)) throw new Error('schedule: `everyMs` must be positive');
}

/** Delay before retry number `retry` (1-based): `backoffMs * 2^(retry-1)`, as BullMQ's exponential backoff. */
export function backoffDelay(backoffMs: number, retry: number): number {
  return Math.round(backoffMs * 2 ** (retry - 1));
}
