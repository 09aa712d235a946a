import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { Redis } from 'ioredis';
import { BullmqJobQueue } from '#jobs/bullmq/bullmq-job-queue.js';
import { jobIdOf, type JobHandler, type JobQueue, type ProcessOptions } from '#jobs/job-queue.port.js';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { fixedClock } from '#platform/clock/clock.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import { listNotifications } from '#read-models/notifications/notifications-sent.table.js';
import { composeLedger, type Ledger } from '../../apps/cli/src/compose.js';
import { createApiApplication } from '../../apps/api/src/bootstrap-api.js';
import { startWorker, type LedgerWorker } from '../../apps/worker/src/worker.js';
import {
  registerSchedulers,
  startLedgerJobs,
  type LedgerJobs,
} from '../../apps/worker/src/jobs/ledger-jobs.js';
import type { EmailSender } from '../../apps/worker/src/jobs/notifier.js';
import { QUEUES, schedulerDefinitions } from '../../apps/worker/src/jobs/queues.js';
import { describeWithEnv } from '../support/requires-env.js';
import { createTestDatabase } from '../support/postgres-test-database.js';

/**
 * The job processors on real Redis and PostgreSQL: a retried reminder sends once, a worker SIGKILLed mid-job
 * is retried elsewhere and still leaves one notification, schedulers survive a restart. Each run has its own
 * BullMQ prefix (deleted afterwards) and database, and short lock timings.
 */
const TIMINGS = { lockDurationMs: 1000, stalledIntervalMs: 1000, maxStalledCount: 2 };
const SCHOOL = { urn: '280001', name: 'Elm Junior', phase: 'primary', localAuthority: 'Norfolk' };
const ect = (trn: string) => ({
  trn,
  firstName: 'Robin',
  lastName: 'Hart',
  dateOfBirth: '1998-05-06',
  email: `robin.${trn}@elm.example`,
  schoolUrn: SCHOOL.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2026-01-05',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Ash Kay', email: 'ash.kay@elm.example' },
  inductionTutor: { name: 'Sol Ray', email: 'sol.ray@elm.example' },
});

async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  ms = 20000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wraps a queue so the first run of each reminder job fails *after* its handler recorded the send. */
function failingOnceAfterEffect(queue: JobQueue): JobQueue {
  const failed = new Set<string>();
  const wrapper = Object.create(queue) as JobQueue;
  wrapper.process = (name: string, handler: JobHandler, opts?: ProcessOptions) =>
    queue.process(
      name,
      async (job) => {
        const result = await handler(job);
        if (name === QUEUES.reminders && !failed.has(job.id)) {
          failed.add(job.id);
          throw new Error('lost the acknowledgement');
        }
        return result;
      },
      opts,
    );
  return wrapper;
}

