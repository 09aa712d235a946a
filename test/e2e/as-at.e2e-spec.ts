import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkEntitlements } from '#induction/entitlements/r22-entitlements.js';
import { earlyHelpCausesAt } from '#induction/early-help/early-help-causes.js';
import { drawSample } from '#induction/moderation/moderation-sample.js';
import { moderationForms } from '../support/list-counts.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
} from '#induction/training/training-programme.decider.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import {
  appendHub,
  generateHub,
  type GeneratedEct,
  type GeneratedHub,
} from '#read-models/audit/testing/hub-generator.js';
import { invitationIdOf, surveyToken } from '../../apps/api/src/surveys/survey-links.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { readWholeLog } from '../support/whole-log.js';

/**
 * `?asAt=` on every read-model list (issue 5, R23 audit): the log up to then, replayed with the read model's
 * own handlers. Half a small generated hub is recorded on 10 January, the other half (and a training
 * attendance) on 20 February; a view as at 1 February must show only the first half, as the domain computes
 * it for that date, and a view as at today must equal the live read.
 */
const TODAY = '2026-03-02';
const NOW = `${TODAY}T09:00:00Z`;
const FIRST = '2026-01-10T12:00:00Z';
const SECOND = '2026-02-20T12:00:00Z';
const MID = '2026-02-01';

