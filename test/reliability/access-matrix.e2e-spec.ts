import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { createLogger } from '#platform/logging/logger.js';
import { guardedRoutes, type GuardedRoute } from '../../apps/api/src/auth/route-table.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 10, access: a matrix generated from the route table (Nest's own, `guardedRoutes`, the same one the
 * OpenAPI document's security is derived from) — every route × who (tutor of school A, tutor of school B, panel
 * member, moderator, hub staff, nobody) × a record of school A or school B, with real records behind each path
 * parameter kind. Every route must be classified (`CLASSIFIED`): a new route fails the test until it is.
 * Expected: 401 without a token; 403 for a role the route does not allow; for a tutor, another school's ECT,
 * school or upload answers 404 to a read and 403/404 to a valid write, with no event written, and no answer
 * (lists and reports included, with or without a school filter) holds anything of another school's ECT; the
 * tutor's own records answer; AB-wide roles see both schools. The OpenAPI security of each route matches its
 * guard; every response carries the security headers; and the service's own log (captured at debug level)
 * never holds a token, a secret, a password or an ECT's personal data.
 */
const SCHOOL_A = { urn: '330001', name: 'Alder Primary', phase: 'primary', localAuthority: 'Bath' };
const SCHOOL_B = { urn: '330002', name: 'Beech Academy', phase: 'secondary', localAuthority: 'Hull' };
const SECRETS = {
  API_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  PII_MASTER_KEY: randomBytes(32).toString('base64'),
  NOTIFY_API_KEY: `matrixtest-${randomBytes(16).toString('hex')}-${randomBytes(16).toString('hex')}`,
};
const DB_PASSWORD = `pw${randomBytes(9).toString('hex')}`;
const UNKNOWN = '9d1f0a52-58a4-4c4e-9a7b-3c2b1d0e9f11';
const MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);

/** A valid body per write route (so a refusal is about scope, not shape); others may also answer 400. */
const VALID: Record<string, object> = {
  'progress-reviews': {
    term: 1,
    reviewedOn: '2025-10-01',
    onTrack: true,
    strengths: 'a',
    areasForDevelopment: 'b',
  },
  assessments: {
    point: 'year-1',
    assessedOn: '2026-07-01',
    assessor: { role: 'head', email: 'h@alder.example' },
    standards: MET,
    recommendation: 'satisfactory',
    evidence: 'e',
    signedOn: {},
  },
  'interim-assessments': { assessedOn: '2025-10-01', progress: 'p' },
  absences: { from: '2025-09-10', to: '2025-09-12', days: 3, reason: 'illness' },
  pause: { from: '2025-10-01', reason: 'other' },
  resume: { from: '2025-10-02' },
  extensions: { terms: 1, reason: 'r', grantedOn: '2025-10-01' },
  outcome: { decision: 'pass', decidedOn: '2025-10-01', rationale: 'r' },
  transfers: { toSchoolUrn: SCHOOL_A.urn, leftOn: '2025-12-31', reason: 'r' },
  'working-patterns': { fte: 0.8, from: '2026-01-01' },
  posts: { schoolUrn: SCHOOL_A.urn, startDate: '2026-01-05', fte: 0.2 },
  reduction: { reducedTo: 3, ectAgreedOn: '2025-09-05', headAdvisedOn: '2025-09-04', reason: 'r' },
  representations: { summary: 's' },
  notifications: { recipient: 'ect', notifiedOn: '2025-10-01' },
  appeals: { lodgedOn: '2025-10-01' },
  'appeals/determination': { outcome: 'upheld', determinedOn: '2025-10-01' },
  mentor: { name: 'N', email: 'n@alder.example', from: '2025-10-01' },
  'induction-tutor': { name: 'N', email: 'n2@alder.example', from: '2025-10-01' },
  'ab-contact': { name: 'C', email: 'c@hub.example' },
  'corrections/start-date': { startDate: '2025-09-02', reason: 'typo' },
  'fidelity-checks': { checkedOn: '2025-10-01', coversFramework: true, notes: '' },
  timetables: { from: '2025-09-01', percentOfMainPayRangeTimetable: 90 },
  'assessment-access': { name: 'M', email: 'm@hub.example', role: 'moderator' },
  'erasure-requests': { subjectId: UNKNOWN },
  'absences/{absenceId}/leave-extension-choice': { extend: true },
  'absences/{absenceId}/withdrawal': { reason: 'r' },
};