describeWithEnv('DATABASE_URL', 'jobs on Redis and PostgreSQL', () => {
  describeWithEnv('REDIS_URL', 'reminders, SIGKILL, schedulers', () => {
    const prefix = `iltest-jobs-${randomUUID().slice(0, 8)}`;
    const clock = fixedClock('2026-03-20T09:00:00Z');
    const sends: { reference: string }[] = [];
    const sender: EmailSender = {
      send: async (_template, _email, _personalisation, reference) => {
        sends.push({ reference });
        return { id: randomUUID() };
      },
    };
    let dataDir: string;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let ledger: Ledger;
    let queue: BullmqJobQueue;
    let worker: LedgerWorker;
    let jobs: LedgerJobs;
    let http: ReturnType<typeof request>;
    let closeApp: () => Promise<void>;
    let hub: string;

    const register = async (trn: string) => {
      const res = await http
        .post('/api/v1/ects')
        .set('Authorization', `Bearer ${hub}`)
        .send(ect(trn))
        .expect(201);
      const ectId = (res.body as { id: string }).id;
      const rows = await until(async () => {
        const found = (await ledger.runtime.dataSource.query(
          `SELECT item_key, to_char(due_by, 'YYYY-MM-DD') AS due_by FROM due_items WHERE ect_id = $1 AND kind = 'progress-review' ORDER BY due_by`,
          [ectId],
        )) as { item_key: string; due_by: string }[];
        return found.length > 0 && found;
      }, 'due items');
      return { ectId, itemKey: rows[0]!.item_key, dueBy: rows[0]!.due_by };
    };
    const rowsFor = (eventId: string) =>
      ledger.runtime.dataSource.query(
        `SELECT recipient, channel FROM notifications_sent WHERE event_id = $1`,
        [eventId],
      ) as Promise<{ recipient: string; channel: string }[]>;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'ledger-jobs-'));
      database = await createTestDatabase(process.env['DATABASE_URL']!);
      const config = loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        PROJECTION_POLL_MS: '20',
        DATABASE_URL: database.url,
      });
      ledger = await composeLedger(config);
      queue = new BullmqJobQueue({
        connection: process.env['REDIS_URL']!,
        prefix,
        workerTimings: TIMINGS,
        onError: () => undefined,
      });
      const runtime = { ...ledger.runtime, jobs: failingOnceAfterEffect(queue) };
      const logger = createLogger({ level: 'silent' });
      worker = await startWorker(runtime, ledger.projections, logger, {
        clock,
        jobs: { notify: { sender, templateId: 'generic' }, schedule: false },
      });
      jobs = worker.jobs!;
      const app = await createApiApplication({
        runtime,
        domain: ledger.domain,
        clock,
        deriveId: ledger.deriveId,
        projections: worker.runner,
        projectionNames: ledger.projections.map((p) => p.name),
        logger,
      });
      await app.init();
      closeApp = () => app.close();
      http = request(app.getHttpServer());
      hub = (
        (await http.post('/api/v1/dev/tokens').send({ role: 'hub_staff' }).expect(201)).body as {
          token: string;
        }
      ).token;
      await http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(SCHOOL).expect(201);
    }, 60000);

    afterAll(async () => {
      await closeApp?.();
      await worker?.stop();
      await queue?.close();
      await ledger?.runtime.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      const redis = new Redis(process.env['REDIS_URL']!);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('sends a reminder once even when its job is retried after the send', async () => {
      const { ectId, dueBy } = await register('3800001');
      const day = addDays(dueBy, -7);
      const sweep = await jobs.sweepReminders(day);
      expect(sweep.enqueued).toBe(1);
      const [job] = await until(async () => {
        const done = await queue.list(QUEUES.reminders, { states: ['completed'] });
        return done.length > 0 && done;
      }, 'the retried reminder to complete');
      expect(job!.attemptsMade).toBe(2); // failed once after sending, then ran again
      expect(job!.returnValue).toEqual({ tutor: 'already-sent' });
      expect(await rowsFor(job!.id)).toEqual([{ recipient: 'tutor', channel: 'notify' }]);
      expect(sends.filter((s) => s.reference === `${job!.id}/tutor`)).toHaveLength(1);
      expect((await jobs.sweepReminders(day)).enqueued).toBe(0);
      const listed = await listNotifications(ledger.runtime.dataSource, { ectId });
      expect(JSON.stringify(listed)).not.toContain('@');
    });

    it('retries a job whose worker was SIGKILLed mid-job elsewhere, still recording one notification', async () => {
      const { ectId, itemKey, dueBy } = await register('3800002');
      // A second worker, the real processors in a child process, takes the reminder, records it and hangs.
      const child = spawn(
        process.execPath,
        [
          fileURLToPath(
            new URL('../../apps/worker/src/jobs/testing/stalling-jobs-worker.mjs', import.meta.url),
          ),
        ],
        {
          env: {
            ...process.env,
            DATA_DIR: dataDir,
            DATABASE_URL: database.url,
            JOBS_PREFIX: `${prefix}-kill`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const killQueue = new BullmqJobQueue({
        connection: process.env['REDIS_URL']!,
        prefix: `${prefix}-kill`,
        workerTimings: TIMINGS,
        onError: () => undefined,
      });
      try {
        await until(async () => out.includes('ready'), `the child worker (${err.slice(-500)})`, 40000);
        const jobId = jobIdOf('reminder', ectId, itemKey, dueBy, 'on-the-day');
        await killQueue.enqueue(
          QUEUES.reminders,
          'reminder',
          {
            ectId,
            itemKey,
            kind: 'progress-review',
            detail: 'term 1',
            dueBy,
            audience: 'school',
            stage: 'on-the-day',
          },
          { jobId, attempts: 3, backoffMs: 100 },
        );
        await until(async () => out.includes(`effect ${jobId}`), 'the child to record the send');
        const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        expect(await rowsFor(jobId)).toHaveLength(1);

        // This process picks the stalled job up once the dead worker's lock expires, and runs it again.
        const before = sends.length;
        await startLedgerJobs(
          { ...ledger.runtime, jobs: killQueue },
          {
            domain: ledger.domain,
            projections: [],
            logger: createLogger({ level: 'silent' }),
            schedule: false,
            notify: { sender, templateId: 'generic' },
          },
        );
        const [done] = await until(
          async () => {
            const completed = await killQueue.list(QUEUES.reminders, { states: ['completed'] });
            return completed.length > 0 && completed;
          },
          'the stalled job to run again',
          20000,
        );
        expect(done!.id).toBe(jobId);
        expect(done!.returnValue).toEqual({ tutor: 'already-sent' });
        expect(await rowsFor(jobId)).toHaveLength(1);
        expect(sends.length).toBe(before);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await killQueue.close();
      }
    }, 60000);

    it('keeps one of each scheduler across a restart', async () => {
      const restartPrefix = `${prefix}-restart`;
      const open = () =>
        new BullmqJobQueue({
          connection: process.env['REDIS_URL']!,
          prefix: restartPrefix,
          onError: () => undefined,
        });
      const first = open();
      await registerSchedulers(first, { relayEveryMs: 60000 });
      await first.close();
      const second = open();
      try {
        await registerSchedulers(second, { relayEveryMs: 60000 });
        const ids = (await Promise.all(Object.values(QUEUES).map((q) => second.schedulers(q))))
          .flat()
          .map((s) => s.id);
        expect(ids.sort()).toEqual(
          schedulerDefinitions()
            .map((s) => s.id)
            .sort(),
        );
        const daily = (await second.schedulers(QUEUES.sweeps)).find((s) => s.id === 'reminder-sweep.daily')!;
        expect(daily).toMatchObject({ pattern: '0 7 * * *', tz: 'Europe/London' });
      } finally {
        await second.close();
      }
    });
  });
});
