import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { londonDate } from '#platform/clock/clock.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 10, concurrency: many HTTP clients at once issue conflicting commands on the same few ECTs, some with
 * `If-Match` (the revision they last read), some without, some retrying with an `Idempotency-Key`. Every answer
 * is 2xx, 409 or 412 (never 500); the log holds exactly one batch of events per accepted command (nothing lost,
 * nothing doubled); and each ECT's GET equals the domain's fold of its stream.
 *
 * 200 clients in CI; SOAK=1 (npm run test:soak) runs 1,000.
 */
const CLIENTS = process.env['SOAK'] ? 1000 : 200;
/**
 * Requests in flight at once. At 1,000 simultaneous connections on a 2-core machine undici's 10 s connect
 * timeout fires on the client side ("fetch failed"), so the soak keeps 1,000 clients but at most 250 sockets.
 */
const IN_FLIGHT = 250;
const ECTS = 3;
const SCHOOL = { urn: '310001', name: 'Ash Primary', phase: 'primary', localAuthority: 'Kent' };

interface Outcome {
  ect: string;
  status: number;
  etag: string | null;
  requestId: string;
  idempotent: boolean;
}

describe(`reliability: ${CLIENTS} concurrent clients on ${ECTS} ECTs`, () => {
  let t: TestLedger;
  let base: string;
  let hub: string;
  let tutor: string;
  const ects: string[] = [];

  beforeAll(async () => {
    // The API rate limit stays on, high enough for every client here (one token, thousands of requests a minute).
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z', env: { API_RATE_LIMIT: '1000000' } });
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/api/v1`;
    hub = await t.token('hub_staff');
    tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(SCHOOL).expect(201);
    for (let i = 0; i < ECTS; i++) {
      const created = await t.http
        .post('/api/v1/ects')
        .set('Authorization', `Bearer ${tutor}`)
        .send({
          trn: `910000${i}`,
          firstName: 'Cora',
          lastName: `Current${i}`,
          dateOfBirth: '1996-02-03',
          email: `cora${i}@ash.example`,
          schoolUrn: SCHOOL.urn,
          qtsAwardedOn: '2025-07-15',
          startDate: '2025-09-01',
          fte: 1,
          programme: 'school-led',
          mentor: { name: 'Max Mentor', email: 'max@ash.example' },
          inductionTutor: { name: 'Tia Tutor', email: 'tia@ash.example' },
        })
        .expect(201);
      ects.push(created.body.id as string);
    }
    // Every ECT readable before the clients start (a client's first read has no X-Min-Log-Position).
    for (const id of ects) {
      for (let tries = 0; ; tries++) {
        const read = await t.http.get(`/api/v1/ects/${id}`).set('Authorization', `Bearer ${hub}`);
        if (read.status === 200) break;
        if (tries > 300) throw new Error(`ECT ${id} never appeared: ${read.status}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Starting a ledger and waiting for projections takes longer than jest's 30 s on a busy shared machine.
  }, 120_000);
  afterAll(async () => {
    if (!t) return;
    await new Promise<void>((resolve) => t.app.getHttpServer().close(() => resolve()));
    await t.close();
  });

  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const limited = async <T>(call: () => Promise<T>): Promise<T> => {
    if (inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
    try {
      return await call();
    } finally {
      inFlight--;
      waiting.shift()?.();
    }
  };
  const streamEvents = (id: string) => t.ledger.runtime.eventStore.readStream(`ect-${id}`);

  it('answers 2xx/409/412 only, loses and doubles nothing, and GET equals the fold of the log', async () => {
    const initialLength = new Map<string, number>();
    for (const id of ects) initialLength.set(id, (await streamEvents(id)).length);

    const post = async (
      client: number,
      id: string,
      path: string,
      body: object,
      headers: Record<string, string>,
    ): Promise<Response> =>
      limited(() =>
        fetch(`${base}/ects/${id}/${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${client % 2 ? tutor : hub}`,
            'x-request-id': `client-${client}-${Math.random().toString(36).slice(2)}`,
            ...headers,
          },
          body: JSON.stringify(body),
        }),
      );

    /** One client: maybe read the revision, then one command; a third of them retry with the same key. */
    const client = async (n: number): Promise<Outcome[]> => {
      const id = ects[n % ECTS]!;
      const headers: Record<string, string> = {};
      if (n % 3 === 0) {
        const read = await limited(() =>
          fetch(`${base}/ects/${id}`, { headers: { authorization: `Bearer ${hub}` } }),
        );
        expect(read.status).toBe(200);
        headers['if-match'] = `"${((await read.json()) as { revision: number }).revision}"`;
      }
      const idempotent = n % 3 === 1;
      if (idempotent) headers['idempotency-key'] = `key-${n}`;
      // Statutory leave on distinct days (one event each) or a change of mentor (409 when it is the same).
      const day = 1 + (n % 28);
      const month = 10 + (Math.floor(n / 28) % 3);
      const [path, body] =
        n % 4 === 3
          ? ['mentor', { name: `Mentor ${n % 5}`, email: `m${n % 5}@ash.example`, from: '2025-10-01' }]
          : [
              'absences',
              {
                from: `${2025 + Math.floor(n / 84)}-${month}-${String(day).padStart(2, '0')}`,
                to: `${2025 + Math.floor(n / 84)}-${month}-${String(day).padStart(2, '0')}`,
                days: 1,
                reason: 'maternity',
              },
            ];
      const attempts = idempotent ? 2 : 1;
      const outcomes: Outcome[] = [];
      for (let a = 0; a < attempts; a++) {
        const requestId = `client-${n}-attempt-${a}`;
        const response = await post(n, id, path, body, { ...headers, 'x-request-id': requestId });
        const text = await response.text();
        if (![201, 200, 409, 412].includes(response.status)) {
          throw new Error(`client ${n} got ${response.status}: ${text}`);
        }
        outcomes.push({
          ect: id,
          status: response.status,
          etag: response.headers.get('etag'),
          requestId,
          idempotent,
        });
      }
      return outcomes;
    };

    const outcomes = (await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)))).flat();

    const byStatus = outcomes.reduce<Record<number, number>>(
      (acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }),
      {},
    );
    expect(Object.keys(byStatus).every((s) => ['200', '201', '409', '412'].includes(s))).toBe(true);
    expect(byStatus[201] ?? 0).toBeGreaterThan(0);
    expect((byStatus[409] ?? 0) + (byStatus[412] ?? 0)).toBeGreaterThan(0);

    let maxPosition = 0n;
    for (const id of ects) {
      const events = await streamEvents(id);
      const added = events.slice(initialLength.get(id)!);
      // Event ids and revisions are unique; revisions are contiguous.
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      events.forEach((e, i) => expect(e.streamRevision).toBe(BigInt(i)));
      // Each accepted command is one causation id in the log, and every causation id is one accepted command.
      const accepted = outcomes.filter((o) => o.ect === id && o.status === 201);
      const acceptedCommands = new Set(
        accepted.map((o) => (o.idempotent ? o.requestId.replace(/-attempt-\d$/, '') : o.requestId)),
      );
      const causations = new Set(added.map((e) => String(e.metadata.causationId)));
      expect(causations.size).toBe(acceptedCommands.size);
      for (const o of accepted.filter((x) => !x.idempotent)) expect(causations.has(o.requestId)).toBe(true);
      // Every accepted answer's ETag names a revision that is in the stream.
      for (const o of accepted) {
        const revision = BigInt(JSON.parse(o.etag!.replace(/^W\//, '')) as string);
        expect(revision).toBeLessThan(BigInt(events.length));
      }
      for (const e of events) if (e.globalPosition > maxPosition) maxPosition = e.globalPosition;
    }

    for (const id of ects) {
      const events = await streamEvents(id);
      // Read-your-writes waits at most 5 s; on a busy machine the projections may need longer.
      let read = await t.http.get(`/api/v1/ects/${id}`);
      for (let tries = 0; tries < 12 && read.body?.revision !== events.length - 1; tries++) {
        read = await t.http
          .get(`/api/v1/ects/${id}`)
          .set('Authorization', `Bearer ${hub}`)
          .set('X-Min-Log-Position', maxPosition.toString());
      }
      expect(read.status).toBe(200);
      const { domain } = t.ledger;
      const state = events.map(domain.toEctEvent).reduce(domain.ect.evolve, domain.ect.initialState());
      const summary = JSON.parse(
        JSON.stringify(domain.summarise(state, londonDate(t.clock.now()))),
      ) as object;
      expect(read.body).toMatchObject(summary);
      expect(read.body.revision).toBe(events.length - 1);
    }
    process.stdout.write(
      `reliability/concurrency: ${CLIENTS} clients, ${outcomes.length} requests, answers ${JSON.stringify(byStatus)}\n`,
    );
  }, 300_000);
});
