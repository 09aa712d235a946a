import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 4's four journeys, entirely through the API, with the test ledger's fixed clock moving time on:
 * (a) a pass, (b) a fail and an appeal, (c) a 0.6 FTE induction with R8 absence and an extension,
 * (d) a transfer between schools.
 */
const SCHOOL_A = { urn: '210001', name: 'Ash Primary', phase: 'primary', localAuthority: 'Norfolk' };
const SCHOOL_B = { urn: '210002', name: 'Beech Academy', phase: 'secondary', localAuthority: 'Suffolk' };
const SCHOOL_C = { urn: '210003', name: 'Cedar School', phase: 'secondary', localAuthority: 'Essex' };

const ALL_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);
const signed = (date: string) => ({ inductionTutor: date, head: date, ect: date });

const registration = (trn: string, overrides: Record<string, unknown> = {}) => ({
  trn,
  firstName: 'Robin',
  lastName: `Teacher${trn}`,
  dateOfBirth: '1999-03-04',
  email: `ect${trn}@ash.example`,
  schoolUrn: SCHOOL_A.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2025-09-01',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Mel Mentor', email: 'mel.mentor@ash.example', hasQts: true },
  inductionTutor: { name: 'Tia Tutor', email: 'tia.tutor@ash.example', hasQts: true },
  ...overrides,
});

const review = (term: number, reviewedOn: string, extra: Record<string, unknown> = {}) => ({
  term,
  reviewedOn,
  onTrack: true,
  strengths: 'Secure subject knowledge',
  areasForDevelopment: 'Questioning',
  ...extra,
});

const assessment = (point: 'year-1' | 'final', assessedOn: string, recommendation: string) => ({
  point,
  assessedOn,
  assessor: { role: 'induction-tutor', email: 'tia.tutor@ash.example' },
  standards: ALL_MET,
  recommendation,
  evidence: 'Observations, planning and pupil work',
  signedOn: signed(assessedOn),
});

