import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { londonDate } from '#platform/clock/clock.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import { describeWithEnv } from '../support/requires-env.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 7's "done when": with Redis running, a demo ECT whose review is due next week produces the reminder
 * sequence in the outbox in order (one week before, on the day, overdue, weekly), driven by the test ledger's
 * clock, and nothing twice. The ledger's queues live in a Redis database of their own (index 13), emptied
 * before and after, so other suites' workers never take these jobs.
 */
const SCHOOL = { urn: '270001', name: 'Rowan Primary', phase: 'primary', localAuthority: 'Suffolk' };
const ECT = {
  trn: '3700001',
  firstName: 'Dana',
  lastName: 'Fox',
  dateOfBirth: '1999-02-03',
  email: 'dana.fox@rowan.example',
  schoolUrn: SCHOOL.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2026-01-05',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Kim Lee', email: 'kim.lee@rowan.example' },
  inductionTutor: { name: 'Ola Ade', email: 'ola.ade@rowan.example' },
};

const isolatedRedisUrl = () => {
  const url = new URL(process.env['REDIS_URL']!);
  url.pathname = '/13';
  return url.toString();
};
async function emptyQueues(url: string) {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys('il:*');
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  ms = 15000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Sent {
  eventId: string;
  recipient: string;
  template: string;
  channel: string;
  details: Record<string, string>;
}

describeWithEnv('REDIS_URL', 'jobs on BullMQ: the reminder sequence of a demo ECT', () => {
  let t: TestLedger;
  let hub: string;
  let ectId: string;
  let dueBy: string;
  const redisUrl = () => isolatedRedisUrl();

  const sent = async (): Promise<Sent[]> => {
    const res = await t.http
      .get('/api/v1/jobs/notifications')
      .query({ ectId, limit: 100 })
      .set('Authorization', `Bearer ${hub}`)
      .expect(200);
    return (res.body as { items: Sent[] }).items.reverse(); // oldest first
  };
  const reminders = async () => (await sent()).filter((n) => n.template === 'reminder-progress-review');
  const sweepOn = async (date: string) => {
    t.clock.set(`${date}T06:00:00Z`);
    return t.worker.jobs!.sweepReminders(londonDate(t.clock.now()));
  };

  beforeAll(async () => {
    await emptyQueues(redisUrl());
    t = await startTestLedger({ now: '2026-03-20T09:00:00Z', env: { REDIS_URL: redisUrl() } });
    hub = await t.token('hub_staff');
    await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(SCHOOL).expect(201);
    const created = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send(ECT)
      .expect(201);
    ectId = (created.body as { id: string }).id;
    const read = await t.http
      .get(`/api/v1/ects/${ectId}`)
      .set('Authorization', `Bearer ${hub}`)
      .set('X-Min-Log-Position', created.headers['x-log-position'] as string)
      .expect(200);
    const due = (read.body as { nextDue: { kind: string; dueBy: string }[] }).nextDue;
    dueBy = due.find((d) => d.kind === 'progress-review')!.dueBy;
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await emptyQueues(redisUrl());
  });

  it('tells the induction tutor the registration is confirmed, once, through the outbox relay', async () => {
    await t.worker.jobs!.relayOutbox();
    await t.worker.jobs!.relayOutbox(); // a second pass enqueues nothing new
    const confirmed = await until(async () => {
      const all = await sent();
      return all.some((n) => n.template === 'registration-confirmed') && all;
    }, 'registration-confirmed');
    expect(confirmed.filter((n) => n.template === 'registration-confirmed')).toEqual([
      expect.objectContaining({ recipient: 'tutor', channel: 'log' }),
    ]);
    expect(JSON.stringify(confirmed)).not.toContain('@'); // no addresses in the outbox view
  });

  it('sends one week before, on the day, overdue and weekly, in order and nothing twice', async () => {
    expect(dueBy > '2026-03-27').toBe(true); // not yet in its reminder window when registered
    await until(async () => {
      const rows = (await t.ledger.runtime.dataSource.query(`SELECT 1 FROM due_items WHERE ect_id = $1`, [
        ectId,
      ])) as unknown[];
      return rows.length > 0;
    }, 'due-items');

    const days: [string, number][] = [
      [addDays(dueBy, -8), 0], // too early
      [addDays(dueBy, -7), 1], // one week before
      [addDays(dueBy, -7), 1], // the same day again: nothing new
      [addDays(dueBy, -3), 1],
      [dueBy, 2], // on the day
      [addDays(dueBy, 1), 3], // overdue
      [addDays(dueBy, 4), 3],
      [addDays(dueBy, 8), 4], // a week overdue
      [addDays(dueBy, 8), 4],
      [addDays(dueBy, 15), 5], // two weeks overdue
    ];
    for (const [day, expected] of days) {
      await sweepOn(day);
      await until(
        async () => (await reminders()).length === expected && true,
        `${expected} reminders on ${day}`,
      );
    }
    // Re-running every sweep again adds no job and no row.
    for (const [day] of days) expect((await sweepOn(day)).enqueued).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    const all = await reminders();
    expect(all.map((n) => n.details['stage'])).toEqual([
      'week-before',
      'on-the-day',
      'overdue',
      'overdue-1w',
      'overdue-2w',
    ]);
    expect(all.every((n) => n.recipient === 'tutor' && n.details['dueBy'] === dueBy)).toBe(true);
    expect(new Set(all.map((n) => n.eventId)).size).toBe(5);
  });

  it('shows hub staff the queues, schedulers and completed reminder jobs; others get 403', async () => {
    const overview = await t.http.get('/api/v1/jobs').set('Authorization', `Bearer ${hub}`).expect(200);
    const queues = (
      overview.body as {
        queues: { name: string; counts: Record<string, number>; schedulers: { id: string }[] }[];
      }
    ).queues;
    expect(queues.map((q) => q.name)).toEqual([
      'sweeps',
      'reminders',
      'outbox',
      'notifications',
      'long-jobs',
    ]);
    expect(queues.find((q) => q.name === 'reminders')!.counts['completed']).toBeGreaterThanOrEqual(5);
    expect(queues.flatMap((q) => q.schedulers.map((s) => s.id)).sort()).toEqual([
      'deadline-watch.daily',
      'outbox-relay.continuous',
      'reminder-sweep.daily',
      'time-facts.nightly',
    ]);
    const tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    await t.http.get('/api/v1/jobs').set('Authorization', `Bearer ${tutor}`).expect(403);
    await t.http.get('/api/v1/jobs/nope').set('Authorization', `Bearer ${hub}`).expect(404);
  });

  it('rebuilds a projection as a long job that reports its progress', async () => {
    const res = await t.http
      .post('/api/v1/admin/projections/due-items/rebuild')
      .set('Authorization', `Bearer ${hub}`)
      .set('Idempotency-Key', 'rebuild-1')
      .expect(202);
    const { jobId, location } = res.body as { jobId: string; location: string };
    expect(jobId).toBe('rebuild.due-items.rebuild-1');
    const job = await until(async () => {
      const view = await t.http.get(location).set('Authorization', `Bearer ${hub}`).expect(200);
      return view.body.state === 'completed' && view.body;
    }, 'rebuild');
    expect(job.progress).toMatchObject({ phase: 'done' });
    expect(job.returnValue.eventsApplied).toBeGreaterThan(0);
    const again = await t.http
      .post('/api/v1/admin/projections/due-items/rebuild')
      .set('Authorization', `Bearer ${hub}`)
      .set('Idempotency-Key', 'rebuild-1')
      .expect(202);
    expect(again.body.jobId).toBe(jobId); // the same request again: the same job, not a second rebuild
    const all = await t.ledger.runtime.jobs.list('long-jobs', { states: ['waiting', 'active', 'completed'] });
    expect(all.map((j) => j.id)).toEqual([jobId]);
    await t.http
      .post('/api/v1/admin/projections/nope/rebuild')
      .set('Authorization', `Bearer ${hub}`)
      .expect(404);
  });
});
