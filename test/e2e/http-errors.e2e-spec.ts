import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Every ECT lifecycle route's refusals: 400 with a message per field, 403 for a role that may not, 404 for an
 * ECT outside the caller's schools (even for writes) or unknown, 412 for a stale If-Match, and 409 / 422
 * (message starting with the rule id) where the domain refuses. None of them writes an event.
 */
const SCHOOL_A = { urn: '230001', name: 'Oak Primary', phase: 'primary', localAuthority: 'Devon' };
const SCHOOL_B = { urn: '230002', name: 'Elm Academy', phase: 'secondary', localAuthority: 'Dorset' };
const UNKNOWN_ID = '9d1f0a52-58a4-4c4e-9a7b-3c2b1d0e9f11';
const ALL_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);

type Who = 'tutor' | 'hub' | 'panel';
interface Route {
  path: string;
  /** Who may call it (the first is used for the 404 / 412 checks). */
  allowed: Who[];
  valid: Record<string, unknown>;
  invalid: Record<string, unknown>;
  message: RegExp;
}

const ROUTES: Route[] = [
  {
    path: 'progress-reviews',
    allowed: ['tutor', 'hub'],
    valid: { term: 1, reviewedOn: '2025-10-01', onTrack: true, strengths: 'a', areasForDevelopment: 'b' },
    invalid: { term: 0, reviewedOn: '2025-13-01', onTrack: 'yes', strengths: '', areasForDevelopment: 'b' },
    message: /^term must be 1 or more/,
  },
  {
    path: 'assessments',
    allowed: ['tutor', 'hub'],
    valid: {
      point: 'year-1',
      assessedOn: '2026-07-01',
      assessor: { role: 'head', email: 'h@oak.example' },
      standards: ALL_MET,
      recommendation: 'satisfactory',
      evidence: 'e',
      signedOn: {},
    },
    invalid: {
      point: 'year-3',
      assessedOn: '2026-07-01',
      assessor: { role: 'mentor', email: 'x' },
      standards: ALL_MET,
      recommendation: 'good',
      evidence: 'e',
      signedOn: {},
    },
    message: /^point must be year-1 or final/,
  },
  {
    path: 'interim-assessments',
    allowed: ['tutor', 'hub'],
    valid: { assessedOn: '2025-10-01', progress: 'p' },
    invalid: { assessedOn: 'yesterday', progress: '' },
    message: /^assessedOn must be a real date/,
  },
  {
    path: 'absences',
    allowed: ['tutor', 'hub'],
    valid: { from: '2025-09-10', to: '2025-09-12', days: 3, reason: 'illness' },
    invalid: { from: '2025-09-10', to: '2025-09-12', days: 2.5, reason: 'holiday' },
    message: /^days must be a whole number/,
  },
  {
    path: 'pause',
    allowed: ['tutor', 'hub'],
    valid: { from: '2025-10-01', reason: 'other' },
    invalid: { from: '2025-10-01', reason: 'sabbatical' },
    message: /^reason must be statutory-leave or other/,
  },
  {
    path: 'resume',
    allowed: ['tutor', 'hub'],
    valid: { from: '2025-10-02' },
    invalid: {},
    message: /^from must be a real date/,
  },
  {
    path: 'extensions',
    allowed: ['hub', 'panel'],
    valid: { terms: 1, reason: 'r', grantedOn: '2025-10-01' },
    invalid: { terms: 'one', reason: 'r', grantedOn: '2025-10-01' },
    message: /^terms must be a number of FTE terms/,
  },
  {
    path: 'outcome',
    allowed: ['hub', 'panel'],
    valid: { decision: 'pass', decidedOn: '2025-10-01', rationale: 'r' },
    invalid: { decision: 'maybe', decidedOn: '2025-10-01', rationale: 'r' },
    message: /^decision must be pass, fail or extend/,
  },
  {
    path: 'transfers',
    allowed: ['tutor', 'hub'],
    valid: { toSchoolUrn: SCHOOL_B.urn, leftOn: '2025-12-31', reason: 'r' },
    invalid: { toSchoolUrn: '12', leftOn: '2025-12-31', reason: 'r' },
    message: /^toSchoolUrn must be 6 digits/,
  },
  {
    path: 'working-patterns',
    allowed: ['tutor', 'hub'],
    valid: { fte: 0.8, from: '2026-01-01' },
    invalid: { fte: 1.2, from: '2026-01-01' },
    message: /^fte must be between 0\.1 and 1\.0/,
  },
  {
    path: 'posts',
    allowed: ['tutor', 'hub'],
    valid: { schoolUrn: SCHOOL_B.urn, startDate: '2026-01-05', fte: 0.2 },
    invalid: { schoolUrn: SCHOOL_B.urn, startDate: '2026-01-05', fte: 0 },
    message: /^fte must be between 0\.1 and 1\.0/,
  },
  {
    path: 'reduction',
    allowed: ['hub'],
    valid: { reducedTo: 3, ectAgreedOn: '2025-09-05', headAdvisedOn: '2025-09-04', reason: 'r' },
    invalid: { reducedTo: 3, reason: '' },
    message: /^reason is required/,
  },
  {
    path: 'representations',
    allowed: ['tutor', 'hub'],
    valid: { summary: 's' },
    invalid: { summary: 7 },
    message: /^summary must be text/,
  },
  {
    path: 'notifications',
    allowed: ['hub'],
    valid: { recipient: 'ect', notifiedOn: '2025-10-01' },
    invalid: { recipient: 'press', notifiedOn: '2025-10-01' },
    message: /^recipient must be ect, head, employer or tra/,
  },
  {
    path: 'appeals',
    allowed: ['hub'],
    valid: { lodgedOn: '2025-10-01' },
    invalid: { lodgedOn: '01/10/2025' },
    message: /^lodgedOn must be a real date/,
  },
  {
    path: 'appeals/determination',
    allowed: ['hub'],
    valid: { outcome: 'upheld', determinedOn: '2025-10-01' },
    invalid: { outcome: 'allowed', determinedOn: '2025-10-01' },
    message: /^outcome must be dismissed or upheld/,
  },
  {
    path: 'mentor',
    allowed: ['tutor', 'hub'],
    valid: { name: 'N', email: 'n@oak.example', from: '2025-10-01' },
    invalid: { name: 'N', email: 'not-an-email', from: '2025-10-01' },
    message: /^email must be an email address/,
  },
  {
    path: 'induction-tutor',
    allowed: ['tutor', 'hub'],
    valid: { name: 'N', email: 'n2@oak.example', from: '2025-10-01' },
    invalid: { name: '', email: 'n2@oak.example', from: '2025-10-01' },
    message: /^name is required/,
  },
  {
    path: 'ab-contact',
    allowed: ['hub'],
    valid: { name: 'C', email: 'c@hub.example' },
    invalid: { name: 'C' },
    message: /^email must be an email address/,
  },
  {
    path: 'corrections/start-date',
    allowed: ['hub'],
    valid: { startDate: '2025-09-02', reason: 'typo' },
    invalid: { startDate: '2025-09-31', reason: 'typo' },
    message: /^startDate must be a real date/,
  },
  {
    path: 'fidelity-checks',
    allowed: ['hub'],
    valid: { checkedOn: '2025-10-01', coversFramework: true, notes: '' },
    invalid: { checkedOn: '2025-10-01', coversFramework: 'yes', notes: '' },
    message: /^coversFramework must be true or false/,
  },
  {
    path: 'timetables',
    allowed: ['tutor', 'hub'],
    valid: { from: '2025-09-01', percentOfMainPayRangeTimetable: 90 },
    invalid: { from: '2025-09-01', percentOfMainPayRangeTimetable: 120 },
    message: /^percentOfMainPayRangeTimetable must be above 0 and at most 100/,
  },
  {
    path: 'assessment-access',
    allowed: ['hub'],
    valid: { name: 'M', email: 'm@hub.example', role: 'moderator' },
    invalid: { name: 'M', email: 'm@hub.example' },
    message: /^role is required/,
  },
  {
    path: 'erasure-requests',
    allowed: ['hub'],
    valid: { subjectId: UNKNOWN_ID },
    invalid: { subjectId: 'me' },
    message: /^subjectId must be a subject id/,
  },
];

