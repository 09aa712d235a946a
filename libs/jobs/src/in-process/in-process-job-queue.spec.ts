import { describe, expect, it } from '@jest/globals';
import { jobQueueContract, type JobQueueHarness } from '../testing/job-queue.contract.js';
import { ManualTimers } from '../testing/manual-timers.js';
import { InProcessJobQueue, nextRun } from './in-process-job-queue.js';

async function harness(): Promise<JobQueueHarness> {
  const timers = new ManualTimers();
  const h: JobQueueHarness = {
    queue: new InProcessJobQueue({ clock: timers, timers }),
    now: () => timers.now().getTime(),
    advance: (ms) => timers.advance(ms),
    // Nothing survives: a restart starts empty, and re-registering its schedulers gives one of each.
    restart: async () => {
      await h.queue.close();
      h.queue = new InProcessJobQueue({ clock: timers, timers });
      return h.queue;
    },
    close: () => h.queue.close(),
  };
  return h;
}

describe('InProcessJobQueue', () => {
  jobQueueContract(harness);

  it('computes cron runs in the scheduler time zone (cron-parser)', () => {
    const at = (iso: string) => new Date(iso).getTime();
    // 09:00 London is 09:00Z in winter and 08:00Z in summer.
    expect(
      new Date(
        nextRun({ pattern: '0 9 * * *', tz: 'Europe/London' }, at('2026-11-02T10:00:00Z'), undefined),
      ).toISOString(),
    ).toBe('2026-11-03T09:00:00.000Z');
    expect(
      new Date(
        nextRun({ pattern: '0 9 * * 1-5', tz: 'Europe/London' }, at('2026-06-05T09:30:00Z'), undefined),
      ).toISOString(),
    ).toBe('2026-06-08T08:00:00.000Z');
    // everyMs catches up on missed slots instead of running each of them.
    expect(nextRun({ everyMs: 100 }, 1_000, undefined)).toBe(1_000);
    expect(nextRun({ everyMs: 100 }, 1_050, 1_000)).toBe(1_100);
    expect(nextRun({ everyMs: 100 }, 1_350, 1_000)).toBe(1_400);
  });

  it('waits beyond the longest setTimeout (a job due in 40 days)', async () => {
    const timers = new ManualTimers();
    const q = new InProcessJobQueue({ clock: timers, timers });
    let ran = false;
    await q.process('long', async () => void (ran = true));
    await q.enqueue('long', 'x', {}, { jobId: 'far.away', delayMs: 40 * 24 * 3600_000 });
    await timers.advance(30 * 24 * 3600_000);
    expect(ran).toBe(false);
    await timers.advance(10 * 24 * 3600_000);
    expect(ran).toBe(true);
    await q.close();
  });

  it('forgets finished jobs beyond the retention count, which makes their ids new again', async () => {
    const timers = new ManualTimers();
    const q = new InProcessJobQueue({
      clock: timers,
      timers,
      retention: { completed: { count: 2, ageSeconds: 3600 } },
    });
    await q.process('r', async () => undefined);
    for (const n of ['a', 'b', 'c']) await q.enqueue('r', 'x', {}, { jobId: `job.${n}` });
    await timers.advance(10);
    expect((await q.list('r', { states: ['completed'] })).map((j) => j.id)).toEqual(['job.c', 'job.b']);
    expect((await q.enqueue('r', 'x', {}, { jobId: 'job.a' })).added).toBe(true);
    await timers.advance(2 * 3600_000);
    await q.enqueue('r', 'x', {}, { jobId: 'job.d' });
    await timers.advance(10);
    expect((await q.list('r', { states: ['completed'] })).map((j) => j.id)).toEqual(['job.d']);
    await q.close();
  });

  it('waits for running handlers on close and then refuses work', async () => {
    const timers = new ManualTimers();
    const q = new InProcessJobQueue({ clock: timers, timers });
    let finished = false;
    let release!: () => void;
    await q.process('c', async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    await q.enqueue('c', 'x', {}, { jobId: 'job.slow' });
    await timers.advance(0);
    const closing = q.close();
    release();
    await closing;
    expect(finished).toBe(true);
    await expect(q.enqueue('c', 'x', {}, { jobId: 'job.next' })).rejects.toThrow('closed');
    expect(timers.size).toBe(0);
  });
});
