import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const SCHOOL_A = { urn: '210001', name: 'Alder Primary', phase: 'primary', localAuthority: 'Cambridgeshire' };
const SCHOOL_B = { urn: '210002', name: 'Birch Academy', phase: 'secondary', localAuthority: 'Peterborough' };
const HEAD = { role: 'head', name: 'Pat Lane', email: 'head@alder.example' };

describe('POST /api/v1/schools/:urn/contacts: a school names its head, induction tutors and mentors', () => {
  let t: TestLedger;
  let hub: string;
  let tutorA: string;
  let tutorB: string;
  const eventsOf = async (urn: string) =>
    (await t.ledger.runtime.eventStore.readStream(`school-${urn}`)).map((e) => e.type);

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

  it('records the contact once, sealed, and replays a retried Idempotency-Key without appending', async () => {
    const first = await t.http
      .post(`/api/v1/schools/${SCHOOL_A.urn}/contacts`)
      .set('Authorization', `Bearer ${tutorA}`)
      .set('Idempotency-Key', 'head-1')
      .send(HEAD)
      .expect(201);
    const retry = await t.http
      .post(`/api/v1/schools/${SCHOOL_A.urn}/contacts`)
      .set('Authorization', `Bearer ${tutorA}`)
      .set('Idempotency-Key', 'head-1')
      .send(HEAD)
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await eventsOf(SCHOOL_A.urn)).toEqual(['SchoolAdded', 'SchoolContactNamed']);

    const stored = await t.ledger.runtime.storedEventStore.readStream(`school-${SCHOOL_A.urn}`);
    expect(JSON.stringify(stored.at(-1)!.data)).not.toContain('head@alder.example');
    const opened = await t.ledger.runtime.eventStore.readStream(`school-${SCHOOL_A.urn}`);
    expect(JSON.stringify(opened.at(-1)!.data)).toContain('head@alder.example');
  });

  it('answers 409 when the same person is named again in the same role without the key', async () => {
    await t.http
      .post(`/api/v1/schools/${SCHOOL_A.urn}/contacts`)
      .set('Authorization', `Bearer ${hub}`)
      .send({ ...HEAD, email: 'HEAD@alder.example' })
      .expect(409);
    expect(await eventsOf(SCHOOL_A.urn)).toEqual(['SchoolAdded', 'SchoolContactNamed']);
  });

  it('gives a message per field for bad input, 403 for another school, 404 for an unknown one', async () => {
    const bad = await t.http
      .post(`/api/v1/schools/${SCHOOL_B.urn}/contacts`)
      .set('Authorization', `Bearer ${tutorB}`)
      .send({ role: 'caretaker', name: '', email: 'not-an-email', hasQts: 'yes' })
      .expect(400);
    const messages = (bad.body as { message: string[] }).message.join(' | ');
    for (const field of ['role', 'name', 'email', 'hasQts']) expect(messages).toContain(field);

    await t.http
      .post(`/api/v1/schools/${SCHOOL_B.urn}/contacts`)
      .set('Authorization', `Bearer ${tutorA}`)
      .send(HEAD)
      .expect(403);
    await t.http
      .post('/api/v1/schools/299999/contacts')
      .set('Authorization', `Bearer ${hub}`)
      .send(HEAD)
      .expect(404);
    expect(await eventsOf(SCHOOL_B.urn)).toEqual(['SchoolAdded']);
  });
});