describe('?asAt= on every read model', () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;
  let partA: GeneratedEct[];
  let partB: GeneratedEct[];
  let inA: Set<string>;
  let attendee: string;

  /** Every event appended while this runs is stamped `at` (the store stamps recorded_at by default). */
  const recordedAt = async <T>(at: string, run: () => Promise<T>): Promise<T> => {
    const ds = t.ledger.runtime.dataSource;
    await ds.query(
      `ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT '${at}'::timestamptz`,
    );
    try {
      return await run();
    } finally {
      await ds.query(`ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT now()`);
    }
  };
  const get = (path: string, query: Record<string, string | number> = {}, bearer = token) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${bearer}`);
  const body = async (path: string, query: Record<string, string | number> = {}) =>
    (await get(path, query).expect(200)).body;

  beforeAll(async () => {
    t = await startTestLedger({ now: NOW });
    token = await t.token('hub_staff');
    hub = generateHub({
      seed: 23,
      schools: 4,
      ects: 40,
      ect: t.ledger.domain.ect,
      school: t.ledger.domain.school,
      calendar: t.ledger.domain.calendar,
      today: TODAY,
    });
    partA = hub.ects.slice(0, 20);
    partB = hub.ects.slice(20);
    inA = new Set(partA.map((e) => e.ectId));
    attendee = partA.find((e) => e.state.phase === 'open')!.ectId;
    const store = t.ledger.runtime.eventStore;
    const training = createTrainingProgrammeDecider(t.ledger.domain.calendar, 2025);
    let programme = training.initialState();
    const decide = (command: TrainingCommand) => {
      const events = training.decide(command, programme);
      programme = events.reduce(training.evolve, programme);
      return events.map((e) => ({
        eventId: randomUUID(),
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data as never,
        metadata: { actor: 'test', correlationId: 'as-at', causationId: 'as-at' },
      }));
    };
    await recordedAt(FIRST, async () => {
      await appendHub(store, { ...hub, ects: partA } as never);
      await store.append(
        trainingProgrammeStreamId(2025),
        decide({
          type: 'PublishTrainingProgramme',
          data: {
            academicYear: 2025,
            on: '2025-07-10',
            events: [
              {
                eventId: 'conf-2025',
                kind: 'induction-conference',
                title: 'Induction conference',
                date: '2025-09-12',
                audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
              },
            ],
          },
        }),
        { expectedRevision: 'no_stream' },
      );
    });
    const last = await recordedAt(SECOND, async () => {
      await appendHub(store, { ...hub, schoolEvents: new Map(), ects: partB } as never);
      return (
        await store.append(
          trainingProgrammeStreamId(2025),
          decide({
            type: 'RecordAttendance',
            data: {
              eventId: 'conf-2025',
              participantId: attendee,
              role: 'ect',
              attended: true,
              on: '2026-02-20',
            },
          }),
          { expectedRevision: 'any' },
        )
      ).globalPosition;
    });
    const fresh = await new ReadModelFreshness(t.ledger.runtime.dataSource, store).waitFor(
      last,
      t.ledger.projections.map((p) => p.name),
      240_000,
    );
    expect(fresh).toBe(true);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  const LISTS: [string, Record<string, string | number>][] = [
    ['/api/v1/ects', { pageSize: 500 }],
    ['/api/v1/entitlements', { pageSize: 500 }],
    ['/api/v1/entitlements/schools', { pageSize: 500 }],
    ['/api/v1/early-help/queue', { status: 'all', pageSize: 500 }],
    ['/api/v1/panel/cases', { status: 'all', pageSize: 500 }],
    ['/api/v1/moderation/queue', { status: 'all', pageSize: 500 }],
    ['/api/v1/moderation/agreement-rates', { pageSize: 500 }],
    ['/api/v1/training/2025/attendance', { pageSize: 500 }],
    ['/api/v1/due-items', { pageSize: 500 }],
  ];

  it('gives the live read for asAt today, as a date or as the current instant', async () => {
    const plans = [`/api/v1/ects/${attendee}/plan`, `/api/v1/schools/${hub.schools[0]!.urn}/plan`];
    for (const [path, query] of [...LISTS, ...plans.map((p) => [p, {}] as const)]) {
      const live = await body(path, query);
      expect({ path, body: await body(path, { ...query, asAt: TODAY }) }).toEqual({ path, body: live });
      expect({ path, body: await body(path, { ...query, asAt: NOW }) }).toEqual({ path, body: live });
    }
  }, 120_000);

  it('shows the ECT register and entitlements as the domain had them then', async () => {
    const register = await body('/api/v1/ects', { pageSize: 500, asAt: MID });
    const registered = (ects: GeneratedEct[]) =>
      ects.filter((e) => e.state.phase !== 'unregistered').map((e) => e.ectId);
    expect(new Set(register.items.map((i: { id: string }) => i.id))).toEqual(new Set(registered(partA)));
    const live = await body('/api/v1/ects', { pageSize: 1 });
    expect(live.total - register.total).toBe(registered(partB).length);

    const entitlements = await body('/api/v1/entitlements', { pageSize: 500, asAt: MID });
    const expected = new Map(
      partA
        .filter((e) => e.state.phase === 'open' || e.state.phase === 'awaiting-decision')
        .map((e) => [
          e.ectId,
          Object.fromEntries(
            checkEntitlements(e.state, MID, t.ledger.domain.calendar).map((c) => [c.entitlement, c.met]),
          ),
        ]),
    );
    const seen = new Map(
      (entitlements.items as { ectId: string; checks: { entitlement: string; met: boolean | null }[] }[]).map(
        (i) => [i.ectId, Object.fromEntries(i.checks.map((c) => [c.entitlement, c.met]))],
      ),
    );
    expect(seen).toEqual(expected);
  });

  it('shows the early-help queue, panel cases, moderation sample, attendance and due items as they stood', async () => {
    const queue = await body('/api/v1/early-help/queue', { pageSize: 500, asAt: MID });
    const atRisk = partA.filter((e) => earlyHelpCausesAt(e.state, MID, t.ledger.domain.calendar).length > 0);
    expect(new Set(queue.items.map((c: { ectId: string }) => c.ectId))).toEqual(
      new Set(atRisk.map((e) => e.ectId)),
    );

    const onlyA = <T extends { ectId: string }>(items: T[]) => items.filter((i) => inA.has(i.ectId));
    const lists: [string, Record<string, string | number>][] = [
      ['/api/v1/panel/cases', { status: 'all', pageSize: 500 }],
      ['/api/v1/due-items', { pageSize: 500 }],
    ];
    for (const [path, query] of lists) {
      const then = await body(path, { ...query, asAt: MID });
      const now = await body(path, query);
      expect(then.items.length).toBeGreaterThan(0);
      expect(now.items.filter((i: { ectId: string }) => !inA.has(i.ectId)).length).toBe(
        now.total - then.total,
      );
      // Neither depends on today: the first half's rows are exactly what they are live.
      expect({ path, items: then.items }).toEqual({ path, items: onlyA(now.items) });
    }

    const sample = await body('/api/v1/moderation/queue', { status: 'all', pageSize: 500, asAt: MID });
    const log = await readWholeLog(t);
    const forms = moderationForms(
      log.filter((event) => event.recordedAt.toISOString() <= `${MID}T23:59:59Z`),
      t.ledger.domain,
    );
    expect(sample.total).toBeGreaterThan(0);
    expect(
      new Map(sample.items.map((f: { formId: string; reason: string }) => [f.formId, f.reason])),
    ).toEqual(drawSample(forms));

    const before = await body('/api/v1/training/2025/attendance', { asAt: MID });
    const after = await body('/api/v1/training/2025/attendance', { asAt: '2026-02-20' });
    expect(before.total).toBe(0);
    expect(after.items).toEqual([
      expect.objectContaining({ eventId: 'conf-2025', participantId: attendee, attended: true }),
    ]);
  });

  it('shows plans as they stood: no plan yet for an ECT registered later', async () => {
    const later = partB.find((e) => e.state.phase === 'open')!.ectId;
    await get(`/api/v1/ects/${later}/plan`, { asAt: MID }).expect(404);
    expect(await body(`/api/v1/ects/${attendee}/plan`, { asAt: MID })).toEqual(
      await body(`/api/v1/ects/${attendee}/plan`),
    );
    const urn = hub.schools[0]!.urn;
    const then = await body(`/api/v1/schools/${urn}/plan`, { asAt: MID });
    const now = await body(`/api/v1/schools/${urn}/plan`);
    expect(then.ects).toEqual(now.ects.filter((e: { ectId: string }) => inA.has(e.ectId)));
    expect(now.ects.length).toBeGreaterThan(then.ects.length);
    const calendar = await get(`/api/v1/schools/${urn}/plan`, { asAt: MID })
      .set('Accept', 'text/calendar')
      .expect(200);
    expect(calendar.text).toContain('BEGIN:VCALENDAR');
  });

  it('scopes an as-at read like the live one', async () => {
    const urn = hub.schools[0]!.urn;
    const tutor = await t.token('induction_tutor', [urn]);
    for (const path of ['/api/v1/ects', '/api/v1/entitlements', '/api/v1/due-items']) {
      const response = await get(path, { pageSize: 500, asAt: MID }, tutor).expect(200);
      expect(response.body.items.length).toBeGreaterThan(0);
      expect(response.body.items.every((i: { schoolUrn: string }) => i.schoolUrn === urn)).toBe(true);
    }
    await get('/api/v1/early-help/queue', { asAt: MID }, tutor).expect(403);
    await get(`/api/v1/schools/${hub.schools[1]!.urn}/plan`, { asAt: MID }, tutor).expect(404);
  });

  it('serves concurrent as-at reads in turn (at most two replays at once), each with the same answer', async () => {
    const one = await body('/api/v1/ects', { pageSize: 500, asAt: MID });
    const many = await Promise.all(
      Array.from({ length: 5 }, () => body('/api/v1/ects', { pageSize: 500, asAt: MID })),
    );
    for (const answer of many) expect(answer).toEqual(one);
  });

  it('shows the school register and a school’s service record as they stood (school-directory, school-service)', async () => {
    const urn = hub.schools[0]!.urn;
    const other = hub.schools[1]!.urn;
    const late = {
      urn: '999123',
      name: 'Aardvark Late Academy',
      phase: 'primary',
      localAuthority: 'Peterborough',
    };
    const post = (path: string, send: object) =>
      t.http.post(path).set('Authorization', `Bearer ${token}`).send(send).expect(201);
    const clinic = (sessionId: string, heldOn: string) =>
      post(`/api/v1/schools/${urn}/service-sessions`, {
        sessionId,
        kind: 'clinic',
        title: 'Drop-in clinic',
        heldOn,
        places: 2,
      });
    await recordedAt(FIRST, () => clinic('clinic-early', '2026-01-20'));
    const last = await recordedAt(SECOND, async () => {
      await post('/api/v1/schools', late);
      return (await clinic('clinic-late', '2026-03-10')).headers['x-log-position'] as string;
    });
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(BigInt(last), ['school-directory', 'school-service'], 120_000);
    expect(fresh).toBe(true);

    // The school added on 20 February is not on the register as at 1 February; the others are as they are live.
    const register = await body('/api/v1/schools', { pageSize: 500 });
    const registerThen = await body('/api/v1/schools', { pageSize: 500, asAt: MID });
    expect(register.items.map((s: { urn: string }) => s.urn)).toContain(late.urn);
    expect(registerThen.items).toEqual(register.items.filter((s: { urn: string }) => s.urn !== late.urn));
    expect(register.total - registerThen.total).toBe(1);
    await get(`/api/v1/schools/${late.urn}`, { asAt: MID }).expect(404);
    expect(await body(`/api/v1/schools/${late.urn}`, { asAt: '2026-02-20' })).toEqual(
      await body(`/api/v1/schools/${late.urn}`),
    );

    // The clinic booked on 20 February is not in the service record as at 1 February, nor a second before it.
    const sessionsOf = (record: { sessions: { sessionId: string }[] }) =>
      record.sessions.map((x) => x.sessionId);
    const path = `/api/v1/schools/${urn}/service-record`;
    expect(sessionsOf(await body(path, { asAt: MID }))).toEqual(['clinic-early']);
    expect(sessionsOf(await body(path, { asAt: '2026-02-20T11:59:59Z' }))).toEqual(['clinic-early']);
    expect(sessionsOf(await body(path, { asAt: SECOND }))).toEqual(['clinic-early', 'clinic-late']);
    expect(sessionsOf(await body(path))).toEqual(['clinic-early', 'clinic-late']);

    // asAt today (date or instant) is the live read.
    for (const [route, query] of [
      ['/api/v1/schools', { pageSize: 500 }],
      [`/api/v1/schools/${late.urn}`, {}],
      [path, {}],
      [path, { year: 2025 }],
    ] as [string, Record<string, string | number>][]) {
      const live = await body(route, query);
      for (const asAt of [TODAY, NOW])
        expect({ route, body: await body(route, { ...query, asAt }) }).toEqual({ route, body: live });
    }

    // Scoped like the live read: a tutor sees their own school, not another's, and no service record.
    const tutor = await t.token('induction_tutor', [urn]);
    const mine = await get('/api/v1/schools', { asAt: MID }, tutor).expect(200);
    expect(mine.body.items.map((s: { urn: string }) => s.urn)).toEqual([urn]);
    await get(`/api/v1/schools/${other}`, { asAt: MID }, tutor).expect(404);
    await get(path, { asAt: MID }, tutor).expect(403);

    // Same validation as every other as-at read.
    for (const route of ['/api/v1/schools', `/api/v1/schools/${urn}`, path]) {
      const bad = await get(route, { asAt: '2026-02-30' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('asAt');
      const future = await get(route, { asAt: '2026-03-03' }).expect(400);
      expect(JSON.stringify(future.body)).toContain('must not be after');
    }
  }, 120_000);

  it('builds the annual survey report and the survey reads from a replay as at then (annual-survey and the rest)', async () => {
    const YEAR = 2025;
    const urn = hub.schools[0]!.urn;
    const freshness = () => new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore);
    const post = (path: string, send: object) =>
      t.http.post(path).set('Authorization', `Bearer ${token}`).send(send).expect(201);
    const questions = [
      { id: 'overall', text: 'How good is the AB service?', kind: 'rating' },
      { id: 'improve', text: 'What could be better?', kind: 'free-text' },
    ];
    await recordedAt(FIRST, async () => {
      await post(`/api/v1/surveys/${YEAR}`, {
        title: 'AB quality survey',
        opensOn: '2026-01-05',
        closesOn: '2026-07-15',
        questions,
      });
      await post(`/api/v1/surveys/${YEAR}/invitations`, {});
    });
    const late = {
      urn: '999124',
      name: 'Zebra Later School',
      phase: 'secondary',
      localAuthority: 'Peterborough',
    };
    const last = await recordedAt(SECOND, async () => {
      const added = (await post('/api/v1/schools', late)).headers['x-log-position'] as string;
      // Invitations go to the schools on the register read model: wait for the new school to be on it.
      expect(await freshness().waitFor(BigInt(added), ['school-directory'], 120_000)).toBe(true);
      await post(`/api/v1/surveys/${YEAR}/invitations`, {});
      const link = surveyToken(t.ledger.runtime.config.apiTokenSecret, invitationIdOf(YEAR, urn, 'head'));
      return (
        await t.http
          .post(`/api/v1/surveys/${YEAR}/responses`)
          .send({ token: link, answers: { overall: 4, improve: 'More clinics' } })
          .expect(201)
      ).headers['x-log-position'] as string;
    });
    expect(
      await freshness().waitFor(
        BigInt(last),
        t.ledger.projections.map((p) => p.name),
        120_000,
      ),
    ).toBe(true);

    const path = `/api/v1/reports/annual-survey/${YEAR}`;
    const live = await body(path);
    const then = await body(path, { asAt: MID });
    // The report's own asAt (service figures as at today or the year's end) is the as-at date in a replay.
    expect(live.asAt).toBe(TODAY);
    expect(then.asAt).toBe(MID);
    // The response and the school's invitations came on 20 February: not known on 1 February.
    expect(live.ab.responded - then.ab.responded).toBe(1);
    expect(then.ab.responded).toBe(0);
    expect(live.ab.invited - then.ab.invited).toBe(2);
    expect(live.schools.map((s: { schoolUrn: string }) => s.schoolUrn)).toContain(late.urn);
    expect(then.schools.map((s: { schoolUrn: string }) => s.schoolUrn)).not.toContain(late.urn);
    // The second half of the ECTs was registered on 20 February, and one clinic booked then.
    const ects = (r: { ab: { service: { ectsByStatus: Record<string, number> } } }) =>
      Object.values(r.ab.service.ectsByStatus).reduce((a, b) => a + b, 0);
    expect(ects(then)).toBeGreaterThan(0);
    expect(ects(then)).toBeLessThan(ects(live));
    const clinics = (r: { schools: { schoolUrn: string; service: { clinics: { sessions: number } } }[] }) =>
      r.schools.find((s) => s.schoolUrn === urn)!.service.clinics.sessions;
    expect(clinics(live) - clinics(then)).toBe(1);
    // asAt now is the live report.
    for (const asAt of [TODAY, NOW]) expect(await body(path, { asAt })).toEqual(live);

    // The survey read routes too.
    const survey = await body(`/api/v1/surveys/${YEAR}`);
    const surveyThen = await body(`/api/v1/surveys/${YEAR}`, { asAt: MID });
    expect({ invited: surveyThen.invited, responded: surveyThen.responded }).toEqual({
      invited: survey.invited - 2,
      responded: survey.responded - 1,
    });
    expect(await body(`/api/v1/surveys/${YEAR}`, { asAt: NOW })).toEqual(survey);
    const respondents = await body(`/api/v1/surveys/${YEAR}/respondents`, { pageSize: 500 });
    const respondentsThen = await body(`/api/v1/surveys/${YEAR}/respondents`, { pageSize: 500, asAt: MID });
    type Respondent = {
      schoolUrn: string;
      schoolName: string | null;
      role: string;
      respondedOn: string | null;
    };
    const key = (r: Respondent) => `${r.schoolUrn}|${r.role}|${r.respondedOn}`;
    expect((respondentsThen.items as Respondent[]).map(key).sort()).toEqual(
      (respondents.items as Respondent[])
        .filter((r) => r.schoolUrn !== late.urn)
        .map((r) => key({ ...r, respondedOn: null }))
        .sort(),
    );
    // The school added on 20 February (invited on 10 January in this log) had no name on the register then.
    expect(
      (respondentsThen.items as Respondent[])
        .filter((r) => r.schoolUrn === '999123')
        .map((r) => r.schoolName),
    ).toEqual([null, null]);
    expect(await body(`/api/v1/surveys/${YEAR}/respondents`, { pageSize: 500, asAt: TODAY })).toEqual(
      respondents,
    );

    // Scoped like the live report: a tutor sees their own school's section only.
    const tutor = await t.token('induction_tutor', [urn]);
    const mine = await get(path, { asAt: MID }, tutor).expect(200);
    expect(mine.body.schools.map((s: { schoolUrn: string }) => s.schoolUrn)).toEqual([urn]);
    await get(`/api/v1/surveys/${YEAR}`, { asAt: MID }, tutor).expect(403);

    // Same validation; a stored run is as at the day it was made, so asAt with run=latest is refused.
    for (const route of [path, `/api/v1/surveys/${YEAR}`, `/api/v1/surveys/${YEAR}/respondents`]) {
      expect(JSON.stringify((await get(route, { asAt: 'yesterday' }).expect(400)).body)).toContain('asAt');
      expect(JSON.stringify((await get(route, { asAt: '2026-03-03' }).expect(400)).body)).toContain(
        'must not be after',
      );
    }
    expect(JSON.stringify((await get(path, { asAt: MID, run: 'latest' }).expect(400)).body)).toContain(
      'run=latest',
    );
  }, 180_000);

  it('answers 400 for an asAt that is not a date or is in the future, and leaves no replay schema behind', async () => {
    for (const asAt of [
      'yesterday',
      '2026-02-30',
      '2026-13-01',
      '2026-02-01T25:00:00Z',
      '2026-02-01T10:00',
    ]) {
      const response = await get('/api/v1/ects', { asAt }).expect(400);
      expect(JSON.stringify(response.body)).toContain('asAt');
    }
    for (const asAt of ['2026-03-03', '2026-03-02T09:00:01Z'])
      expect(JSON.stringify((await get('/api/v1/panel/cases', { asAt }).expect(400)).body)).toContain(
        'must not be after',
      );
    await get('/api/v1/ects', { asAt: '2026-03-02T09:00:00+01:00' }).expect(200);
    const schemas = (await t.ledger.runtime.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'asat_%'`,
    )) as { n: number }[];
    expect(schemas[0]!.n).toBe(0);
  });
});
