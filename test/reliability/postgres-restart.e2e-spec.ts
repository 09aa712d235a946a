import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-servers.js';

/**
 * Issue 10, faults: PostgreSQL (a server of this test's own) crashes and comes back while clients keep sending
 * commands. Every answer is 201, 409 or 503 with Retry-After (never 500); nothing is half-written (the stream
 * stays contiguous and holds every accepted command once); and the service recovers by itself: commands
 * succeed again, health is green again and the projections catch up.
 */
const CLIENTS = 8;
const SCHOOL = { urn: '340001', name: 'Fir Primary', phase: 'primary', localAuthority: 'Bury' };

describe('reliability: PostgreSQL restarts under load', () => {
  let pg: ThrowawayPostgres;
  let t: TestLedger;
  let base: string;
  let hub: string;
  let ectId: string;
  const saved = { DATABASE_URL: process.env['DATABASE_URL'], REDIS_URL: process.env['REDIS_URL'] };

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    process.env['DATABASE_URL'] = pg.url;
    delete process.env['REDIS_URL']; // in-process jobs: this suite is about the database alone
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    hub = await t.token('hub_staff');
    await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(SCHOOL).expect(201);
    const created = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send({
        trn: '9340001',
        firstName: 'Pia',
        lastName: 'Postgres',
        dateOfBirth: '1993-04-05',
        email: 'pia@fir.example',
        schoolUrn: SCHOOL.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'school-led',
        mentor: { name: 'Max Mentor', email: 'max@fir.example' },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@fir.example' },
      })
      .expect(201);
    ectId = created.body.id as string;
  }, 120_000);
  afterAll(async () => {
    if (t) {
      await new Promise<void>((resolve) => t.app.getHttpServer().close(() => resolve()));
      try {
        pg.start();
      } catch {
        // already running
      }
      await t.close();
    }
    pg?.close();
    process.env['DATABASE_URL'] = saved.DATABASE_URL;
    if (saved.REDIS_URL) process.env['REDIS_URL'] = saved.REDIS_URL;
  }, 60_000);

  it('answers 201/409/503+Retry-After only, writes nothing by halves, and recovers by itself', async () => {
    const answers: { status: number; retryAfter: string | null; requestId: string; after: boolean }[] = [];
    let restarted = false;
    let stop = false;
    let sent = 0;

    const client = async (c: number) => {
      while (!stop) {
        const n = sent++;
        const requestId = `pg-restart-${n}`;
        const day = new Date(Date.UTC(2025, 9, 1) + n * 86_400_000).toISOString().slice(0, 10);
        const response = await fetch(`${base}/api/v1/ects/${ectId}/absences`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${hub}`,
            'x-request-id': requestId,
          },
          body: JSON.stringify({ from: day, to: day, days: 1, reason: 'maternity' }),
        }).catch((error: unknown) => {
          throw new Error(`client ${c}: the service dropped the connection: ${String(error)}`);
        });
        const body = await response.text();
        if (![201, 409, 503].includes(response.status)) {
          throw new Error(`request ${n} got ${response.status}: ${body}`);
        }
        answers.push({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          requestId,
          after: restarted,
        });
        if (response.status === 503) await new Promise((r) => setTimeout(r, 100));
      }
    };

    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await new Promise((r) => setTimeout(r, 1_000));
    pg.stop('immediate');
    await new Promise((r) => setTimeout(r, 2_000));
    pg.start();
    restarted = true;
    // Keep the load on until commands have succeeded again for a while (or give up after 30 s).
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && answers.filter((a) => a.after && a.status === 201).length < 20) {
      await new Promise((r) => setTimeout(r, 200));
    }
    stop = true;
    await load;

    const tally = answers.reduce<Record<number, number>>(
      (acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }),
      {},
    );
    process.stdout.write(
      `reliability/postgres-restart: ${answers.length} commands, ${JSON.stringify(tally)}\n`,
    );
    expect(tally[503] ?? 0).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.retryAfter).toMatch(/^\d+$/);
    expect(answers.filter((a) => a.after && a.status === 201).length).toBeGreaterThanOrEqual(20);

    const events = await t.ledger.runtime.eventStore.readStream(`ect-${ectId}`);
    events.forEach((e, i) => expect(e.streamRevision).toBe(BigInt(i)));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const causations = events.slice(1).map((e) => String(e.metadata.causationId));
    expect(new Set(causations).size).toBe(causations.length);
    const accepted = new Set(answers.filter((a) => a.status === 201).map((a) => a.requestId));
    const unsure = new Set(answers.filter((a) => a.status === 503).map((a) => a.requestId));
    for (const id of accepted) expect(causations).toContain(id);
    // An event not answered 201 can only belong to a request whose commit raced the crash (answered 503).
    for (const id of causations.filter((c) => !accepted.has(c))) expect(unsure.has(id)).toBe(true);

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const position = events.at(-1)!.globalPosition.toString();
    const read = await fetch(`${base}/api/v1/ects/${ectId}`, {
      headers: { authorization: `Bearer ${hub}`, 'x-min-log-position': position },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { revision: number }).revision).toBe(events.length - 1);
  }, 120_000);
});
