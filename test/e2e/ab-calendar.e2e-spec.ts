import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { rebuildProjections } from '#read-models/runner/projection-rebuild.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { createLedgerDomain, refreshCalendar } from '../../apps/api/src/domain/ledger-domain.js';
import { ledgerProjections } from '../../apps/worker/src/projections.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 4 / R1: hub staff configure an academic year's term dates through the API; the ECT summary, the
 * projections and the deciders all use the calendar the log says, and the read models end equal to a fresh
 * rebuild. Real HTTP, real PostgreSQL (with DATABASE_URL), the worker in the same process.
 */
const SCHOOL = { urn: '230001', name: 'Rowan Primary', phase: 'primary', localAuthority: 'Norfolk' };
const TERMS_2026 = {
  autumn: { start: '2026-09-02', end: '2026-12-18' },
  spring: { start: '2027-01-04', end: '2027-03-26' },
  summer: { start: '2027-04-12', end: '2027-07-21' },
};

/** Every row of every projection table, without the wall-clock columns, in a stable order. */
async function snapshot(dataSource: DataSource, tables: readonly string[]) {
  const result: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = (await dataSource.query(`SELECT * FROM public."${table}"`)) as Record<string, unknown>[];
    result[table] = rows
      .map((row) => {
        const { updated_at: _u, rebuilt_at: _r, created_at: _c, ...rest } = row;
        return JSON.stringify(rest, Object.keys(rest).sort());
      })
      .sort();
  }
  return result;
}

