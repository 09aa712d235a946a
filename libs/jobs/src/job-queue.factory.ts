import { BullmqJobQueue, type WorkerTimings } from './bullmq/bullmq-job-queue.js';
import { InProcessJobQueue, type JobClock } from './in-process/in-process-job-queue.js';
import type { JobQueue } from './job-queue.port.js';

export interface JobQueueConfig {
  /** `REDIS_URL`: BullMQ when set, the in-process adapter (embedded default only) when not. */
  redisUrl?: string;
  prefix?: string;
  workerTimings?: Partial<WorkerTimings>;
  /** The in-process adapter's clock (the platform `Clock` fits). */
  clock?: JobClock;
  /** Where the BullMQ adapter reports connection errors (Redis away): the service's logger, not the console. */
  onError?: (err: Error) => void;
}

/** Picks the adapter for `JOB_QUEUE`: `{ provide: JOB_QUEUE, useFactory: () => createJobQueue({ redisUrl }) }`. */
export function createJobQueue(config: JobQueueConfig): JobQueue {
  if (config.redisUrl) {
    return new BullmqJobQueue({
      connection: config.redisUrl,
      ...(config.prefix ? { prefix: config.prefix } : {}),
      ...(config.workerTimings ? { workerTimings: config.workerTimings } : {}),
      ...(config.onError ? { onError: config.onError } : {}),
    });
  }
  return new InProcessJobQueue(config.clock ? { clock: config.clock } : {});
}
