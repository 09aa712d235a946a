import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  eventually,
  jobQueueContract,
  uniqueQueue,
  type JobQueueHarness,
} from '../testing/job-queue.contract.js';
import { BullmqJobQueue, type WorkerTimings } from './bullmq-job-queue.js';

const REDIS_URL = process.env.REDIS_URL;
/** A throwaway key prefix per run; every key under it is deleted afterwards. */
const PREFIX = `iltest-${process.pid}-${Date.now().toString(36)}`;
const FAST: Partial<WorkerTimings> = { stalledIntervalMs: 500, lockDurationMs: 1000 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function adapter(): BullmqJobQueue {
  return new BullmqJobQueue({ connection: REDIS_URL!, prefix: PREFIX, workerTimings: FAST });
}

async function harness(): Promise<JobQueueHarness> {
  const h: JobQueueHarness = {
    queue: adapter(),
    now: () => Date.now(),
    advance: sleep,
    restart: async () => {
      await h.queue.close();
      h.queue = adapter();
      return h.queue;
    },
    close: () => h.queue.close(),
  };
  return h;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

const describeRedis = REDIS_URL ? describe : describe.skip;
const title = REDIS_URL
  ? 'BullmqJobQueue'
  : 'BullmqJobQueue (skipped: set REDIS_URL to run the BullMQ suite)';

describeRedis(title, () => {
  afterAll(async () => {
    const redis = new Redis(REDIS_URL!);
    await deleteKeys(redis, PREFIX);
    await redis.quit();
  });

  jobQueueContract(harness);

  it('runs a job again elsewhere after its worker is SIGKILLed mid-job, recording the effect once', async () => {
    const redis = new Redis(REDIS_URL!);
    const queue = adapter();
    const q = uniqueQueue('kill');
    const jobId = 'notify.ect-1.reminder-2026-12-01';
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../testing/fixtures/stalling-worker.mjs', import.meta.url))],
      {
        env: { ...process.env, REDIS_URL, JOBS_PREFIX: PREFIX, JOBS_QUEUE: q, JOBS_LOCK_MS: '1000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    try {
      let out = '';
      const effectRecorded = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes(`effect ${jobId} 1`)) resolve();
        });
        child.on('exit', () => reject(new Error(`worker exited early: ${out}`)));
      });
      await queue.enqueue(q, 'notify', { template: 'reminder' }, { jobId });
      await effectRecorded;
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect((await queue.list(q, { states: ['active'] })).map((j) => j.id)).toEqual([jobId]);

      // Another worker: the same handler, the same side-effect table.
      const seen: { attempt: number; recorded: number }[] = [];
      await queue.process(q, async (job) => {
        await redis.incr(`${PREFIX}:test:runs:${job.id}`);
        const recorded = await redis.sadd(`${PREFIX}:test:effects`, job.id);
        seen.push({ attempt: job.attempt, recorded });
        return { recorded };
      });
      const h = { advance: sleep } as JobQueueHarness;
      await eventually(h, async () => expect((await queue.counts(q)).completed).toBe(1), {
        timeoutMs: 15_000,
        stepMs: 100,
      });

      expect(await redis.get(`${PREFIX}:test:runs:${jobId}`)).toBe('2'); // the handler ran twice ...
      expect(await redis.smembers(`${PREFIX}:test:effects`)).toEqual([jobId]); // ... the effect is recorded once
      expect(seen).toEqual([{ attempt: 1, recorded: 0 }]); // a stall is not a failed attempt
      expect(await queue.counts(q)).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await queue.close();
      await redis.quit();
    }
  }, 30_000);
});
