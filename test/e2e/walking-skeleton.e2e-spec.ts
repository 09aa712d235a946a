import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const SCHOOL_A = { urn: '200001', name: 'Alder Primary', phase: 'primary', localAuthority: 'Cambridgeshire' };
const SCHOOL_B = { urn: '200002', name: 'Birch Academy', phase: 'secondary', localAuthority: 'Peterborough' };

const ect = (overrides: Record<string, unknown> = {}) => ({
  trn: '3000001',
  firstName: 'Alex',
  lastName: 'Morgan',
  dateOfBirth: '1998-04-12',
  email: 'alex.morgan@alder.example',
  schoolUrn: SCHOOL_A.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2026-01-05',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Sam Patel', email: 'sam.patel@alder.example' },
  inductionTutor: { name: 'Jo Reed', email: 'jo.reed@alder.example' },
  ...overrides,
});

describe('walking skeleton: HTTP → command bus → decider → event store → projection → query', () => {
  let t: TestLedger;
  let hub: string;
  let tutorA: string;
  let tutorB: string;

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutorA = await t.token('induction_tutor', [SCHOOL_A.urn]);
    tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    for (const school of [SCHOOL_A, SCHOOL_B]) {
      await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(school).expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });
  /**
   * Rows in the log, committed or not yet visible: readAll only returns events below the server's oldest
   * running transaction (gap-free reading), which a neighbouring test's transaction can hold back.
   */
  const storedEventCount = async () =>
    Number(
      (await t.ledger.runtime.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))
        .rows[0]!.n,
    );

  it('registers an ECT and shows it once the position header says the projections have it', async () => {
    const created = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .send(ect())
      .expect(201);
    const { id } = created.body as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers['etag']).toBe('"0"');
    expect(created.headers['location']).toBe(`/api/v1/ects/${id}`);
    const position = created.headers['x-log-position'] as string;
    expect(position).toMatch(/^\d+$/);

    const read = await t.http
      .get(`/api/v1/ects/${id}`)
      .set('Authorization', `Bearer ${tutorA}`)
      .set('X-Min-Log-Position', position)
      .expect(200);
    expect(read.headers['x-read-model-stale']).toBeUndefined();
    expect(read.headers['etag']).toBe('"0"');
    expect(read.body).toMatchObject({
      id,
      trn: '3000001',
      schoolUrn: SCHOOL_A.urn,
      revision: 0,
      status: 'registered',
      fte: 1,
      programme: 'provider-led',
      startDate: '2026-01-05',
      termsRequired: 6,
      termsServed: 0,
      absence: { year1Days: 0, year2Days: 0, extensionDays: 0 },
    });
    expect(read.body.expectedEndDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Array.isArray(read.body.nextDue)).toBe(true);

    const list = await t.http
      .get('/api/v1/ects')
      .query({ schoolUrn: SCHOOL_A.urn })
      .set('Authorization', `Bearer ${hub}`)
      .set('X-Min-Log-Position', position)
      .expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].id).toBe(id);
    expect(list.headers['link']).toContain('rel="first"');
  });

  it('refuses a second registration of the same TRN with 409, and writes nothing', async () => {
    const before = await storedEventCount();
    const response = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .send(ect({ firstName: 'Someone', lastName: 'Else' }))
      .expect(409);
    expect(response.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(response.body.message[0]).toMatch(/open induction|already registered/i);
    expect(await storedEventCount()).toBe(before);
  });

  it('answers a bad TRN, a QTS date after the start and an FTE out of range with 400 and a message per field', async () => {
    const response = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .send(ect({ trn: '12AB', fte: 1.5, email: 'not-an-email' }))
      .expect(400);
    expect(response.body.message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^trn must be 7 digits/),
        expect.stringMatching(/^fte must be between 0\.1 and 1\.0/),
        expect.stringMatching(/^email must be an email address/),
      ]),
    );
    const qts = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .send(ect({ trn: '3000002', qtsAwardedOn: '2026-02-01' }))
      .expect((r) => expect([400, 422]).toContain(r.status));
    expect(qts.body.message.join(' ')).toMatch(/R20/);
  });

  it('refuses unknown fields, and a school that is not on the register', async () => {
    const extra = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send({ ...ect({ trn: '3000003' }), isAdmin: true })
      .expect(400);
    expect(extra.body.message).toContain('isAdmin is not a field this request accepts');
    const unknown = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send(ect({ trn: '3000003', schoolUrn: '999999' }))
      .expect(400);
    expect(unknown.body.message[0]).toMatch(/999999/);
  });

  it('replays the first response for a retried Idempotency-Key and appends nothing', async () => {
    const body = ect({ trn: '3000010', email: 'retry@alder.example' });
    const first = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .set('Idempotency-Key', 'register-3000010')
      .send(body)
      .expect(201);
    const events = await storedEventCount();
    const retry = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .set('Idempotency-Key', 'register-3000010')
      .send(body)
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    expect(retry.headers['x-log-position']).toBe(first.headers['x-log-position']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await storedEventCount()).toBe(events);

    const reused = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .set('Idempotency-Key', 'register-3000010')
      .send({ ...body, firstName: 'Changed' })
      .expect(422);
    expect(reused.body.message[0]).toMatch(/Idempotency-Key/);
  });

  it('answers 412 when If-Match names a revision the stream no longer has', async () => {
    const response = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .set('If-Match', '"7"')
      .send(ect())
      .expect(412);
    expect(response.body.message[0]).toMatch(/revision/);
    await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .set('If-Match', 'seven')
      .send(ect())
      .expect(400);
  });

  it('keeps each school to its own: 404 for another school’s ECT, 403 for registering there, 401 without a token', async () => {
    const created = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorA}`)
      .send(ect({ trn: '3000020', email: 'scope@alder.example' }))
      .expect(201);
    const position = created.headers['x-log-position'] as string;
    await t.http
      .get(`/api/v1/ects/${created.body.id}`)
      .set('Authorization', `Bearer ${tutorB}`)
      .set('X-Min-Log-Position', position)
      .expect(404);
    const others = await t.http
      .get('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorB}`)
      .set('X-Min-Log-Position', position)
      .expect(200);
    expect(others.body.items.every((e: { schoolUrn: string }) => e.schoolUrn === SCHOOL_B.urn)).toBe(true);
    await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${tutorB}`)
      .send(ect({ trn: '3000021' }))
      .expect(403);
    await t.http.get('/api/v1/ects').expect(401);
    await t.http.get('/api/v1/ects').set('Authorization', 'Bearer forged.token.value').expect(401);
    await t.http
      .post('/api/v1/schools')
      .set('Authorization', `Bearer ${tutorA}`)
      .send({ ...SCHOOL_A, urn: '200009' })
      .expect(403);
  });

  it('reports each dependency on /health and serves the OpenAPI document', async () => {
    const health = await t.http.get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    expect(Object.keys(health.body.info)).toEqual(
      expect.arrayContaining(['database', 'eventStore', 'jobs', 'projections']),
    );
    const docs = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/ects', '/api/v1/ects/{id}', '/api/v1/schools']),
    );
  });

  it('keeps personal data out of the stored log: names and TRN are ciphertext there', async () => {
    const stored = await t.ledger.runtime.storedEventStore.readAll({});
    const text = JSON.stringify(
      stored.map((e) => ({ data: e.data, metadata: e.metadata, stream: e.streamId })),
    );
    expect(text).not.toContain('Morgan');
    expect(text).not.toContain('3000001');
    expect(text).not.toContain('alex.morgan@alder.example');
  });
});