describe('HTTP errors of the ECT lifecycle routes', () => {
  let t: TestLedger;
  const tokens: Record<Who | 'tutorB' | 'moderator', string> = {} as never;
  let ectId: string;
  let leaveId: string;

  const auth = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
  /**
   * Every committed event. Not readAll: it is gap-free, so an event committed a moment ago stays invisible
   * to it while an older transaction (the projection runner's) is open, which made before/after counts racy.
   */
  const eventCount = async () =>
    Number(
      (await t.ledger.runtime.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))
        .rows[0]!.n,
    );
  const streamLength = async () => (await t.ledger.runtime.eventStore.readStream(`ect-${ectId}`)).length;
  const send = (who: keyof typeof tokens, path: string, body: object, id = ectId) =>
    t.http.post(`/api/v1/ects/${id}/${path}`).set(auth(who)).send(body);

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
    tokens.hub = await t.token('hub_staff');
    tokens.panel = await t.token('panel_member');
    tokens.tutor = await t.token('induction_tutor', [SCHOOL_A.urn]);
    tokens.tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    tokens.moderator = await t.token('moderator');
    for (const school of [SCHOOL_A, SCHOOL_B]) {
      await t.http.post('/api/v1/schools').set(auth('hub')).send(school).expect(201);
    }
    const created = await t.http
      .post('/api/v1/ects')
      .set(auth('tutor'))
      .send({
        trn: '8000001',
        firstName: 'Eli',
        lastName: 'Error',
        dateOfBirth: '1997-05-06',
        email: 'eli@oak.example',
        schoolUrn: SCHOOL_A.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'school-led',
        mentor: { name: 'Mo Mentor', email: 'mo.mentor@oak.example' },
        inductionTutor: { name: 'Tu Tutor', email: 'tu.tutor@oak.example' },
      })
      .expect(201);
    ectId = created.body.id;
    t.clock.set('2025-10-01T09:00:00Z');
    const leave = await send('tutor', 'absences', {
      from: '2025-09-15',
      to: '2025-09-19',
      days: 5,
      reason: 'maternity',
    }).expect(201);
    leaveId = (leave.headers['location'] as string).split('/').at(-1)!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(ROUTES.map((r) => [r.path, r] as const))(
    'POST /ects/:id/%s: 400, 403, 404, 412, and nothing written',
    async (_path, route) => {
      const before = await eventCount();
      const who = route.allowed[0]!;

      const bad = await send(who, route.path, route.invalid).expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(bad.body.message).toEqual(expect.arrayContaining([expect.stringMatching(route.message)]));
      const extra = await send(who, route.path, { ...route.valid, admin: true }).expect(400);
      expect(extra.body.message).toContain('admin is not a field this request accepts');

      await send('moderator', route.path, route.valid).expect(403);
      for (const role of ['tutor', 'hub', 'panel'] as const) {
        if (!route.allowed.includes(role)) await send(role, route.path, route.valid).expect(403);
      }

      const outOfScope = route.allowed.includes('tutor') ? 'tutorB' : who;
      const hidden = await send(
        outOfScope,
        route.path,
        route.valid,
        route.allowed.includes('tutor') ? ectId : UNKNOWN_ID,
      ).expect(404);
      expect(hidden.body.message[0]).toMatch(/^No ECT with id/);
      await send(who, route.path, route.valid, 'not-a-uuid').expect(404);

      const stale = await send(who, route.path, route.valid).set('If-Match', '"999"').expect(412);
      expect(stale.body.message[0]).toMatch(/revision/);

      expect(await eventCount()).toBe(before);
    },
  );

  it.each([
    [
      'progress-reviews',
      { term: 3, reviewedOn: '2026-05-01', onTrack: true, strengths: 'a', areasForDevelopment: 'b' },
      'R11',
    ],
    [
      'assessments',
      {
        point: 'year-1',
        assessedOn: '2026-07-01',
        assessor: { role: 'head', email: 'h@oak.example' },
        standards: { ...ALL_MET, ECF1: 'met' },
        recommendation: 'satisfactory',
        evidence: 'e',
        signedOn: { inductionTutor: '2026-07-01', head: '2026-07-01', ect: '2026-07-01' },
      },
      'R12',
    ],
    [
      'assessments',
      {
        point: 'year-1',
        assessedOn: '2026-07-01',
        assessor: { role: 'induction-tutor', email: 'mo.mentor@oak.example' },
        standards: ALL_MET,
        recommendation: 'satisfactory',
        evidence: 'e',
        signedOn: { inductionTutor: '2026-07-01', head: '2026-07-01', ect: '2026-07-01' },
      },
      'R12',
    ],
    [
      'assessments',
      {
        point: 'year-1',
        assessedOn: '2026-07-01',
        assessor: { role: 'head', email: 'h@oak.example' },
        standards: ALL_MET,
        recommendation: 'satisfactory',
        evidence: 'e',
        signedOn: { head: '2026-07-01' },
      },
      'R12',
    ],
    [
      'absences',
      { from: '2025-09-22', to: '2025-09-23', days: 2, reason: 'illness', extendForLeave: true },
      'R9',
    ],
    ['extensions', { terms: 20, reason: 'r', grantedOn: '2025-10-01' }, 'R19'],
    ['outcome', { decision: 'pass', decidedOn: '2025-10-01', rationale: 'r' }, 'R16'],
    ['posts', { schoolUrn: SCHOOL_B.urn, startDate: '2025-10-01', fte: 0.5 }, 'R7'],
    ['reduction', { reducedTo: 3, reason: 'prior experience' }, 'R6'],
    ['representations', { summary: 's' }, 'R15'],
    ['notifications', { recipient: 'ect', notifiedOn: '2025-10-01' }, 'R17'],
    ['appeals', { lodgedOn: '2025-10-01' }, 'R18'],
    ['appeals/determination', { outcome: 'upheld', determinedOn: '2025-10-01' }, 'R18'],
    ['corrections/start-date', { startDate: '2025-07-01', reason: 'earlier' }, 'R20'],
    ['erasure-requests', { subjectId: 'PLACEHOLDER' }, 'R23'],
    // R13 is a rule, not a duplicate: nobody owes an interim assessment until the ECT leaves after a term.
    ['interim-assessments', { assessedOn: '2025-10-01', progress: 'p' }, 'R13'],
  ] as const)('POST /ects/:id/%s refused by the domain: 422 starting %#', async (path, body, rule) => {
    const before = await eventCount();
    const payload = 'subjectId' in body ? { subjectId: ectId } : body;
    const response = await send('hub', path, payload).expect(422);
    expect(response.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(response.body.message[0]).toMatch(new RegExp(`^${rule}: `));
    expect(await eventCount()).toBe(before);
  });

  it('409 where the record already says so: a second choice, pause, review or the same mentor', async () => {
    await send('tutor', `absences/${leaveId}/leave-extension-choice`, { extend: true }).expect(201);
    const before = await streamLength();
    const choice = await send('tutor', `absences/${leaveId}/leave-extension-choice`, {
      extend: false,
    }).expect(409);
    expect(choice.body.message[0]).toMatch(/already chosen/);
    await send('tutor', 'resume', { from: '2025-10-02' }).expect(409);
    await send('tutor', 'mentor', {
      name: 'Mo Mentor',
      email: 'mo.mentor@oak.example',
      from: '2025-10-01',
    }).expect(409);
    expect(await streamLength()).toBe(before);

    await send('tutor', 'pause', { from: '2025-10-01', reason: 'other' }).expect(201);
    await send('tutor', 'pause', { from: '2025-10-01', reason: 'other' }).expect(409);
    t.clock.set('2025-12-10T09:00:00Z');
    await send('tutor', 'resume', { from: '2025-10-08' }).expect(201);
    const review = {
      term: 1,
      reviewedOn: '2025-12-10',
      onTrack: true,
      strengths: 'a',
      areasForDevelopment: 'b',
    };
    await send('tutor', 'progress-reviews', review).expect(201);
    const twice = await send('tutor', 'progress-reviews', review).expect(409);
    expect(twice.body.message[0]).toMatch(/already submitted/);
  });

  it('absence sub-routes: 404 for an unknown absence, 400 for a bad choice; the audit trail is scoped and paged', async () => {
    await send('tutor', `absences/${UNKNOWN_ID}/withdrawal`, { reason: 'typo' }).expect(404);
    const bad = await send('tutor', `absences/${leaveId}/leave-extension-choice`, { extend: 'maybe' }).expect(
      400,
    );
    expect(bad.body.message).toContain('extend must be true or false');
    await send('tutor', `absences/${leaveId}/withdrawal`, { reason: '' }).expect(400);
    await send('tutor', `absences/${leaveId}/withdrawal`, { reason: 'Recorded twice' }).expect(201);

    const page = await t.http
      .get(`/api/v1/ects/${ectId}/events?pageSize=1&page=2`)
      .set(auth('tutor'))
      .expect(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 1 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0]).toMatchObject({
      revision: 1,
      actor: expect.any(String),
      actorRole: expect.any(String),
    });
    expect(page.headers['link']).toContain('rel="next"');
    await t.http.get(`/api/v1/ects/${ectId}/events`).set(auth('tutorB')).expect(404);
    await t.http.get(`/api/v1/ects/${ectId}/events?pageSize=501`).set(auth('hub')).expect(400);
    const moderator = await t.http.get(`/api/v1/ects/${ectId}/events`).set(auth('moderator')).expect(200);
    expect(moderator.body.items[0].data.personal[ectId]).toMatchObject({ lastName: 'Error' });
  });

  it('erasure: hub staff only, only once requested on the record (R23)', async () => {
    const before = await eventCount();
    const body = { ectId, reason: 'Retention ended' };
    await t.http.post(`/api/v1/people/${ectId}/erasure`).set(auth('tutor')).send(body).expect(403);
    await t.http.post(`/api/v1/people/${ectId}/erasure`).set(auth('hub')).send({ reason: '' }).expect(400);
    const refused = await t.http
      .post(`/api/v1/people/${ectId}/erasure`)
      .set(auth('hub'))
      .send(body)
      .expect(422);
    expect(refused.body.message[0]).toMatch(/^R23: /);
    await t.http
      .post(`/api/v1/people/${ectId}/erasure`)
      .set(auth('hub'))
      .send({ ...body, ectId: UNKNOWN_ID })
      .expect(404);
    expect(await t.ledger.runtime.keyVault.isErased(ectId)).toBe(false);
    expect(await eventCount()).toBe(before);
  });
});
