import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const SCHOOL_A = { urn: '220001', name: 'Hazel Primary', phase: 'primary', localAuthority: 'Kent' };
const SCHOOL_B = { urn: '220002', name: 'Holly Academy', phase: 'secondary', localAuthority: 'Surrey' };

const REGISTRATION_HEADER =
  'TRN,Date of birth,Induction programme,Induction period start date,First name,Last name,Email,School URN,QTS award date,FTE,Mentor name,Mentor email,Induction tutor name,Induction tutor email';
const registrationRow = (
  trn: string,
  overrides: Partial<Record<'first' | 'start' | 'school' | 'fte', string>> = {},
) =>
  [
    trn,
    '12/04/1998',
    'Provider-led',
    overrides.start ?? '2025-09-01',
    overrides.first ?? 'Kim',
    `Row${trn}`,
    `kim${trn}@hazel.example`,
    overrides.school ?? SCHOOL_A.urn,
    '2025-07-15',
    overrides.fte ?? '1',
    'Max Mentor',
    'max.mentor@hazel.example',
    'Tom Tutor',
    'tom.tutor@hazel.example',
  ].join(',');
const csv = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';

describe('bulk CSV uploads: checked row by row against the domain, applied all or nothing on confirmation', () => {
  let t: TestLedger;
  let hub: string;
  let tutorA: string;
  let tutorB: string;
  let panel: string;

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  /**
   * Every committed event. Not readAll: it is gap-free, so an event committed a moment ago stays invisible
   * to it while an older transaction (the projection runner's) is open, which made before/after counts racy.
   */
  const eventCount = async () =>
    Number(
      (await t.ledger.runtime.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))
        .rows[0]!.n,
    );
  const uploadCsv = (token: string, kind: string, text: string) =>
    t.http.post(`/api/v1/bulk-uploads/${kind}`).set(auth(token)).set('Content-Type', 'text/csv').send(text);

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutorA = await t.token('induction_tutor', [SCHOOL_A.urn]);
    tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    panel = await t.token('panel_member');
    for (const school of [SCHOOL_A, SCHOOL_B]) {
      await t.http.post('/api/v1/schools').set(auth(hub)).send(school).expect(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports every row’s problems, names the missing columns, writes nothing, and offers a CSV of the errors', async () => {
    const before = await eventCount();
    const text = csv(REGISTRATION_HEADER, [
      registrationRow('6000001'),
      '6000002,1998-01-01,School-led,2025-09-01',
      registrationRow('6000003', { first: '"=HYPERLINK(""http://x"")"', start: '31/02/2025', fte: '1.5' }),
      registrationRow('6000001'),
      registrationRow('6000004', { school: SCHOOL_B.urn }),
    ]);
    const response = await uploadCsv(tutorA, 'registrations', text).expect(201);
    expect(response.body).toMatchObject({
      kind: 'registrations',
      status: 'rejected',
      rowCount: 5,
      errorCount: 4,
    });
    const byRow = Object.fromEntries(
      response.body.errors.map((e: { row: number; messages: string[] }) => [e.row, e.messages]),
    );
    expect(byRow[3][0]).toBe(
      'Missing First name, Last name, Email, School URN, QTS award date, FTE, Mentor name, Mentor email, Induction tutor name, Induction tutor email (this service needs them to register an ECT, beyond the DfE columns)',
    );
    expect(byRow[4]).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Induction period start date must be a real date/),
        expect.stringMatching(/^FTE must be between 0\.1 and 1\.0/),
      ]),
    );
    expect(byRow[5]).toEqual(['TRN 6000001 is also on row 2: one row per ECT']);
    expect(byRow[6]).toEqual([`School URN ${SCHOOL_B.urn} is not one of your schools`]);
    expect(byRow[2]).toBeUndefined();
    expect(await eventCount()).toBe(before);

    const errors = await t.http
      .get(`/api/v1/bulk-uploads/${response.body.id}/errors.csv`)
      .set(auth(tutorA))
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const records = parse(errors.text, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r['Row'])).toEqual(['3', '4', '5', '6']);
    expect(records[1]!['First name']).toBe(`'=HYPERLINK("http://x")`);
    expect(records[1]!['Errors']).toMatch(/FTE must be between/);

    await t.http.post(`/api/v1/bulk-uploads/${response.body.id}/confirm`).set(auth(tutorA)).expect(409);
    await t.http.get(`/api/v1/bulk-uploads/${response.body.id}`).set(auth(tutorB)).expect(404);
    expect(await eventCount()).toBe(before);
  });

  it('runs each row through the domain’s rules (R20) without appending, and applies all rows only when confirmed', async () => {
    const before = await eventCount();
    const rejected = await uploadCsv(
      hub,
      'registrations',
      csv(REGISTRATION_HEADER, [registrationRow('6000010', { start: '2025-07-01' })]),
    ).expect(201);
    expect(rejected.body.errors[0].messages[0]).toMatch(/^R20:/);

    const checked = await t.http
      .post('/api/v1/bulk-uploads/registrations')
      .set(auth(tutorA))
      .attach(
        'file',
        Buffer.from(csv(REGISTRATION_HEADER, [registrationRow('6000011'), registrationRow('6000012')])),
        {
          filename: 'ects.csv',
          contentType: 'text/csv',
        },
      )
      .expect(201);
    expect(checked.body).toMatchObject({ status: 'validated', rowCount: 2, validRowCount: 2, errorCount: 0 });
    expect(checked.headers['location']).toBe(`/api/v1/bulk-uploads/${checked.body.id}`);
    expect(await eventCount()).toBe(before);

    const confirmed = await t.http
      .post(`/api/v1/bulk-uploads/${checked.body.id}/confirm`)
      .set(auth(tutorA))
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'applied', appliedRowCount: 2 });
    expect(await eventCount()).toBe(before + 2);
    const list = await t.http
      .get('/api/v1/ects')
      .query({ schoolUrn: SCHOOL_A.urn })
      .set(auth(tutorA))
      .set('X-Min-Log-Position', confirmed.headers['x-log-position'] as string)
      .expect(200);
    expect(list.body.items.map((e: { trn: string }) => e.trn)).toEqual(
      expect.arrayContaining(['6000011', '6000012']),
    );
    const trail = await t.http
      .get(`/api/v1/ects/${list.body.items.find((e: { trn: string }) => e.trn === '6000011').id}/events`)
      .set(auth(tutorA))
      .expect(200);
    expect(trail.body.items[0]).toMatchObject({ type: 'EctRegistered', actorRole: 'induction_tutor' });

    // Confirming again writes nothing more.
    await t.http.post(`/api/v1/bulk-uploads/${checked.body.id}/confirm`).set(auth(tutorA)).expect(200);
    expect(await eventCount()).toBe(before + 2);
  });

  it('applies nothing when a row no longer passes at confirmation (the record changed since the check)', async () => {
    const checked = await uploadCsv(
      tutorA,
      'registrations',
      csv(REGISTRATION_HEADER, [registrationRow('6000020'), registrationRow('6000021')]),
    ).expect(201);
    expect(checked.body.status).toBe('validated');
    // Someone registers the second ECT by hand in the meantime.
    const single = {
      trn: '6000021',
      firstName: 'Kim',
      lastName: 'Hand',
      dateOfBirth: '1998-04-12',
      email: 'kim.hand@hazel.example',
      schoolUrn: SCHOOL_A.urn,
      qtsAwardedOn: '2025-07-15',
      startDate: '2025-09-01',
      fte: 1,
      programme: 'provider-led',
      mentor: { name: 'Max Mentor', email: 'max.mentor@hazel.example' },
      inductionTutor: { name: 'Tom Tutor', email: 'tom.tutor@hazel.example' },
    };
    await t.http.post('/api/v1/ects').set(auth(tutorA)).send(single).expect(201);
    const before = await eventCount();
    const refused = await t.http
      .post(`/api/v1/bulk-uploads/${checked.body.id}/confirm`)
      .set(auth(tutorA))
      .expect(409);
    expect(refused.body.message[0]).toMatch(/^Nothing was applied/);
    expect(refused.body.message[1]).toMatch(/^Row 3: .*open induction/);
    expect(await eventCount()).toBe(before);
    const after = await t.http.get(`/api/v1/bulk-uploads/${checked.body.id}`).set(auth(tutorA)).expect(200);
    expect(after.body).toMatchObject({ status: 'rejected', errorCount: 1, appliedRowCount: 0 });
  });

  it('refuses oversize files and files without the DfE columns', async () => {
    const before = await eventCount();
    const many = csv(
      REGISTRATION_HEADER,
      Array.from({ length: 1001 }, (_, i) => registrationRow(String(7000000 + i))),
    );
    const tooMany = await uploadCsv(hub, 'registrations', many).expect(413);
    expect(tooMany.body.message[0]).toMatch(/more than 1,000 rows/);
    const huge = csv(REGISTRATION_HEADER, [
      registrationRow('6000030', { first: 'x'.repeat(2 * 1024 * 1024) }),
    ]);
    const tooBig = await uploadCsv(hub, 'registrations', huge).expect(413);
    expect(tooBig.body.message[0]).toMatch(/larger than 2 MB/);
    const headless = await uploadCsv(hub, 'registrations', 'TRN,Name\n1234567,Kim\n').expect(400);
    expect(headless.body.message[0]).toMatch(
      /missing: Date of birth, Induction programme, Induction period start date/,
    );
    await t.http.post('/api/v1/bulk-uploads/registrations').set(auth(hub)).send({ trn: '1' }).expect(415);
    await uploadCsv(panel, 'registrations', csv(REGISTRATION_HEADER, [registrationRow('6000031')])).expect(
      403,
    );
    expect(await eventCount()).toBe(before);
  });

  it('records outcomes (pass, release) by TRN and date of birth, checked by R16 before anything is written', async () => {
    t.clock.set('2025-08-20T09:00:00Z');
    const checked = await uploadCsv(
      hub,
      'registrations',
      csv(REGISTRATION_HEADER, [registrationRow('6000040'), registrationRow('6000041')]),
    ).expect(201);
    const confirmed = await t.http.post(`/api/v1/bulk-uploads/${checked.body.id}/confirm`).set(auth(hub));
    const registered = await t.http
      .get('/api/v1/ects')
      .query({ schoolUrn: SCHOOL_A.urn, pageSize: 500 })
      .set(auth(hub))
      .set('X-Min-Log-Position', confirmed.headers['x-log-position'] as string)
      .expect(200);
    const id = registered.body.items.find((e: { trn: string }) => e.trn === '6000040').id as string;
    const standards = Object.fromEntries(
      ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
    );
    const assess = (point: string, on: string) => ({
      point,
      assessedOn: on,
      assessor: { role: 'head', email: 'head@hazel.example' },
      standards,
      recommendation: 'satisfactory',
      evidence: 'Evidence',
      signedOn: { inductionTutor: on, head: on, ect: on },
    });
    t.clock.set('2026-07-06T09:00:00Z');
    await t.http
      .post(`/api/v1/ects/${id}/assessments`)
      .set(auth(hub))
      .send(assess('year-1', '2026-07-01'))
      .expect(201);
    t.clock.set('2027-08-18T09:00:00Z');
    await t.http
      .post(`/api/v1/ects/${id}/assessments`)
      .set(auth(hub))
      .send(assess('final', '2027-08-16'))
      .expect(201);

    const header = 'TRN,Date of birth,Induction period end date,Number of terms,Outcome';
    const early = await uploadCsv(
      panel,
      'outcomes',
      csv(header, ['6000040,12/04/1998,31/08/2027,6,Pass']),
    ).expect(201);
    expect(early.body.errors[0].messages).toEqual(['R16: induction not yet served']);

    t.clock.set('2027-09-01T09:00:00Z');
    const before = await eventCount();
    const mixed = await uploadCsv(
      panel,
      'outcomes',
      csv(header, [
        '6000040,12/04/1998,31/08/2027,6,Pass',
        '6000041,01/01/1990,31/08/2027,6,Release',
        '6999999,12/04/1998,31/08/2027,6,Pass',
        '6000041,12/04/1998,,6,Maybe',
      ]),
    ).expect(201);
    expect(mixed.body.errors.map((e: { row: number; messages: string[] }) => [e.row, e.messages])).toEqual([
      [3, ['Date of birth does not match our record for TRN 6000041']],
      [4, ['No ECT with TRN 6999999 is registered with this AB']],
      [5, ['TRN 6000041 is also on row 3: one row per ECT']],
    ]);
    const fixed = await uploadCsv(
      panel,
      'outcomes',
      csv(header, ['6000040,1998-04-12,2027-08-31,6,pass', '6000041,12/04/1998,2026-12-31,2,released']),
    ).expect(201);
    expect(fixed.body.status).toBe('validated');
    expect(await eventCount()).toBe(before);
    const applied = await t.http
      .post(`/api/v1/bulk-uploads/${fixed.body.id}/confirm`)
      .set(auth(panel))
      .expect(200);
    expect(applied.body.status).toBe('applied');
    expect(await eventCount()).toBe(before + 2);
    const passed = await t.http
      .get(`/api/v1/ects/${id}`)
      .set(auth(hub))
      .set('X-Min-Log-Position', applied.headers['x-log-position'] as string)
      .expect(200);
    expect(passed.body).toMatchObject({
      status: 'passed',
      decision: { outcome: 'pass', decidedOn: '2027-09-01' },
    });
  });
});
