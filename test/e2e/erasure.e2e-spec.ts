import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * R23 erasure end to end through the API: the request is recorded (after the 6-year retention), hub staff
 * carry it out, the person's key is shredded, `PersonalDataErased` is on the ECT's record, and no readable
 * copy of their data is left in any read model or CSV export, after a rebuild too. The rest of the history
 * still replays, and the erased TRN (or an erased mentor) cannot be written again: 422, never a 500.
 */
const SCHOOL = { urn: '230001', name: 'Elm Primary', phase: 'primary', localAuthority: 'Kent' };

const ERASED = {
  trn: '7100001',
  firstName: 'Zebedee',
  lastName: 'Quartermaine',
  dateOfBirth: '1998-02-17',
  email: 'zebedee.quartermaine@elm.example',
};
const MENTOR = { name: 'Ottoline Vexley', email: 'ottoline.vexley@elm.example', hasQts: true };
const KEPT = {
  trn: '7100002',
  firstName: 'Keira',
  lastName: 'Stayput',
  dateOfBirth: '1997-05-05',
  email: 'keira.stayput@elm.example',
};
/** Strings that must not be readable anywhere once erased. */
const ERASED_STRINGS = [
  ERASED.trn,
  ERASED.firstName,
  ERASED.lastName,
  ERASED.dateOfBirth,
  ERASED.email,
  MENTOR.name,
  MENTOR.email,
];

const registration = (person: typeof ERASED) => ({
  ...person,
  schoolUrn: SCHOOL.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2025-09-01',
  fte: 1,
  programme: 'provider-led',
  mentor: MENTOR,
  inductionTutor: { name: 'Tam Tutor', email: 'tam.tutor@elm.example', hasQts: true },
});

/** Read models known to hold (or have held) personal data about ECTs and their mentors. */
const READ_MODEL_TABLES = ['ects', 'entitlement_view', 'plan_ects', 'due_item_ects', 'due_items'];

