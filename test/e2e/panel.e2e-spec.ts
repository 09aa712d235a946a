import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { expectRebuildKeepsRows } from '../support/rebuild-rows.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * The AB panel (issue 5): cases awaiting a decision with their R16/R17/R18 deadlines, panel meetings with a
 * quorum, R21 conflicts refused, and the decision recorded on the ECT through the ordinary outcome path.
 */
const SCHOOL_A = { urn: '220001', name: 'Alder Primary', phase: 'primary', localAuthority: 'Kent' };
const SCHOOL_B = { urn: '220002', name: 'Birch Academy', phase: 'secondary', localAuthority: 'Kent' };
const ALL_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);
const member = (n: number, schoolUrn?: string) => ({
  personId: `11111111-2222-4333-8444-55555555555${n}`,
  name: `Panel Member ${n}`,
  ...(schoolUrn ? { schoolUrn } : {}),
});

describe('AB panel: cases, meetings and decisions', () => {
  let t: TestLedger;
  let hub: string;
  let panel: string;
  let tutorA: string;
  let position = '0';
  const ects: Record<string, string> = {};

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const at = (date: string) => t.clock.set(`${date}T10:00:00Z`);
  async function post(token: string, path: string, body: object, status = 201, key?: string) {
    const request = t.http.post(`/api/v1${path}`).set(auth(token));
    if (key) request.set('Idempotency-Key', key);
    const response = await request.send(body);
    if (response.status !== status)
      throw new Error(`POST ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    if (response.headers['x-log-position']) position = response.headers['x-log-position'] as string;
    return response;
  }
  const get = (token: string, path: string) =>
    t.http.get(`/api/v1${path}`).set(auth(token)).set('X-Min-Log-Position', position);

  /** An ECT through to the head's final recommendation (R15), as in the lifecycle journeys. */
  async function toRecommendation(trn: string, schoolUrn: string, token: string, recommendation: string) {
    at('2025-08-20');
    const id = (
      await post(token, '/ects', {
        trn,
        firstName: 'Robin',
        lastName: `Panelcase${trn}`,
        dateOfBirth: '1999-03-04',
        email: `ect${trn}@school.example`,
        schoolUrn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'provider-led',
        mentor: { name: 'Mel Mentor', email: 'mel@school.example', hasQts: true },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@school.example', hasQts: true },
      })
    ).body.id as string;
    const review = (term: number, on: string) => {
      at(on);
      return post(token, `/ects/${id}/progress-reviews`, {
        term,
        reviewedOn: on,
        onTrack: true,
        strengths: `Strengths in term ${term}`,
        areasForDevelopment: 'Questioning',
      });
    };
    const assess = (point: string, on: string, rec: string) =>
      post(token, `/ects/${id}/assessments`, {
        point,
        assessedOn: on,
        assessor: { role: 'induction-tutor', email: 'tia@school.example' },
        standards: ALL_MET,
        recommendation: rec,
        evidence: `Evidence for ${point}`,
        signedOn: { inductionTutor: on, head: on, ect: on },
      });
    await review(1, '2025-12-10');
    await review(2, '2026-03-20');
    at('2026-07-06');
    await assess('year-1', '2026-07-01', 'satisfactory');
    await review(4, '2026-12-08');
    await review(5, '2027-03-10');
    at('2027-08-18');
    await assess('final', '2027-08-16', recommendation);
    return id;
  }

  beforeAll(async () => {
    // Reads wait for the projections to pass each write; on a loaded CI machine that can take more than 5 s.
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z', env: { READ_WAIT_TIMEOUT_MS: '60000' } });
    hub = await t.token('hub_staff');
    panel = await t.token('panel_member');
    tutorA = await t.token('induction_tutor', [SCHOOL_A.urn]);
    const tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    for (const school of [SCHOOL_A, SCHOOL_B]) await post(hub, '/schools', school);
    ects['pass'] = await toRecommendation('6100001', SCHOOL_A.urn, tutorA, 'pass');
    ects['fail'] = await toRecommendation('6100002', SCHOOL_B.urn, tutorB, 'fail');
    at('2027-08-20');
    await post(tutorA, `/ects/${ects['pass']}/representations`, { summary: 'I agree with the head' });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists the cases awaiting a decision with their R16 deadline, paged and as CSV', async () => {
    at('2027-08-25');
    const response = await get(panel, '/panel/cases').expect(200);
    expect(response.body.total).toBe(2);
    const pass = response.body.items.find((c: { ectId: string }) => c.ectId === ects['pass']);
    expect(pass).toMatchObject({
      status: 'awaiting-decision',
      recommendation: 'satisfactory',
      schoolUrn: SCHOOL_A.urn,
      receivedOn: '2027-08-18',
      decisionDueBy: '2027-09-16',
      representationsOn: '2027-08-20',
      overdue: false,
      lastName: 'Panelcase6100001',
      notifyBy: null,
      appealBy: null,
    });

    const paged = await get(panel, '/panel/cases?pageSize=1&page=1').expect(200);
    expect(paged.body.items).toHaveLength(1);
    expect(paged.headers['link']).toContain('rel="next"');
    const bySchool = await get(hub, `/panel/cases?schoolUrn=${SCHOOL_B.urn}`).expect(200);
    expect(bySchool.body.items.map((c: { ectId: string }) => c.ectId)).toEqual([ects['fail']]);
    const unsatisfactory = await get(hub, '/panel/cases?recommendation=unsatisfactory').expect(200);
    expect(unsatisfactory.body.total).toBe(1);

    const csv = await get(panel, '/panel/cases').set('Accept', 'text/csv').expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toContain('Decision due by (R16)');
    expect(lines).toHaveLength(3);

    at('2027-09-20');
    const overdue = await get(panel, '/panel/cases?overdue=true').expect(200);
    expect(overdue.body.total).toBe(2);
    at('2027-08-25');
  });

  it('shows the whole case: every review, assessment, recommendation and representation', async () => {
    const file = (await get(panel, `/panel/cases/${ects['pass']}`).expect(200)).body;
    const kinds = file.records.map((r: { kind: string }) => r.kind);
    expect(kinds.filter((k: string) => k === 'progress-review')).toHaveLength(4);
    expect(kinds.filter((k: string) => k === 'formal-assessment')).toHaveLength(2);
    expect(kinds).toContain('recommendation');
    expect(kinds).toContain('representations');
    expect(file.records.find((r: { kind: string }) => r.kind === 'representations').data.summary).toBe(
      'I agree with the head',
    );
    await get(panel, '/panel/cases/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('keeps tutors out and validates every field', async () => {
    await get(tutorA, '/panel/cases').expect(403);
    await get(tutorA, `/panel/cases/${ects['pass']}`).expect(403);
    await post(tutorA, '/panel/meetings', { heldOn: '2027-09-01', members: [member(1)] }, 403);
    const bad = await post(
      hub,
      '/panel/meetings',
      { heldOn: '2027-02-30', quorum: 0, members: [{ personId: 'x', name: '' }] },
      400,
    );
    expect(bad.body.message).toEqual(
      expect.arrayContaining([
        expect.stringContaining('heldOn'),
        'quorum must be between 1 and 20',
        'members.0.personId: personId must be a UUID',
        'members.0.name: name is required',
      ]),
    );
  });

  it('schedules a meeting once per Idempotency-Key, with a quorum of 3 by default, and adds members', async () => {
    const body = {
      heldOn: '2027-09-01',
      members: [member(1), member(2), member(3, SCHOOL_A.urn)],
    };
    const first = await post(hub, '/panel/meetings', body, 201, 'meeting-1');
    const again = await post(hub, '/panel/meetings', body, 201, 'meeting-1');
    expect(again.body.id).toBe(first.body.id);
    ects['meeting'] = first.body.id as string;
    await post(hub, `/panel/meetings/${first.body.id}/members`, { members: [member(4)] });
    await post(hub, `/panel/meetings/${first.body.id}/members`, { members: [member(4)] }, 409);
    await post(
      hub,
      '/panel/meetings/00000000-0000-4000-8000-000000000000/members',
      {
        members: [member(5)],
      },
      404,
    );

    const meetings = (await get(panel, '/panel/meetings').expect(200)).body;
    expect(meetings.total).toBe(1);
    expect(meetings.items[0]).toMatchObject({ meetingId: first.body.id, quorum: 3, heldOn: '2027-09-01' });
    expect(meetings.items[0].members.map((m: { name: string }) => m.name)).toEqual([
      'Panel Member 1',
      'Panel Member 2',
      'Panel Member 3',
      'Panel Member 4',
    ]);
  });

  it('refuses a member from the ECT’s school (R21, 422) and a panel without quorum, writing nothing', async () => {
    at('2027-09-01');
    const meeting = ects['meeting'];
    const decision = {
      ectId: ects['pass'],
      decision: 'pass',
      decidedOn: '2027-09-01',
      rationale: 'All standards met',
    };
    const r21 = await post(
      panel,
      `/panel/meetings/${meeting}/decisions`,
      { ...decision, present: [member(1), member(2), member(3)].map((m) => m.personId) },
      422,
    );
    expect(r21.body.message[0]).toMatch(/^R21:/);
    const quorum = await post(
      panel,
      `/panel/meetings/${meeting}/decisions`,
      { ...decision, present: [member(1), member(2)].map((m) => m.personId) },
      400,
    );
    expect(quorum.body.message[0]).toMatch(/quorum/);
    const invalid = await post(
      panel,
      `/panel/meetings/${meeting}/decisions`,
      { ectId: 'nope', decision: 'maybe', decidedOn: '2027-09-01', present: [] },
      400,
    );
    expect(invalid.body.message).toEqual(
      expect.arrayContaining([
        'ectId must be a UUID',
        'decision must be pass, fail or extend',
        'rationale is required',
        'present must name the members present',
      ]),
    );
    await post(
      tutorA,
      `/panel/meetings/${meeting}/decisions`,
      { ...decision, present: [member(1), member(2), member(4)].map((m) => m.personId) },
      403,
    );
    const view = (await get(hub, `/ects/${ects['pass']}`).expect(200)).body;
    expect(view.status).toBe('awaiting-decision');
  });

  it('records the decision with rationale and dissent on the ECT’s stream, once per Idempotency-Key', async () => {
    const meeting = ects['meeting'];
    const body = {
      ectId: ects['fail'],
      decision: 'fail',
      decidedOn: '2027-09-01',
      rationale: 'Standards TS4 and TS6 not met despite support',
      present: [member(1), member(2), member(4)].map((m) => m.personId),
      dissent: [{ personId: member(4).personId, reason: 'Would extend by one term' }],
    };
    const first = await post(panel, `/panel/meetings/${meeting}/decisions`, body, 201, 'decide-fail');
    const retry = await post(panel, `/panel/meetings/${meeting}/decisions`, body, 201, 'decide-fail');
    expect(retry.headers['x-log-position']).toBe(first.headers['x-log-position']);
    expect(first.headers['location']).toBe(`/api/v1/panel/cases/${ects['fail']}`);

    const trail = (await get(hub, `/ects/${ects['fail']}/events?pageSize=100`).expect(200)).body;
    const decided = trail.items.filter((e: { type: string }) => e.type === 'OutcomeDecided');
    expect(decided).toHaveLength(1);
    expect(decided[0].data).toMatchObject({ outcome: 'fail', rationale: body.rationale });

    const file = (await get(panel, `/panel/cases/${ects['fail']}`).expect(200)).body;
    expect(file.case).toMatchObject({
      status: 'decided',
      outcome: 'fail',
      decidedOn: '2027-09-01',
      decisionDueBy: '2027-09-16',
      notifyBy: '2027-09-06',
      appealBy: '2027-09-29',
      meetingId: meeting,
      present: body.present,
      dissent: body.dissent,
    });
    const awaiting = (await get(panel, '/panel/cases').expect(200)).body;
    expect(awaiting.items.map((c: { ectId: string }) => c.ectId)).toEqual([ects['pass']]);
    const decidedList = (await get(panel, '/panel/cases?status=decided').expect(200)).body;
    expect(decidedList.items[0]).toMatchObject({ ectId: ects['fail'], appealBy: '2027-09-29' });

    // A second decision on the same ECT: the ECT's own decider refuses it (R16), and nothing is appended.
    const again = await post(panel, `/panel/meetings/${meeting}/decisions`, { ...body, dissent: [] }, 422);
    expect(again.body.message[0]).toMatch(/^R16:/);
  });

  it('rebuilds the panel read model to the same rows', async () => {
    await get(hub, '/panel/cases').expect(200);
    const before = await expectRebuildKeepsRows(t, 'panel-cases');
    expect(before['panel_cases']).toHaveLength(2);
  }, 120_000);

  it("offers on a case page only the meetings held since its recommendation arrived, and names a decided case's panel", async () => {
    // A meeting held before the pass case's recommendation (received 18 August 2027) cannot decide it.
    await post(hub, '/panel/meetings', { heldOn: '2027-08-02', members: [member(1), member(2), member(4)] });
    await get(panel, '/panel/meetings').expect(200);
    const web = request.agent(t.app.getHttpServer());
    const signIn = await web.get('/sign-in').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)![1]!;
    await web.post('/sign-in/dev').type('form').send({ _csrf: csrf, role: 'panel_member' }).expect(303);

    const awaiting = (await web.get(`/panel/cases/${ects['pass']}`).expect(200)).text;
    const offered = [...awaiting.matchAll(/Record the decision of the panel meeting on ([^<]+)</g)].map(
      (m) => m[1],
    );
    expect(offered).toEqual(['1 September 2027']);

    const decided = (await web.get(`/panel/cases/${ects['fail']}`).expect(200)).text;
    expect(decided).not.toContain('Record the decision of the panel meeting');
    expect(decided).toContain('Panel Member 4: Would extend by one term');
  });
});