describe('R1: hub staff configure term dates (PUT /api/v1/calendar/academic-years/:year)', () => {
  let t: TestLedger;
  let hub: string;
  let tutor: string;
  let panel: string;
  let ectId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const calendarEvents = async () =>
    (await t.ledger.runtime.dataSource.query(
      `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = 'ab-calendar'`,
    )) as { n: number }[];
  const waitForReadModels = async (position: string) => {
    const names = t.ledger.projections.map((p) => p.name);
    const fresh = await t.app.get(ReadModelFreshness).waitFor(BigInt(position), names, 60_000);
    expect(fresh).toBe(true);
  };
  const planExpectedEnd = async () =>
    (
      (await t.ledger.runtime.dataSource.query('SELECT expected_end FROM plan_ects WHERE ect_id = $1', [
        ectId,
      ])) as { expected_end: string }[]
    )[0]?.expected_end;
  const termFourReviewDue = async () =>
    (
      (await t.ledger.runtime.dataSource.query(
        `SELECT due_by::text AS due FROM due_items WHERE ect_id = $1 AND item_key = 'progress-review.term-4'`,
        [ectId],
      )) as { due: string }[]
    )[0]?.due;

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    panel = await t.token('panel_member');
    await t.http.post('/api/v1/schools').set(auth(hub)).send(SCHOOL).expect(201);
    const registered = await t.http
      .post('/api/v1/ects')
      .set(auth(tutor))
      .send({
        trn: '5100001',
        firstName: 'Robin',
        lastName: 'Calendar',
        dateOfBirth: '1999-03-04',
        email: 'robin@rowan.example',
        schoolUrn: SCHOOL.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'provider-led',
        mentor: { name: 'Mel Mentor', email: 'mel@rowan.example', hasQts: true },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@rowan.example', hasQts: true },
      })
      .expect(201);
    ectId = registered.body.id as string;
    await waitForReadModels(registered.headers['x-log-position'] as string);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the default years to hub staff only (403 for a tutor and a panel member)', async () => {
    await t.http.get('/api/v1/calendar').set(auth(tutor)).expect(403);
    await t.http.get('/api/v1/calendar').set(auth(panel)).expect(403);
    const { body } = await t.http.get('/api/v1/calendar').set(auth(hub)).expect(200);
    expect(body).toMatchObject({ revision: -1, fteTermDays: 65, fteTermDaysSource: 'default' });
    expect(body.items.map((y: { label: string }) => y.label)).toEqual([
      '2024/25',
      '2025/26',
      '2026/27',
      '2027/28',
    ]);
    expect(body.items[2]).toMatchObject({
      academicYear: 2026,
      source: 'default',
      autumn: { start: '2026-09-01', end: '2026-12-31' },
      spring: { start: '2027-01-01', end: '2027-03-28' },
      summer: { start: '2027-03-29', end: '2027-08-31' },
    });
  });

  it('refuses bad input with 400 per field, rule breaches with 422 naming R1, and other roles with 403', async () => {
    const bad = await t.http
      .put('/api/v1/calendar/academic-years/2026')
      .set(auth(hub))
      .send({ autumn: { start: '2026-02-30', end: 'soon' }, spring: 'x' })
      .expect(400);
    const messages = (bad.body as { message: string[] }).message.join(' | ');
    for (const field of ['autumn.start', 'autumn.end', 'spring', 'summer']) expect(messages).toContain(field);
    await t.http.put('/api/v1/calendar/academic-years/2026-28').set(auth(hub)).send(TERMS_2026).expect(400);

    const overlapping = { ...TERMS_2026, spring: { start: '2026-12-10', end: '2027-03-26' } };
    const refused = await t.http
      .put('/api/v1/calendar/academic-years/2026-27')
      .set(auth(hub))
      .send(overlapping)
      .expect(422);
    expect(refused.body.message[0]).toMatch(
      /^R1: Spring term 2026\/27 must start after the autumn term ends/,
    );
    const ended = await t.http
      .put('/api/v1/calendar/academic-years/2024')
      .set(auth(hub))
      .send({
        autumn: { start: '2024-09-02', end: '2024-12-20' },
        spring: { start: '2025-01-06', end: '2025-04-04' },
        summer: { start: '2025-04-22', end: '2025-07-22' },
      })
      .expect(422);
    expect(ended.body.message[0]).toMatch(/^R1: .*ended on .*cannot change/);

    await t.http.put('/api/v1/calendar/academic-years/2026').set(auth(tutor)).send(TERMS_2026).expect(403);
    await t.http.put('/api/v1/calendar/academic-years/2026').set(auth(panel)).send(TERMS_2026).expect(403);
    expect(await calendarEvents()).toEqual([{ n: 0 }]);
  });

  it('records the dates once (retries are idempotent), and the ECT summary and read models follow them', async () => {
    const before = (await t.http.get(`/api/v1/ects/${ectId}`).set(auth(tutor)).expect(200)).body;
    expect(before).toMatchObject({ expectedEndDate: '2027-08-31' });
    expect(await planExpectedEnd()).toBe('2027-08-31');
    expect(await termFourReviewDue()).toBe('2026-12-31');

    const first = await t.http
      .put('/api/v1/calendar/academic-years/2026-27')
      .set(auth(hub))
      .set('Idempotency-Key', 'calendar-2026')
      .send(TERMS_2026)
      .expect(200);
    expect(first.body).toMatchObject({ id: '2026', revision: 0 });
    expect(first.headers['etag']).toBe('"0"');
    const retry = await t.http
      .put('/api/v1/calendar/academic-years/2026-27')
      .set(auth(hub))
      .set('Idempotency-Key', 'calendar-2026')
      .send(TERMS_2026)
      .expect(200);
    expect(retry.body).toEqual(first.body);
    // The same dates again, without the key: nothing new to record.
    const again = await t.http.put('/api/v1/calendar/academic-years/2026').set(auth(hub)).send(TERMS_2026);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ revision: 0 });
    expect(await calendarEvents()).toEqual([{ n: 1 }]);
    const [event] = await t.ledger.runtime.eventStore.readStream('ab-calendar');
    expect(event).toMatchObject({
      type: 'AcademicYearTermDatesSet',
      schemaVersion: 1,
      data: { academicYear: 2026, ...TERMS_2026, setOn: '2025-10-01' },
      metadata: { actorRole: 'hub_staff' },
    });

    // A stale If-Match is refused (412) and records nothing.
    await t.http
      .put('/api/v1/calendar/academic-years/2026')
      .set(auth(hub))
      .set('If-Match', '"7"')
      .send({ ...TERMS_2026, summer: { start: '2027-04-12', end: '2027-07-16' } })
      .expect(412);

    const listed = await t.http.get('/api/v1/calendar').set(auth(hub)).expect(200);
    expect(listed.headers['etag']).toBe('"0"');
    expect(listed.body.items.find((y: { academicYear: number }) => y.academicYear === 2026)).toMatchObject({
      source: 'configured',
      setOn: '2025-10-01',
      ...TERMS_2026,
    });

    // The summary works the induction out with the new calendar at once: six terms end with summer 2027.
    const after = (await t.http.get(`/api/v1/ects/${ectId}`).set(auth(tutor)).expect(200)).body;
    expect(after).toMatchObject({ expectedEndDate: '2027-07-21', termsServed: before.termsServed });

    // The worker notices the change and rebuilds the read models with it.
    while (!t.worker.calendar!.rebuilds.some((r) => r.revision === 0n)) await t.worker.calendar!.check();
    await waitForReadModels(first.headers['x-log-position'] as string);
    expect(await planExpectedEnd()).toBe('2027-07-21');
    expect(await termFourReviewDue()).toBe('2026-12-18');
    expect(await t.worker.calendar!.recordedRevision()).toBe(0n);
  });

  it('leaves the read models equal to a fresh rebuild by a process that loads the calendar from the log', async () => {
    const tables = t.ledger.projections.flatMap((p) => p.tables);
    const { dataSource, eventStore } = t.ledger.runtime;
    const live = await snapshot(dataSource, tables);

    const fresh = createLedgerDomain({ hubSchoolUrns: t.ledger.runtime.config.hubSchoolUrns });
    expect(await refreshCalendar(eventStore, fresh)).toBe(true);
    expect(fresh.calendar.academicYearTerms(2026)).toEqual(TERMS_2026);
    await rebuildProjections(dataSource, eventStore, ledgerProjections(fresh));
    const rebuilt = await snapshot(dataSource, tables);

    expect(live).toEqual(rebuilt);
    expect(live['plan_ects']!.join()).toContain('2027-07-21');
  });
  it('sets the FTE term length (400 out of bounds, idempotent) and documents the routes in OpenAPI', async () => {
    const bad = await t.http
      .put('/api/v1/calendar/fte-term-days')
      .set(auth(hub))
      .send({ fteTermDays: 12.5 })
      .expect(400);
    expect(bad.body.message.join(' | ')).toContain('fteTermDays');
    await t.http.put('/api/v1/calendar/fte-term-days').set(auth(tutor)).send({ fteTermDays: 63 }).expect(403);
    const set = await t.http
      .put('/api/v1/calendar/fte-term-days')
      .set(auth(hub))
      .send({ fteTermDays: 63 })
      .expect(200);
    expect(set.body).toMatchObject({ revision: 1 });
    const again = await t.http
      .put('/api/v1/calendar/fte-term-days')
      .set(auth(hub))
      .send({ fteTermDays: 63 })
      .expect(200);
    expect(again.body).toMatchObject({ revision: 1 });
    const listed = (await t.http.get('/api/v1/calendar').set(auth(hub)).expect(200)).body;
    expect(listed).toMatchObject({ revision: 1, fteTermDays: 63, fteTermDaysSource: 'configured' });
    expect(t.ledger.domain.calendar.fteTermDays).toBe(63);

    const openapi = (await t.http.get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, object>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/calendar',
        '/api/v1/calendar/academic-years/{year}',
        '/api/v1/calendar/fte-term-days',
      ]),
    );
  });
});