type Who = 'tutorA' | 'tutorB' | 'panel' | 'moderator' | 'hub' | 'none';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Every route the guard protects, by the kind of record its path names. The matrix below is generated from
 * Nest's route table (`guardedRoutes`): a route missing here fails the test, so a new route cannot escape it.
 * - `ect`: the path names one ECT ({id}, {ectId}, {subjectId} = an ECT of the school under test);
 * - `school`: the path names a school ({urn});
 * - `upload`: a bulk upload of the school ({id});
 * - `list`: lists and reports across schools: a tutor's answer must hold nothing of another school;
 * - `ab`: the Appropriate Body's own records (meetings, moderation forms, cases, training, surveys, jobs,
 *   projections, calendar, token revocations), never a school's: a tutor is refused by role.
 * - `public`: authenticated otherwise (a survey link's token) or not at all (health, dev tokens).
 */
type Kind = 'ect' | 'school' | 'upload' | 'list' | 'ab' | 'public';
const CLASSIFIED: Record<string, Kind> = {
  'GET /health': 'public',
  'POST /api/v1/dev/tokens': 'public',
  'POST /api/v1/surveys/{year}/responses': 'public',
  'POST /api/v1/api-tokens/revocations': 'ab',
  'GET /api/v1/api-tokens/revocations': 'ab',
  'POST /api/v1/schools': 'list',
  'GET /api/v1/schools': 'list',
  'POST /api/v1/schools/{urn}/contacts': 'school',
  'GET /api/v1/schools/{urn}': 'school',
  'GET /api/v1/schools/{urn}/plan': 'school',
  'POST /api/v1/schools/{urn}/slas': 'school',
  'POST /api/v1/schools/{urn}/slas/{slaId}/reviews': 'school',
  'POST /api/v1/schools/{urn}/service-sessions': 'school',
  'POST /api/v1/schools/{urn}/service-sessions/{sessionId}/attendance': 'school',
  'GET /api/v1/schools/{urn}/service-record': 'school',
  // The body names the school the ECT is registered at.
  'POST /api/v1/ects': 'school',
  'GET /api/v1/ects': 'list',
  'GET /api/v1/ects/{id}': 'ect',
  ...Object.fromEntries(
    Object.keys(VALID).map((suffix) => [`POST /api/v1/ects/{id}/${suffix}`, 'ect' as const]),
  ),
  'GET /api/v1/ects/{id}/events': 'ect',
  'GET /api/v1/ects/{id}/plan': 'ect',
  'GET /api/v1/ects/{id}/access-log': 'ect',
  'POST /api/v1/people/{subjectId}/erasure': 'ect',
  'POST /api/v1/bulk-uploads/registrations': 'list',
  'POST /api/v1/bulk-uploads/outcomes': 'list',
  'GET /api/v1/bulk-uploads/{id}': 'upload',
  'GET /api/v1/bulk-uploads/{id}/errors.csv': 'upload',
  'POST /api/v1/bulk-uploads/{id}/confirm': 'upload',
  'GET /api/v1/jobs': 'ab',
  'GET /api/v1/jobs/notifications': 'ab',
  'GET /api/v1/jobs/{queue}': 'ab',
  'GET /api/v1/jobs/{queue}/{id}': 'ab',
  'POST /api/v1/jobs/{queue}/{id}/retry': 'ab',
  'POST /api/v1/admin/projections/{name}/rebuild': 'ab',
  'GET /api/v1/entitlements': 'list',
  'GET /api/v1/entitlements/schools': 'list',
  'GET /api/v1/due-items': 'list',
  'GET /api/v1/early-help/queue': 'list',
  'GET /api/v1/early-help/cases/{id}': 'ect',
  'POST /api/v1/early-help/cases/{id}/actions': 'ect',
  'POST /api/v1/training/{year}/programme': 'ab',
  'GET /api/v1/training/{year}/events': 'list',
  'GET /api/v1/training/{year}/groups/suggestion': 'list',
  'POST /api/v1/training/{year}/groups': 'ab',
  'GET /api/v1/training/{year}/groups': 'list',
  'POST /api/v1/training/{year}/attendance': 'ab',
  'GET /api/v1/training/{year}/attendance': 'list',
  'POST /api/v1/surveys/{year}': 'ab',
  'GET /api/v1/surveys/{year}': 'ab',
  'POST /api/v1/surveys/{year}/invitations': 'ab',
  'GET /api/v1/surveys/{year}/respondents': 'list',
  'POST /api/v1/surveys/{year}/reminders': 'ab',
  'GET /api/v1/reports/annual-survey/{year}': 'list',
  'POST /api/v1/reports/annual-survey/{year}/generations': 'ab',
  'GET /api/v1/panel/cases': 'list',
  'GET /api/v1/panel/cases/{ectId}': 'ect',
  'GET /api/v1/panel/meetings': 'ab',
  'GET /api/v1/panel/meetings/{id}': 'ab',
  'POST /api/v1/panel/meetings': 'ab',
  'POST /api/v1/panel/meetings/{id}/members': 'ab',
  'POST /api/v1/panel/meetings/{id}/decisions': 'ab',
  'GET /api/v1/moderation/queue': 'list',
  'GET /api/v1/moderation/agreement-rates': 'list',
  'GET /api/v1/moderation/checks/{id}': 'ab',
  'POST /api/v1/moderation/checks/{id}': 'ab',
  'POST /api/v1/moderation/checks/{id}/return': 'ab',
  // Hub calendar (another change): the AB's own terms and FTE days, hub staff only.
  'GET /api/v1/calendar': 'ab',
  'PUT /api/v1/calendar/academic-years/{year}': 'ab',
  'PUT /api/v1/calendar/fte-term-days': 'ab',
};
/** Path parameters that name no school's record: the same value whichever school is under test. */
const NEUTRAL_PARAMS: Record<string, string> = {
  year: '2025',
  queue: 'long',
  name: 'no-such-projection',
  absenceId: UNKNOWN,
  sessionId: UNKNOWN,
};

function ectRegistration(trn: string, school: string, name: string) {
  return {
    trn,
    firstName: name,
    lastName: `${name}son`,
    dateOfBirth: '1994-03-17',
    email: `${name.toLowerCase()}@private.example`,
    schoolUrn: school,
    qtsAwardedOn: '2025-07-15',
    startDate: '2025-09-01',
    fte: 1,
    programme: 'school-led',
    mentor: { name: 'Mira Mentor', email: `mira.${trn}@private.example` },
    inductionTutor: { name: 'Ted Tutor', email: `ted.${trn}@private.example` },
  };
}

describe('reliability: access matrix over every route', () => {
  let t: TestLedger;
  const logLines: string[] = [];
  const tokens = {} as Record<Exclude<Who, 'none'>, string>;
  const ect = {} as Record<'A' | 'B', { id: string; trn: string; lastName: string; email: string }>;
  const upload = {} as Record<'A' | 'B', string>;
  let panelMeeting = UNKNOWN;
  let routes: GuardedRoute[] = [];
  const headerFailures: string[] = [];
  let responses = 0;
  let savedDatabaseUrl: string | undefined;

  const eventCount = async () =>
    Number(
      (await t.ledger.runtime.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))
        .rows[0]!.n,
    );

  /** Every response must carry these (helmet, architecture.md "Security"). */
  const checkHeaders = (label: string, headers: Record<string, string | undefined>) => {
    responses++;
    const missing = [
      headers['x-content-type-options'] === 'nosniff' ? null : 'x-content-type-options',
      headers['content-security-policy'] ? null : 'content-security-policy',
      headers['strict-transport-security'] ? null : 'strict-transport-security',
      headers['referrer-policy'] ? null : 'referrer-policy',
      headers['x-frame-options'] || /frame-ancestors/.test(headers['content-security-policy'] ?? '')
        ? null
        : 'x-frame-options',
      headers['x-powered-by'] ? 'x-powered-by present' : null,
    ].filter(Boolean);
    if (missing.length) headerFailures.push(`${label}: ${missing.join(', ')}`);
  };

  const call = async (
    who: Who,
    method: Method,
    path: string,
    body?: object,
    headers: Record<string, string> = {},
  ) => {
    let req = t.http[method](path);
    if (who !== 'none') req = req.set('Authorization', `Bearer ${tokens[who]}`);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    const response = await (method === 'get' ? req : req.send(body ?? {}));
    checkHeaders(`${method.toUpperCase()} ${path} as ${who}`, response.headers as Record<string, string>);
    return response;
  };

  beforeAll(async () => {
    savedDatabaseUrl = process.env['DATABASE_URL'];
    if (savedDatabaseUrl) {
      // The shared server trusts local connections: the password is never checked, only carried about.
      const url = new URL(savedDatabaseUrl);
      url.password = DB_PASSWORD;
      process.env['DATABASE_URL'] = url.toString();
    }
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    t = await startTestLedger({
      now: '2025-10-01T09:00:00Z',
      env: { ...SECRETS, LOG_LEVEL: 'debug' },
      logger: createLogger({ level: 'debug', destination }),
    });
    tokens.hub = await t.token('hub_staff');
    tokens.panel = await t.token('panel_member');
    tokens.moderator = await t.token('moderator');
    tokens.tutorA = await t.token('induction_tutor', [SCHOOL_A.urn]);
    tokens.tutorB = await t.token('induction_tutor', [SCHOOL_B.urn]);
    for (const school of [SCHOOL_A, SCHOOL_B]) await call('hub', 'post', '/api/v1/schools', school);
    for (const [key, school, trn, name] of [
      ['A', SCHOOL_A.urn, '9330001', 'Ava'],
      ['B', SCHOOL_B.urn, '9330002', 'Bea'],
    ] as const) {
      const body = ectRegistration(trn, school, name);
      const created = await call(key === 'A' ? 'tutorA' : 'tutorB', 'post', '/api/v1/ects', body);
      expect(created.status).toBe(201);
      ect[key] = { id: created.body.id as string, trn, lastName: body.lastName, email: body.email };
      const csv = await t.http
        .post('/api/v1/bulk-uploads/registrations')
        .set('Authorization', `Bearer ${tokens[key === 'A' ? 'tutorA' : 'tutorB']}`)
        .set('Content-Type', 'text/csv')
        .send('TRN,Date of birth,Induction programme,Induction period start date\n1,2,3,4\n');
      upload[key] = csv.body.id as string;
      expect([csv.status, upload[key]]).toEqual([201, expect.any(String)]);
      // Read-your-writes waits at most 5 s; on a busy machine the projections may need longer.
      for (let tries = 0; ; tries++) {
        const read = await t.http
          .get(`/api/v1/ects/${ect[key].id}`)
          .set('Authorization', `Bearer ${tokens.hub}`)
          .set('X-Min-Log-Position', created.headers['x-log-position'] as string);
        if (read.status === 200) break;
        if (tries > 10) throw new Error(`ECT ${key} never appeared: ${read.status}`);
      }
    }
    const meeting = await call('hub', 'post', '/api/v1/panel/meetings', {
      heldOn: '2025-11-10',
      quorum: 1,
      members: [{ personId: '5c3f1e2d-0a9b-4c8d-8e7f-6a5b4c3d2e1f', name: 'Pat Panel' }],
    });
    expect(meeting.status).toBe(201);
    panelMeeting = meeting.body.id as string;
    for (const [key, school] of [
      ['a', SCHOOL_A.urn],
      ['b', SCHOOL_B.urn],
    ] as const) {
      const sla = await call('hub', 'post', `/api/v1/schools/${school}/slas`, {
        slaId: `sla-${key}`,
        startsOn: '2025-09-01',
        endsOn: '2027-08-31',
        commitments: [{ id: 'visits', description: 'Two visits a year' }],
      });
      expect(sla.status).toBe(201);
    }
    routes = guardedRoutes(t.app, 'api/v1');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (savedDatabaseUrl) process.env['DATABASE_URL'] = savedDatabaseUrl;
  });

  const keyOf = (route: { method: string; path: string }) => `${route.method.toUpperCase()} ${route.path}`;
  const kindOf = (route: GuardedRoute): Kind => CLASSIFIED[keyOf(route)]!;

  /** The route's path for the records of `school`: its ECT, school, upload; the AB's meeting; neutral values. */
  const pathFor = (route: GuardedRoute, school: 'A' | 'B') =>
    route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const kind = kindOf(route);
      if (name === 'urn') return (school === 'A' ? SCHOOL_A : SCHOOL_B).urn;
      if (name === 'id' && kind === 'upload') return upload[school];
      if (name === 'slaId') return `sla-${school.toLowerCase()}`;
      if (name === 'id' && route.path.startsWith('/api/v1/panel/meetings/')) return panelMeeting;
      if ((name === 'id' || name === 'ectId' || name === 'subjectId') && kind === 'ect')
        return ect[school].id;
      if (name in NEUTRAL_PARAMS) return NEUTRAL_PARAMS[name]!;
      if (name === 'id') return UNKNOWN;
      throw new Error(`${keyOf(route)}: path parameter {${name}} of no known kind: add it to the matrix`);
    });
  let registrations = 0;
  const validBody = (route: GuardedRoute, school: 'A' | 'B') =>
    (route.path === '/api/v1/ects'
      ? ectRegistration(
          `93310${String(++registrations).padStart(2, '0')}`,
          (school === 'A' ? SCHOOL_A : SCHOOL_B).urn,
          'Cal',
        )
      : undefined) ??
    VALID[/\/ects\/\{id\}\/(.+)$/.exec(route.path)?.[1] ?? ''] ??
    (route.path.endsWith('/contacts') ? { role: 'mentor', name: 'M', email: 'm@x.example' } : undefined);
  const ROLE_OF = {
    tutorA: 'induction_tutor',
    tutorB: 'induction_tutor',
    panel: 'panel_member',
    moderator: 'moderator',
    hub: 'hub_staff',
  } as const;
  const may = (route: GuardedRoute, who: Exclude<Who, 'none'>) =>
    !route.roles || route.roles.includes(ROLE_OF[who]);

  it('classifies every route of the route table, and the OpenAPI document shows each one with its guard', async () => {
    const unclassified = routes.filter((r) => !CLASSIFIED[keyOf(r)]).map(keyOf);
    expect(unclassified).toEqual([]);
    // A classified route that is gone is only worth a note (a route under way elsewhere may not be mounted yet).
    const gone = Object.keys(CLASSIFIED).filter((key) => !routes.some((r) => keyOf(r) === key));
    if (gone.length)
      process.stdout.write(`reliability/access: classified but not mounted: ${gone.join(', ')}\n`);
    expect(
      routes
        .filter((r) => r.isPublic)
        .map(keyOf)
        .sort(),
    ).toEqual(
      Object.entries(CLASSIFIED)
        .filter(([, kind]) => kind === 'public')
        .map(([key]) => key)
        .sort(),
    );
    // The document's security is the guard's: none on a public route, a bearer token on every other one.
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({
          key: `${method.toUpperCase()} ${path}`,
          security: operation.security,
        })),
    );
    expect(documented.map((d) => d.key).sort()).toEqual(routes.map(keyOf).sort());
    for (const route of routes) {
      const security = documented.find((d) => d.key === keyOf(route))!.security;
      expect([keyOf(route), security]).toEqual([keyOf(route), route.isPublic ? [] : [{ bearer: [] }]]);
    }
    expect(documented.find((d) => d.key === 'POST /api/v1/surveys/{year}/responses')!.security).toEqual([]);
  });

  it('nobody without a token gets anything but 401; public routes refuse an empty anonymous request', async () => {
    let checked = 0;
    for (const route of routes) {
      const before = await eventCount();
      const response = await call('none', route.method as Method, pathFor(route, 'A'), {});
      const where = `${keyOf(route)} anonymous: ${response.status}`;
      if (route.isPublic) {
        expect([where, response.status < 500]).toEqual([where, true]);
      } else {
        expect([where, response.status]).toEqual([where, 401]);
        checked++;
      }
      expect([where, await eventCount()]).toEqual([where, before]);
    }
    const forged = await t.http
      .get('/api/v1/ects')
      .set('Authorization', `Bearer ${tokens.hub.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    process.stdout.write(`reliability/access: ${checked} routes refuse a caller without a token\n`);
  });

  it('route × role × school: roles by the guard, 0 cross-school reads or writes, nothing of another school in any answer', async () => {
    const tally = { requests: 0, forbiddenByRole: 0, crossSchoolRefused: 0, ownSchool: 0, abWide: 0 };
    const cells: string[] = [];
    const failures: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const kind = kindOf(route);
      const method = route.method as Method;
      for (const who of ['tutorA', 'tutorB', 'panel', 'moderator', 'hub'] as const) {
        for (const school of ['A', 'B'] as const) {
          const own = who === 'tutorA' ? 'A' : who === 'tutorB' ? 'B' : null;
          const foreign = own === null ? null : ect[own === 'A' ? 'B' : 'A'];
          const crossSchool = own !== null && school !== own;
          // Valid bodies only for tutors (so a refusal is about scope, not shape); AB-wide roles send {} and change
          // nothing (a hub transfer of ECT B into school A would move it into tutor A's scope).
          const valid = method === 'get' || own === null ? undefined : validBody(route, school);
          const before = await eventCount();
          // A tutor's own-school write carries a stale If-Match: it reaches the record without changing it.
          const response = await call(
            who,
            method,
            pathFor(route, school),
            valid ?? {},
            own !== null && !crossSchool && valid && kind === 'ect' ? { 'If-Match': '"999999"' } : {},
          );
          tally.requests++;
          const status = response.status;
          const where = `${keyOf(route)} as ${who} on school ${school}: ${status}`;
          let expected: string;
          const failed = (what: string) => failures.push(`${where} (expected ${expected}) ${what}`.trim());
          if (!may(route, who)) {
            expected = '403';
            if (status !== 403) failed('');
            tally.forbiddenByRole++;
          } else if (own === null) {
            // AB-wide roles see every school's records; an upload is its uploader's and hub staff's only; the
            // fixtures' ECTs are on no panel.
            expected =
              kind === 'upload' && method === 'get'
                ? who === 'hub'
                  ? '200'
                  : '404'
                : route.path === '/api/v1/panel/cases/{ectId}'
                  ? '404'
                  : method === 'get' && kind !== 'ab' && kind !== 'list'
                    ? '200'
                    : 'not 401/403/5xx';
            if (
              /^\d+$/.test(expected)
                ? status !== Number(expected)
                : [401, 403].includes(status) || status >= 500
            )
              failed('');
            tally.abWide++;
          } else if (kind === 'ect' || kind === 'school' || kind === 'upload') {
            if (crossSchool) {
              // 404 for reads and writes alike (no probing); 403 is also no leak for a write.
              expected = method === 'get' ? '404' : valid ? '403/404' : '400/403/404';
              if (!expected.split('/').map(Number).includes(status)) failed('');
              tally.crossSchoolRefused++;
            } else {
              expected = method === 'get' ? '200' : 'not 401/403/404/5xx';
              if (method === 'get' ? status !== 200 : [401, 403, 404].includes(status) || status >= 500)
                failed('');
              tally.ownSchool++;
            }
          } else {
            // Lists and reports: whatever they answer (not a 5xx), nothing of another school's ECT.
            expected = 'no 5xx, nothing of another school';
            if (status >= 500) failed('');
            tally.ownSchool++;
          }
          if (foreign) {
            const texts = [response.text];
            if (method === 'get' && (kind === 'list' || kind === 'ab')) {
              const filtered = await call(who, 'get', `${pathFor(route, school)}?schoolUrn=${SCHOOL_A.urn}`);
              const other = await call(who, 'get', `${pathFor(route, school)}?schoolUrn=${SCHOOL_B.urn}`);
              texts.push(filtered.text, other.text);
            }
            // The id only counts when the caller did not send it (a 404 may repeat the id it was asked for).
            const sent = pathFor(route, school).includes(foreign.id);
            const markers = {
              id: sent ? null : foreign.id,
              trn: foreign.trn,
              name: foreign.lastName,
              email: foreign.email,
            };
            for (const text of texts) {
              for (const [label, marker] of Object.entries(markers)) {
                if (marker && text.includes(marker))
                  failed(`: the answer holds the other school's ECT ${label}`);
              }
            }
          }
          if ((crossSchool || !may(route, who)) && (await eventCount()) !== before)
            failed(': an event was written');
          cells.push(`${keyOf(route)}\t${who}\t${school}\t${expected}\t${status}`);
        }
      }
    }
    // The tutors' own ECTs answer (so the matrix is not vacuous).
    for (const [who, own] of [
      ['tutorA', 'A'],
      ['tutorB', 'B'],
    ] as const) {
      expect((await call(who, 'get', `/api/v1/ects/${ect[own].id}`)).status).toBe(200);
    }
    expect(failures).toEqual([]);
    if (process.env['ACCESS_MATRIX_OUT'])
      writeFileSync(process.env['ACCESS_MATRIX_OUT'], cells.join('\n') + '\n');
    process.stdout.write(
      `reliability/access: ${routes.length} routes × 5 roles × 2 schools ${JSON.stringify(tally)}, 0 cross-school reads or writes\n`,
    );
  }, 300_000);

  it('every response carried the security headers', async () => {
    for (const path of ['/api/docs/openapi.json', '/health', '/sign-in', '/no-such-page', '/api/v1/nope']) {
      checkHeaders(`GET ${path}`, (await t.http.get(path)).headers as Record<string, string>);
    }
    process.stdout.write(`reliability/access: security headers checked on ${responses} responses\n`);
    expect(headerFailures).toEqual([]);
  });

  it('the log never holds a token, a secret, a password or personal data', async () => {
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(1000);
    const forbidden: Record<string, string> = {
      ...SECRETS,
      DB_PASSWORD,
      ...Object.fromEntries(Object.entries(tokens).map(([k, v]) => [`token ${k}`, v])),
      ...Object.fromEntries(
        (['A', 'B'] as const).flatMap((k) => [
          [`email ${k}`, ect[k].email],
          [`name ${k}`, ect[k].lastName],
        ]),
      ),
    };
    const found = Object.entries(forbidden)
      .filter(([, value]) => log.includes(value))
      .map(([name]) => name);
    expect(found).toEqual([]);
    process.stdout.write(
      `reliability/access: ${logLines.length} log lines, none holds any of ${Object.keys(forbidden).length} secrets\n`,
    );
  });
});