describe('R23 erasure through the API', () => {
  let t: TestLedger;
  let hub: string;
  let tutor: string;
  let position = '0';
  let erasedId: string;
  let keptId: string;
  let mentorId: string;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const at = (date: string) => t.clock.set(`${date}T10:00:00Z`);
  async function post(token: string, path: string, body: object, status = 201) {
    const response = await t.http.post(`/api/v1${path}`).set(auth(token)).send(body);
    if (response.status !== status) {
      throw new Error(`POST ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    if (response.headers['x-log-position']) position = response.headers['x-log-position'] as string;
    return response;
  }
  /** Every projection past the last write, waiting longer than a read's own 5 s (2 shared cores). */
  async function settled() {
    const freshness = new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore);
    const names = t.ledger.projections.map((p) => p.name);
    expect(await freshness.waitFor(BigInt(position), names, 60_000)).toBe(true);
  }
  const get = async (path: string, accept = 'application/json') => {
    await settled();
    return t.http
      .get(`/api/v1${path}`)
      .set(auth(hub))
      .set('Accept', accept)
      .set('X-Min-Log-Position', position)
      .expect(200);
  };
  /** Every row of the read models, as text, once every projection has passed the last write. */
  async function readModelText(): Promise<string> {
    const ds = t.ledger.runtime.dataSource;
    await settled();
    const parts: string[] = [];
    // Every table of every registered projection, plus the notification log (not a projection).
    const tables = new Set([
      ...READ_MODEL_TABLES,
      ...t.ledger.projections.flatMap((p) => p.tables),
      'notifications_sent',
    ]);
    for (const table of tables) {
      const rows = (await ds.query(`SELECT r::text AS row FROM public."${table}" AS r`)) as { row: string }[];
      parts.push(...rows.map((r) => `${table}: ${r.row}`));
    }
    return parts.join('\n');
  }
  /** Fails naming the string and the lines (table rows) it was found in. */
  const expectNoneOf = (text: string, strings: readonly string[]) => {
    const lines = text.split('\n');
    const found = strings.flatMap((s) =>
      lines.filter((line) => line.includes(s)).map((line) => `${s} in ${line.slice(0, 160)}`),
    );
    expect(found).toEqual([]);
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    await post(hub, '/schools', SCHOOL);
    erasedId = (await post(tutor, '/ects', registration(ERASED))).body.id;
    keptId = (await post(tutor, '/ects', registration(KEPT))).body.id;
    await post(tutor, `/ects/${erasedId}/absences`, {
      from: '2025-10-06',
      to: '2025-10-07',
      days: 2,
      reason: 'illness',
    });
    mentorId = await t.ledger.deriveId('contact', MENTOR.email);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('holds the personal data before erasure (the test can see it)', async () => {
    const view = (await get(`/ects/${erasedId}`)).body;
    expect(view).toMatchObject({ trn: ERASED.trn, firstName: ERASED.firstName });
    const text = await readModelText();
    expect(text).toContain(ERASED.lastName);
    expect(text).toContain(MENTOR.name);
  });

  it('R23: refuses while the 6-year retention runs, and without a recorded request', async () => {
    at('2027-01-10');
    const early = await post(hub, `/ects/${erasedId}/erasure-requests`, { subjectId: erasedId }, 422);
    expect(early.body.message[0]).toMatch(/^R23: assessment records are kept for 6 years/);
    const unrequested = await post(
      hub,
      `/people/${erasedId}/erasure`,
      { ectId: erasedId, reason: 'Retention ended' },
      422,
    );
    expect(unrequested.body.message[0]).toMatch(/^R23: no erasure request/);
    expect(await t.ledger.runtime.keyVault.isErased(erasedId)).toBe(false);
  });

  it('R23: erases the ECT and their mentor: key shredded, PersonalDataErased recorded', async () => {
    at('2031-09-01');
    await post(hub, `/ects/${erasedId}/erasure-requests`, { subjectId: erasedId });
    await post(hub, `/ects/${erasedId}/erasure-requests`, { subjectId: mentorId });
    const reason = { ectId: erasedId, reason: 'Retention period ended; ticket 4411' };
    const done = await post(hub, `/people/${erasedId}/erasure`, reason, 200);
    expect(done.headers['x-log-position']).toBeDefined();
    expect(done.headers['location']).toBe(`/api/v1/ects/${erasedId}`);
    await post(hub, `/people/${mentorId}/erasure`, reason, 200);
    // Idempotent: a retry writes nothing new and still answers 200.
    const before = (await t.ledger.runtime.eventStore.readStream(`ect-${erasedId}`)).length;
    await post(hub, `/people/${mentorId}/erasure`, reason, 200);
    const events = await t.ledger.runtime.eventStore.readStream(`ect-${erasedId}`);
    expect(events).toHaveLength(before);

    expect(await t.ledger.runtime.keyVault.isErased(erasedId)).toBe(true);
    expect(await t.ledger.runtime.keyVault.isErased(mentorId)).toBe(true);
    expect(await t.ledger.runtime.keyVault.isErased(keptId)).toBe(false);
    const erasures = events.filter((e) => e.type === 'PersonalDataErased');
    expect(erasures.map((e) => e.data)).toEqual([
      { subjectId: erasedId, erasedOn: '2031-09-01' },
      { subjectId: mentorId, erasedOn: '2031-09-01' },
    ]);
    // Past events read back with the person's fields null (crypto-shredding), the rest intact.
    const registered = events.find((e) => e.type === 'EctRegistered')!;
    const personal = (registered.data as { personal: Record<string, unknown> }).personal;
    expect(personal[erasedId]).toBeNull();
    expect(personal[mentorId]).toBeNull();
    expect((registered.data as { startDate: string }).startDate).toBe('2025-09-01');
  });

  it('R23: no readable personal data remains in the read models or the CSV export', async () => {
    const view = (await get(`/ects/${erasedId}`)).body;
    expect(view).toMatchObject({ id: erasedId, trn: null, firstName: null, lastName: null });
    expect(view.startDate).toBe('2025-09-01');
    expect(view.absence).toMatchObject({ year1Days: 2 });
    expectNoneOf(JSON.stringify(view), ERASED_STRINGS);

    const csv = await get('/ects?pageSize=100', 'text/csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain(KEPT.lastName);
    expectNoneOf(csv.text, ERASED_STRINGS);

    const list = (await get('/ects?pageSize=100')).body;
    expectNoneOf(JSON.stringify(list), ERASED_STRINGS);
    const plan = (await get(`/ects/${keptId}/plan`)).body;
    expectNoneOf(JSON.stringify(plan), ERASED_STRINGS);

    // The mentor is in the kept ECT's rows too: redacted there as well, the kept ECT's own data intact.
    const text = await readModelText();
    expectNoneOf(text, ERASED_STRINGS);
    expect(text).toContain(KEPT.lastName);
  });

  it('R23: after a rebuild of every read model the history still replays and nothing comes back', async () => {
    const ds = t.ledger.runtime.dataSource;
    for (const projection of t.ledger.projections) {
      await rebuildProjection(ds, t.ledger.runtime.eventStore, projection);
    }
    expectNoneOf(await readModelText(), ERASED_STRINGS);
    const view = (await get(`/ects/${erasedId}`)).body;
    expect(view).toMatchObject({
      trn: null,
      firstName: null,
      startDate: '2025-09-01',
      status: 'in-progress',
    });
    expect((await get(`/ects/${keptId}`)).body).toMatchObject({ firstName: KEPT.firstName, trn: KEPT.trn });
  }, 300_000);

  it('R23: the erased TRN, or the erased mentor, cannot be registered again: 422, not 500', async () => {
    const again = await post(tutor, '/ects', registration(ERASED), 422);
    expect(again.body.message[0]).toMatch(/^R23: /);
    const withErasedMentor = await post(
      tutor,
      '/ects',
      registration({ ...KEPT, trn: '7100003', email: 'new.ect@elm.example' }),
      422,
    );
    expect(withErasedMentor.body.message[0]).toMatch(/^R23: /);
  });
});
