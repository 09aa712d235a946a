import { describe, expect, it } from '@jest/globals';
import { BullmqJobQueue } from './bullmq/bullmq-job-queue.js';
import { InProcessJobQueue } from './in-process/in-process-job-queue.js';
import { createJobQueue } from './job-queue.factory.js';
import { InvalidJobIdError, jobIdOf } from './job-queue.port.js';

describe('createJobQueue', () => {
  it('runs in process without REDIS_URL', async () => {
    const queue = createJobQueue({});
    expect(queue).toBeInstanceOf(InProcessJobQueue);
    await queue.close();
  });

  it('uses BullMQ with REDIS_URL (connecting lazily: nothing is sent until the first call)', async () => {
    const queue = createJobQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'never-used' });
    expect(queue).toBeInstanceOf(BullmqJobQueue);
    expect((queue as BullmqJobQueue).prefix).toBe('never-used');
    await queue.close();
  });
});

describe('jobIdOf', () => {
  it('joins the parts of the fact a job serves, with no ":"', () => {
    expect(jobIdOf('reminder', 'ect-1b2c', '2026-12-01')).toBe('reminder.ect-1b2c.2026-12-01');
    expect(jobIdOf('sweep', '09:00')).toBe('sweep.09_00');
    expect(() => jobIdOf('7')).toThrow(InvalidJobIdError);
  });
});
