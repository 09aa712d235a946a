import 'reflect-metadata';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { BullmqJobQueue } from '#jobs/bullmq/bullmq-job-queue.js';
import type { JobHandler, JobQueue, ProcessOptions } from '#jobs/job-queue.port.js';
import { composeLedger } from '../../../../cli/src/compose.js';
import { startLedgerJobs } from '../ledger-jobs.js';
import { QUEUES } from '../queues.js';

/** See stalling-jobs-worker.mjs. Prints `ready`, then `effect <jobId>` once a reminder has been recorded. */
export async function runStallingWorker(): Promise<void> {
  const env = process.env;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: env['DATA_DIR']!,
    DATABASE_URL: env['DATABASE_URL']!,
  });
  const ledger = await composeLedger(config);
  const queue = new BullmqJobQueue({
    connection: env['REDIS_URL']!,
    prefix: env['JOBS_PREFIX']!,
    workerTimings: { lockDurationMs: 1000, stalledIntervalMs: 1000 },
  });
  const stalling: JobQueue = Object.create(queue) as JobQueue;
  stalling.process = (name: string, handler: JobHandler, opts?: ProcessOptions) =>
    queue.process(
      name,
      async (job) => {
        const result = await handler(job);
        if (name === QUEUES.reminders) {
          process.stdout.write(`effect ${job.id}\n`);
          await new Promise(() => undefined); // never completes: the test kills this process here
        }
        return result;
      },
      opts,
    );
  await startLedgerJobs(
    { ...ledger.runtime, jobs: stalling },
    { domain: ledger.domain, projections: [], logger: createLogger({ level: 'silent' }), schedule: false },
  );
  process.stdout.write('ready\n');
}