describe('induction lifecycle through the API (issue 4 journeys)', () => {
  let t: TestLedger;
  let hub: string;
  let tutorA: string;
  let tutorB: string;
  let panel: string;
  let position = '0';

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
  async function get(token: string, path: string, status = 200) {
    const response = await t.http
      .get(`/api/v1${path}`)
      .set(auth(token))
      .set('X-Min-Log-Position', position)
      .expect(status);
    return response.body;
  }
  async function register(trn: string, overrides: Record<string, unknown> = {}, token = tutorA) {
    return (await post(token, '/ects', registration(trn, overrides))).body.id as string;
  }

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutorA = await t.token('induction_tutor', [SCHOOL_A.urn]);
    tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    panel = await t.token('panel_member');
    for (const school of [SCHOOL_A, SCHOOL_B, SCHOOL_C]) await post(hub, '/schools', school);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('(a) registration → reviews → year-1 → final → recommendation → pass, with the decision deadlines', async () => {
    at('2025-08-20');
    const id = await register('5000001');

    at('2025-12-10');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(1, '2025-12-10'));
    at('2026-03-20');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(2, '2026-03-20'));
    at('2026-07-06');
    await post(tutorA, `/ects/${id}/assessments`, assessment('year-1', '2026-07-01', 'satisfactory'));
    let view = await get(tutorA, `/ects/${id}`);
    expect(view).toMatchObject({ status: 'in-progress', termsServed: 2.62, atRisk: false });
    expect(view.nextDue).toContainEqual({ kind: 'formal-assessment', dueBy: '2027-08-31', detail: 'final' });

    at('2026-12-08');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(4, '2026-12-08'));
    at('2027-03-10');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(5, '2027-03-10'));

    // The final assessment is the head's recommendation (R15): the AB's 20 working days start (R16).
    at('2027-08-18');
    await post(tutorA, `/ects/${id}/assessments`, assessment('final', '2027-08-16', 'pass'));
    view = await get(hub, `/ects/${id}`);
    expect(view.status).toBe('awaiting-decision');
    expect(view.decision).toEqual({
      outcome: null,
      decidedOn: null,
      decisionDueBy: '2027-09-16',
      notifyBy: null,
      appealBy: null,
    });
    expect(view.nextDue).toContainEqual({ kind: 'decision', dueBy: '2027-09-16', detail: 'satisfactory' });

    at('2027-08-20');
    await post(tutorA, `/ects/${id}/representations`, { summary: 'I agree with the recommendation' });

    // R16: no pass before the full length is served (31 Aug 2027).
    const early = await t.http
      .post(`/api/v1/ects/${id}/outcome`)
      .set(auth(panel))
      .send({ decision: 'pass', decidedOn: '2027-08-20', rationale: 'Evidence is strong' })
      .expect(422);
    expect(early.body.message[0]).toBe('R16: induction not yet served');

    at('2027-09-01');
    await post(panel, `/ects/${id}/outcome`, {
      decision: 'pass',
      decidedOn: '2027-09-01',
      rationale: 'Evidence is strong',
    });
    view = await get(tutorA, `/ects/${id}`);
    expect(view.status).toBe('passed');
    expect(view.decision).toEqual({
      outcome: 'pass',
      decidedOn: '2027-09-01',
      decisionDueBy: '2027-09-16',
      notifyBy: '2027-09-06',
      appealBy: null,
    });
    expect(view.nextDue).toEqual([
      { kind: 'notification', dueBy: '2027-09-06', detail: 'ect, head, employer' },
    ]);

    at('2027-09-02');
    for (const recipient of ['ect', 'head', 'employer']) {
      await post(hub, `/ects/${id}/notifications`, { recipient, notifiedOn: '2027-09-02' });
    }
    const tra = await t.http
      .post(`/api/v1/ects/${id}/notifications`)
      .set(auth(hub))
      .send({ recipient: 'tra', notifiedOn: '2027-09-02' })
      .expect(422);
    expect(tra.body.message[0]).toMatch(/^R17:/);
    view = await get(tutorA, `/ects/${id}`);
    expect(view.nextDue).toEqual([]);

    const trail = await get(hub, `/ects/${id}/events?pageSize=500`);
    const types = trail.items.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'EctRegistered',
      'ProgressReviewSubmitted',
      'ProgressReviewSubmitted',
      'FormalAssessmentRecorded',
      'ProgressReviewSubmitted',
      'ProgressReviewSubmitted',
      'FormalAssessmentRecorded',
      'RecommendationReceived',
      'RepresentationsSubmitted',
      'OutcomeDecided',
      'OutcomeNotified',
      'OutcomeNotified',
      'OutcomeNotified',
    ]);
    const decided = trail.items.find((e: { type: string }) => e.type === 'OutcomeDecided');
    expect(decided).toMatchObject({ actorRole: 'panel_member', data: { rationale: 'Evidence is strong' } });
    expect(decided.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('(b) an unsatisfactory induction: support plans, fail (not by an own-school panel member), appeal dismissed', async () => {
    at('2025-08-20');
    const id = await register('5000002');
    at('2025-12-10');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(1, '2025-12-10'));
    at('2026-03-20');
    // R11: not on track needs a support plan.
    const noPlan = await t.http
      .post(`/api/v1/ects/${id}/progress-reviews`)
      .set(auth(tutorA))
      .send(review(2, '2026-03-20', { onTrack: false }))
      .expect(422);
    expect(noPlan.body.message[0]).toMatch(/^R11:/);
    await post(
      tutorA,
      `/ects/${id}/progress-reviews`,
      review(2, '2026-03-20', { onTrack: false, supportPlan: 'Weekly coaching' }),
    );
    at('2026-07-06');
    await post(tutorA, `/ects/${id}/assessments`, assessment('year-1', '2026-07-01', 'unsatisfactory'));
    expect((await get(tutorA, `/ects/${id}`)).atRisk).toBe(true);

    at('2026-12-08');
    const r14 = await t.http
      .post(`/api/v1/ects/${id}/progress-reviews`)
      .set(auth(tutorA))
      .send(review(4, '2026-12-08'))
      .expect(422);
    expect(r14.body.message[0]).toMatch(/^R14:/);
    await post(
      tutorA,
      `/ects/${id}/progress-reviews`,
      review(4, '2026-12-08', { supportPlan: 'Revised plan' }),
    );

    at('2027-08-18');
    await post(tutorA, `/ects/${id}/assessments`, assessment('final', '2027-08-16', 'fail'));

    at('2027-09-01');
    const ownSchool = await t.http
      .post(`/api/v1/ects/${id}/outcome`)
      .set(auth(panel))
      .send({
        decision: 'fail',
        decidedOn: '2027-09-01',
        rationale: 'Standards not met',
        panelMemberSchoolUrn: SCHOOL_A.urn,
      })
      .expect(422);
    expect(ownSchool.body.message[0]).toMatch(/^R21:/);
    await t.http
      .post(`/api/v1/ects/${id}/outcome`)
      .set(auth(tutorA))
      .send({ decision: 'fail', decidedOn: '2027-09-01', rationale: 'Standards not met' })
      .expect(403);
    await post(panel, `/ects/${id}/outcome`, {
      panelMemberSchoolUrn: SCHOOL_C.urn,
      decision: 'fail',
      decidedOn: '2027-09-01',
      rationale: 'Standards not met',
    });
    let view = await get(hub, `/ects/${id}`);
    expect(view.status).toBe('failed');
    expect(view.decision).toMatchObject({ outcome: 'fail', notifyBy: '2027-09-06', appealBy: '2027-09-29' });
    expect(view.failFinalOn).toBeNull();

    at('2027-09-03');
    for (const recipient of ['ect', 'head', 'employer', 'tra']) {
      await post(hub, `/ects/${id}/notifications`, { recipient, notifiedOn: '2027-09-03' });
    }
    at('2027-09-20');
    await post(hub, `/ects/${id}/appeals`, { lodgedOn: '2027-09-20' });
    const twice = await t.http
      .post(`/api/v1/ects/${id}/appeals`)
      .set(auth(hub))
      .send({ lodgedOn: '2027-09-21' })
      .expect(409);
    expect(twice.body.message[0]).toMatch(/already lodged/);
    at('2027-11-01');
    await post(hub, `/ects/${id}/appeals/determination`, {
      outcome: 'dismissed',
      determinedOn: '2027-11-01',
    });
    view = await get(hub, `/ects/${id}`);
    expect(view).toMatchObject({
      status: 'failed',
      failFinalOn: '2027-11-01',
      employmentEndsBy: '2027-11-15',
    });

    // One induction per person (R20): a failed TRN cannot be registered again.
    const again = await t.http
      .post('/api/v1/ects')
      .set(auth(tutorA))
      .send(registration('5000002'))
      .expect(422);
    expect(again.body.message[0]).toMatch(/^R20:/);
  });

  it('(c) 0.6 FTE with 30 days’ absence (R8 automatic extension, R10 notice) and an AB extension (R19)', async () => {
    at('2025-08-20');
    const id = await register('5000003', { fte: 0.6, email: 'ect5000003@ash.example' });
    let view = await get(tutorA, `/ects/${id}`);
    expect(view).toMatchObject({ fte: 0.6, termsRequired: 6, expectedEndDate: '2028-12-31' });

    at('2025-12-01');
    const absence = await post(tutorA, `/ects/${id}/absences`, {
      from: '2025-10-01',
      to: '2025-11-30',
      days: 30,
      reason: 'illness',
    });
    expect(absence.headers['location']).toMatch(new RegExp(`^/api/v1/ects/${id}/absences/[0-9a-f-]{36}$`));
    view = await get(tutorA, `/ects/${id}`);
    expect(view).toMatchObject({
      absence: { year1Days: 30, year2Days: 0, extensionDays: 30 },
      termsRequired: 6.46,
      expectedEndDate: '2029-03-11',
      headNoticeYears: [1],
    });

    // R9: statutory leave never counts towards R8; the ECT's choice is recorded on the absence.
    at('2026-02-10');
    const leave = await post(tutorA, `/ects/${id}/absences`, {
      from: '2026-01-05',
      to: '2026-02-06',
      days: 10,
      reason: 'carers',
    });
    const leaveId = (leave.headers['location'] as string).split('/').at(-1)!;
    view = await get(tutorA, `/ects/${id}`);
    expect(view.leaveChoicesPending).toEqual([leaveId]);
    expect(view.absence.year1Days).toBe(30);
    await post(tutorA, `/ects/${id}/absences/${leaveId}/leave-extension-choice`, { extend: false });
    view = await get(tutorA, `/ects/${id}`);
    expect(view.leaveChoicesPending).toEqual([]);
    expect(view.termsRequired).toBe(6.46);

    at('2026-03-20');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(2, '2026-03-20'));

    at('2026-09-01');
    await post(hub, `/ects/${id}/extensions`, {
      terms: 1,
      reason: 'Further support agreed',
      grantedOn: '2026-09-01',
    });
    view = await get(tutorA, `/ects/${id}`);
    expect(view.termsRequired).toBe(7.46);
    expect(view.expectedEndDate > '2029-03-11').toBe(true);
    const bad = await t.http
      .post(`/api/v1/ects/${id}/extensions`)
      .set(auth(hub))
      .send({ terms: 20, reason: 'Too long', grantedOn: '2026-09-01' })
      .expect(422);
    expect(bad.body.message[0]).toMatch(/^R19:/);

    // A change of working pattern accrues pro rata from its date.
    await post(tutorA, `/ects/${id}/working-patterns`, { fte: 0.8, from: '2026-09-01' });
    view = await get(tutorA, `/ects/${id}`);
    expect(view.fte).toBe(0.8);
  });

  it('(d) a transfer between schools moves the ECT to the new school’s tutors and calls for an interim assessment', async () => {
    at('2025-08-20');
    const id = await register('5000004', { email: 'ect5000004@ash.example' });
    at('2025-12-10');
    await post(tutorA, `/ects/${id}/progress-reviews`, review(1, '2025-12-10'));

    const unregistered = await t.http
      .post(`/api/v1/ects/${id}/transfers`)
      .set(auth(tutorA))
      .send({ toSchoolUrn: '299999', leftOn: '2025-12-31', reason: 'Moving' })
      .expect(400);
    expect(unregistered.body.message[0]).toMatch(/^toSchoolUrn: .*299999/);

    at('2026-01-05');
    await post(tutorA, `/ects/${id}/transfers`, {
      toSchoolUrn: SCHOOL_B.urn,
      leftOn: '2025-12-31',
      reason: 'Moving',
    });
    let view = await get(tutorB, `/ects/${id}`);
    expect(view).toMatchObject({ schoolUrn: SCHOOL_B.urn, interimAssessmentRequired: true, termsServed: 1 });
    await get(tutorA, `/ects/${id}`, 404);
    await t.http
      .post(`/api/v1/ects/${id}/progress-reviews`)
      .set(auth(tutorA))
      .send(review(2, '2026-03-20'))
      .expect(404);

    at('2026-01-09');
    await post(hub, `/ects/${id}/interim-assessments`, {
      assessedOn: '2026-01-08',
      progress: 'On track at Ash',
    });
    at('2026-03-20');
    await post(tutorB, `/ects/${id}/progress-reviews`, review(2, '2026-03-20'));
    await post(tutorB, `/ects/${id}/mentor`, {
      name: 'Bea Mentor',
      email: 'bea.mentor@beech.example',
      hasQts: true,
      from: '2026-01-01',
    });
    view = await get(tutorB, `/ects/${id}`);
    // R5: the new post counts only once it has lasted a calendar term; then the whole term counts.
    expect(view).toMatchObject({ interimAssessmentRequired: false, termsServed: 1, status: 'in-progress' });
    at('2026-04-07');
    expect((await get(tutorB, `/ects/${id}`)).termsServed).toBeCloseTo(2, 1);

    const trail = await get(tutorB, `/ects/${id}/events`);
    expect(trail.items.map((e: { type: string }) => e.type)).toEqual([
      'EctRegistered',
      'ProgressReviewSubmitted',
      'EctTransferred',
      'InterimAssessmentRecorded',
      'ProgressReviewSubmitted',
      'MentorChanged',
    ]);
    const transfer = trail.items[2];
    expect(transfer).toMatchObject({
      actorRole: 'induction_tutor',
      data: { toSchoolUrn: SCHOOL_B.urn, reason: 'Moving' },
    });
  });
});
