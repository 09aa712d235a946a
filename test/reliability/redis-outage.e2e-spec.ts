import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeWithEnv } from '../support/requires-env.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { startThrowawayRedis, type ThrowawayRedis } from './support/throwaway-servers.js';

/**
 * Issue 10, faults: Redis (a server of this test's own) goes away and comes back. Commands go on succeeding
 * while it is away (the event log is in PostgreSQL); the outbox relay, a BullMQ scheduler, resumes by itself
 * when Redis returns; and every registration while Redis was away gets its confirmation exactly once.
 * Two ways to lose Redis: a clean stop that keeps its data, and SIGKILL of a Redis without persistence (queues,
 * schedulers and all gone).
 */
const SCHOOL = { urn: '350001', name: 'Hazel Primary', phase: 'primary', localAuthority: 'Wigan' };

interface Sent {
  eventId: string;
  recipient: string;
  template: string;
}

async function until<T>(probe: () => Promise<T | false>, what: string, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeWithEnv('DATABASE_URL', 'reliability: Redis goes away and comes back', () => {
  let redis: ThrowawayRedis;
  let t: TestLedger;
  let hub: string;
  let trn = 9350001;
  const saved = process.env['REDIS_URL'];

  const register = async () => {
    const n = trn++;
    const response = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send({
        trn: String(n),
        firstName: 'Rae',
        lastName: `Redis${n}`,
        dateOfBirth: '1992-06-07',
        email: `rae${n}@hazel.example`,
        schoolUrn: SCHOOL.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'school-led',
        mentor: { name: 'Max Mentor', email: 'max@hazel.example' },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@hazel.example' },
      });
    expect([response.status, response.text]).toEqual([201, expect.any(String)]);
    return response.body.id as string;
  };
  const confirmations = async (ectId: string): Promise<Sent[]> => {
    const response = await t.http
      .get('/api/v1/jobs/notifications')
      .query({ ectId, limit: 100 })
      .set('Authorization', `Bearer ${hub}`)
      .expect(200);
    return (response.body as { items: Sent[] }).items.filter((n) => n.template === 'registration-confirmed');
  };

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    process.env['REDIS_URL'] = redis.url;
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    hub = await t.token('hub_staff');
    await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(SCHOOL).expect(201);
  }, 120_000);
  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await t?.close();
    await redis?.close();
    if (saved) process.env['REDIS_URL'] = saved;
  }, 60_000);

  it.each(['save', 'kill'] as const)(
    'Redis stopped (%s): commands succeed, jobs resume, each confirmation sent once',
    async (how) => {
      const before = await register();
      await until(async () => (await confirmations(before)).length === 1, 'the first confirmation');

      await redis.stop(how);
      const during: string[] = [];
      for (let i = 0; i < 5; i++) during.push(await register());
      await new Promise((r) => setTimeout(r, 3_000)); // the relay's every-2-s turn comes and goes
      for (let i = 0; i < 5; i++) during.push(await register());
      const read = await t.http.get(`/api/v1/ects/${during[0]}`).set('Authorization', `Bearer ${hub}`);
      expect(read.status).toBe(200);

      await redis.start();
      for (const id of during) {
        await until(async () => (await confirmations(id)).length > 0, `the confirmation of ${id}`);
      }
      await new Promise((r) => setTimeout(r, 4_000)); // two more relay turns: nothing more may come
      for (const id of [before, ...during]) {
        const sent = await confirmations(id);
        expect([id, sent.length]).toEqual([id, 1]);
      }
      process.stdout.write(
        `reliability/redis-outage (${how}): ${during.length} registrations while Redis was away, ` +
          `each confirmed exactly once after it returned\n`,
      );
    },
    120_000,
  );
});
