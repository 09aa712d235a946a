import { describe, expect, it } from '@jest/globals';
import {
  InvalidJobIdError,
  PermanentJobError,
  type JobQueue,
  type JobView,
  type Json,
} from '../job-queue.port.js';

/**
 * What a contract run needs from an adapter. Time is the harness's: the in-process adapter runs on
 * `ManualTimers` (instant), BullMQ on the wall clock.
 */
export interface JobQueueHarness {
  /** The adapter under test (replaced by `restart`). */
  queue: JobQueue;
  /** Milliseconds since the epoch, on the harness's clock. */
  now(): number;
  /** Lets `ms` of the harness's time pass. */
  advance(ms: number): Promise<void>;
  /** Closes `queue` and opens a new adapter over the same storage, as a process restart would. */
  restart(): Promise<JobQueue>;
  close(): Promise<void>;
}

let seq = 0;
/** Queue names unique per test, so runs against a shared Redis prefix do not meet. */
export function uniqueQueue(what: string): string {
  return `${what}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Retries `assertion`, letting harness time pass between tries, until it holds or `timeoutMs` has passed. */
export async function eventually(
  h: JobQueueHarness,
  assertion: () => Promise<void> | void,
  { timeoutMs = 8000, stepMs = 25 } = {},
): Promise<void> {
  for (let waited = 0; ; waited += stepMs) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (waited >= timeoutMs) throw err;
    }
    await h.advance(stepMs);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function withHarness(
  make: () => Promise<JobQueueHarness>,
  test: (h: JobQueueHarness) => Promise<void>,
) {
  const h = await make();
  try {
    await test(h);
  } finally {
    await h.close();
  }
}

export function jobQueueContract(makeHarness: () => Promise<JobQueueHarness>): void {
  const run = (test: (h: JobQueueHarness) => Promise<void>) => () => withHarness(makeHarness, test);

  describe('JobQueue contract', () => {
    it(
      'runs a job enqueued twice with the same jobId once',
      run(async (h) => {
        const q = uniqueQueue('dedupe');
        const seen: Json[] = [];
        const first = await h.queue.enqueue(
          q,
          'remind',
          { ectId: 'e1' },
          { jobId: 'reminder.e1.2026-12-01' },
        );
        const second = await h.queue.enqueue(
          q,
          'remind',
          { ectId: 'other' },
          { jobId: 'reminder.e1.2026-12-01' },
        );
        expect(first).toEqual({ jobId: 'reminder.e1.2026-12-01', added: true });
        expect(second).toEqual({ jobId: 'reminder.e1.2026-12-01', added: false });

        await h.queue.process(q, async (job) => {
          seen.push(job.data);
          return { sent: true };
        });
        await eventually(h, async () => expect((await h.queue.counts(q)).completed).toBe(1));
        // Known while retained, even once completed.
        expect(await h.queue.enqueue(q, 'remind', {}, { jobId: 'reminder.e1.2026-12-01' })).toEqual({
          jobId: 'reminder.e1.2026-12-01',
          added: false,
        });
        await h.advance(100);
        expect(seen).toEqual([{ ectId: 'e1' }]);
        expect(await h.queue.counts(q)).toEqual({
          waiting: 0,
          active: 0,
          delayed: 0,
          completed: 1,
          failed: 0,
        });
        const [done] = await h.queue.list(q, { states: ['completed'] });
        expect(done).toMatchObject({ id: 'reminder.e1.2026-12-01', name: 'remind', state: 'completed' });
        expect(done!.returnValue).toEqual({ sent: true });
      }),
    );

    it(
      'rejects job ids BullMQ cannot store (":" or an integer)',
      run(async (h) => {
        const q = uniqueQueue('ids');
        await expect(h.queue.enqueue(q, 'x', {}, { jobId: 'a:b' })).rejects.toBeInstanceOf(InvalidJobIdError);
        await expect(h.queue.enqueue(q, 'x', {}, { jobId: '42' })).rejects.toBeInstanceOf(InvalidJobIdError);
      }),
    );

    it(
      'retries a failing handler with exponential backoff until it succeeds, the effect counted once',
      run(async (h) => {
        const q = uniqueQueue('backoff');
        const tries: { attempt: number; at: number }[] = [];
        let effects = 0;
        await h.queue.process(q, async (job) => {
          tries.push({ attempt: job.attempt, at: h.now() });
          if (job.attempt < 3) throw new Error(`Notify unavailable (try ${job.attempt})`);
          effects++;
        });
        await h.queue.enqueue(
          q,
          'notify',
          { to: 'e1' },
          { jobId: 'notify.e1.welcome', attempts: 4, backoffMs: 200 },
        );
        await eventually(h, async () => expect((await h.queue.counts(q)).completed).toBe(1));

        expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
        expect(effects).toBe(1);
        // 200 ms, then 400 ms (small slack for BullMQ's millisecond rounding).
        expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(190);
        expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(390);
        const [job] = await h.queue.list(q, { states: ['completed'] });
        expect(job).toMatchObject({ attemptsMade: 3, attempts: 4 }); // the successful try counts
      }),
    );

    it(
      'ends a job that keeps failing in failed, with the reason, and retries it on request',
      run(async (h) => {
        const q = uniqueQueue('failing');
        let healthy = false;
        let runs = 0;
        await h.queue.process(q, async () => {
          runs++;
          if (!healthy) throw new Error('Notify said no');
          return 'sent';
        });
        await h.queue.enqueue(
          q,
          'notify',
          { to: 'e2' },
          { jobId: 'notify.e2.overdue', attempts: 2, backoffMs: 50 },
        );
        await eventually(h, async () => expect((await h.queue.counts(q)).failed).toBe(1));
        expect(runs).toBe(2);
        const [failed] = await h.queue.list(q, { states: ['failed'] });
        expect(failed).toMatchObject({
          id: 'notify.e2.overdue',
          state: 'failed',
          failedReason: 'Notify said no',
          attemptsMade: 2,
          attempts: 2,
          data: { to: 'e2' },
        });
        expect(failed!.finishedAt).toEqual(expect.any(String));

        expect(await h.queue.retry(q, 'no-such-job')).toBe(false);
        healthy = true;
        expect(await h.queue.retry(q, 'notify.e2.overdue')).toBe(true);
        await eventually(h, async () => expect((await h.queue.counts(q)).completed).toBe(1));
        expect(runs).toBe(3);
        expect((await h.queue.counts(q)).failed).toBe(0);
        expect(await h.queue.retry(q, 'notify.e2.overdue')).toBe(false); // completed, not failed
      }),
    );

    it(
      'fails at once, without retries, on a PermanentJobError',
      run(async (h) => {
        const q = uniqueQueue('permanent');
        let runs = 0;
        await h.queue.process(q, async () => {
          runs++;
          throw new PermanentJobError('email address rejected');
        });
        await h.queue.enqueue(q, 'notify', {}, { jobId: 'notify.e3.x', attempts: 5, backoffMs: 10 });
        await eventually(h, async () => expect((await h.queue.counts(q)).failed).toBe(1));
        await h.advance(100);
        expect(runs).toBe(1);
        const [failed] = await h.queue.list(q, { states: ['failed'] });
        expect(failed).toMatchObject({ failedReason: 'email address rejected', attemptsMade: 1 });
      }),
    );

    it(
      'shows progress in list while the job runs',
      run(async (h) => {
        const q = uniqueQueue('progress');
        const half = deferred();
        const finish = deferred();
        await h.queue.process(q, async (job) => {
          await job.updateProgress(50);
          half.resolve();
          await finish.promise;
          await job.updateProgress({ done: 4, of: 4 });
          return { rows: 4 };
        });
        await h.queue.enqueue(q, 'report', { survey: '2026' }, { jobId: 'report.2026' });
        await half.promise;
        await eventually(h, async () => {
          const [active] = await h.queue.list(q, { states: ['active'] });
          expect(active).toMatchObject({ id: 'report.2026', state: 'active', progress: 50 });
          expect(active!.processedAt).toEqual(expect.any(String));
        });
        finish.resolve();
        await eventually(h, async () => {
          const [done] = await h.queue.list(q, { states: ['completed'] });
          expect(done).toMatchObject({ progress: { done: 4, of: 4 }, returnValue: { rows: 4 } });
        });
      }),
    );

    it(
      'holds a delayed job until it is due',
      run(async (h) => {
        const q = uniqueQueue('delay');
        const ranAt: number[] = [];
        await h.queue.process(q, async () => void ranAt.push(h.now()));
        const enqueuedAt = h.now();
        await h.queue.enqueue(q, 'sweep', {}, { jobId: 'sweep.2026-11-02', delayMs: 600 });
        await h.advance(150);
        expect(ranAt).toEqual([]);
        expect((await h.queue.list(q, { states: ['delayed'] })).map((j: JobView) => j.id)).toEqual([
          'sweep.2026-11-02',
        ]);
        await eventually(h, () => expect(ranAt).toHaveLength(1));
        expect(ranAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(590);
      }),
    );

    it(
      'lists with a range per state and counts per state',
      run(async (h) => {
        const q = uniqueQueue('list');
        for (const n of ['a', 'b', 'c']) await h.queue.enqueue(q, 'x', { n }, { jobId: `job.${n}` });
        await h.queue.enqueue(q, 'x', {}, { jobId: 'job.later', delayMs: 60_000 });
        expect(await h.queue.counts(q)).toEqual({
          waiting: 3,
          active: 0,
          delayed: 1,
          completed: 0,
          failed: 0,
        });
        const page = await h.queue.list(q, { states: ['waiting', 'delayed'], start: 0, end: 1 });
        expect(page.filter((j) => j.state === 'waiting')).toHaveLength(2);
        expect(page.filter((j) => j.state === 'delayed').map((j) => j.id)).toEqual(['job.later']);
        const all = await h.queue.list(q, { states: ['waiting'], start: 0, end: -1 });
        expect(all.map((j) => j.id).sort()).toEqual(['job.a', 'job.b', 'job.c']);
      }),
    );

    it(
      'upserts schedulers: registering one twice, or again after a restart, leaves one',
      run(async (h) => {
        const q = uniqueQueue('sched');
        const runs: Json[] = [];
        await h.queue.schedule(q, 'overdue-sweep', { everyMs: 60_000 }, 'sweep', { kind: 'overdue' });
        await h.queue.schedule(q, 'overdue-sweep', { everyMs: 60_000 }, 'sweep', { kind: 'overdue' });
        await h.queue.schedule(
          q,
          'daily-reminders',
          { pattern: '0 9 * * *', tz: 'Europe/London' },
          'remind',
          {},
        );
        await h.queue.schedule(
          q,
          'daily-reminders',
          { pattern: '0 9 * * *', tz: 'Europe/London' },
          'remind',
          {},
        );

        const schedulers = async () => (await h.queue.schedulers(q)).sort((a, b) => a.id.localeCompare(b.id));
        const pending = async (id: string) =>
          (await h.queue.list(q, { states: ['waiting', 'delayed', 'active'], start: 0, end: -1 })).filter(
            (j) => j.schedulerId === id,
          );
        expect(await schedulers()).toMatchObject([
          { id: 'daily-reminders', name: 'remind', pattern: '0 9 * * *', tz: 'Europe/London' },
          { id: 'overdue-sweep', name: 'sweep', everyMs: 60_000, data: { kind: 'overdue' } },
        ]);
        const nine = new Date((await schedulers())[0]!.next!);
        expect(nine.toLocaleTimeString('en-GB', { timeZone: 'Europe/London' })).toBe('09:00:00');
        expect(await pending('overdue-sweep')).toHaveLength(1);
        expect(await pending('daily-reminders')).toHaveLength(1);

        // everyMs runs right away, then every interval; the second registration added no run.
        await h.queue.process(q, async (job) => void runs.push(job.data));
        await eventually(h, () => expect(runs).toEqual([{ kind: 'overdue' }]));
        await h.advance(200);
        expect(runs).toHaveLength(1);

        const queue = await h.restart();
        await queue.schedule(q, 'overdue-sweep', { everyMs: 60_000 }, 'sweep', { kind: 'overdue' });
        await queue.schedule(
          q,
          'daily-reminders',
          { pattern: '0 9 * * *', tz: 'Europe/London' },
          'remind',
          {},
        );
        expect((await schedulers()).map((s) => s.id)).toEqual(['daily-reminders', 'overdue-sweep']);
        expect(await pending('overdue-sweep')).toHaveLength(1);
        expect(await pending('daily-reminders')).toHaveLength(1);

        expect(await queue.unschedule(q, 'overdue-sweep')).toBe(true);
        expect(await queue.unschedule(q, 'overdue-sweep')).toBe(false);
        expect((await schedulers()).map((s) => s.id)).toEqual(['daily-reminders']);
        expect(await pending('overdue-sweep')).toHaveLength(0);
      }),
    );

    it(
      'runs a scheduler repeatedly on its interval',
      run(async (h) => {
        const q = uniqueQueue('every');
        let runs = 0;
        await h.queue.process(q, async () => void runs++);
        await h.queue.schedule(q, 'outbox-drain', { everyMs: 150 }, 'drain', {});
        await eventually(h, () => expect(runs).toBeGreaterThanOrEqual(3));
        expect((await h.queue.schedulers(q)).length).toBe(1);
      }),
    );
  });
}
