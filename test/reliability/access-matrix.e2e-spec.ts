import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { createLogger } from '#platform/logging/logger.js';
import { IS_PUBLIC } from '../../apps/api/src/auth/auth.decorators.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 10, access: a matrix generated from the OpenAPI route table — who (tutor of school A, tutor of school B,
 * panel member, hub staff, nobody) × every route × a record of school A or school B. A tutor never reads or
 * writes another school's ECT (404 for a read, 403/404 for a write, and no event either way), and no response
 * to a tutor mentions another school's ECT; nobody without a token gets anything but 401; every response
 * carries the security headers; and the service's own log (captured at debug level) never holds a token, a
 * secret, a password or an ECT's personal data.
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
};

type Who = 'tutorA' | 'tutorB' | 'panel' | 'hub' | 'none';
interface Route {
  method: 'get' | 'post';
  path: string;
}

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
  let routes: Route[] = [];
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

  const call = async (who: Who, method: 'get' | 'post', path: string, body?: object) => {
    let req = t.http[method](path);
    if (who !== 'none') req = req.set('Authorization', `Bearer ${tokens[who]}`);
    const response = await (method === 'post' ? req.send(body ?? {}) : req);
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
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      (['get', 'post'] as const).filter((m) => item[m]).map((method) => ({ method, path })),
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (savedDatabaseUrl) process.env['DATABASE_URL'] = savedDatabaseUrl;
  });

  /** The route's path for a record of `school`: the ECT, its school, its upload; unknown ids elsewhere. */
  const pathFor = (route: Route, school: 'A' | 'B') =>
    route.path
      .replace('{id}', route.path.startsWith('/api/v1/bulk-uploads/') ? upload[school] : ect[school].id)
      .replace('{urn}', (school === 'A' ? SCHOOL_A : SCHOOL_B).urn)
      .replace('{subjectId}', ect[school].id)
      .replace(/\{\w+\}/g, UNKNOWN);
  const isPublic = (path: string) => /^\/api\/v1\/dev\/tokens$|^\/api\/docs|^\/health|^\/metrics/.test(path);
  const scoped = (path: string) => /\{(id|urn|subjectId)\}/.test(path);

  it('the route table is the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  /** Routes marked `@Public()` (they authenticate otherwise, e.g. a survey link's token), from Nest's metadata. */
  const publicRoutes = (): Set<string> => {
    const out = new Set<string>();
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!type) continue;
        const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
        for (const name of Object.getOwnPropertyNames(type.prototype)) {
          const handler = (type.prototype as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || !Reflect.getMetadata(IS_PUBLIC, handler)) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const path = ['api/v1', base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')]
            .filter((p) => p && p !== '/')
            .join('/')
            .replace(/:(\w+)/g, '{$1}');
          out.add(`${method!.toLowerCase()} /${path}`);
        }
      }
    }
    return out;
  };

  it('nobody without a token gets anything but 401 from the API', async () => {
    let checked = 0;
    const open = publicRoutes();
    for (const route of routes.filter((r) => !isPublic(r.path))) {
      if (open.has(`${route.method} ${route.path}`)) {
        // Public by design: it must still refuse an anonymous empty request.
        const response = await call('none', route.method, pathFor(route, 'A'), {});
        expect([route.path, response.status >= 400 && response.status < 500]).toEqual([route.path, true]);
        continue;
      }
      const response = await call('none', route.method, pathFor(route, 'A'), {});
      expect([route.path, response.status]).toEqual([route.path, 401]);
      checked++;
    }
    const forged = await t.http
      .get('/api/v1/ects')
      .set('Authorization', `Bearer ${tokens.hub.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    process.stdout.write(
      `reliability/access: ${checked} routes refuse a caller without a token; public by design: ${[...open].join(', ')}\n`,
    );
  });

  it("a tutor never reads or writes another school's ECT, and no answer mentions it", async () => {
    const tally = { reads: 0, writes: 0, writesWithValidBody: 0 };
    for (const [who, own, other] of [
      ['tutorA', 'A', 'B'],
      ['tutorB', 'B', 'A'],
    ] as const) {
      const foreign = ect[other];
      for (const route of routes.filter((r) => !isPublic(r.path))) {
        const path = pathFor(route, other);
        const before = await eventCount();
        const suffix = /\/ects\/\{id\}\/(.+)$/.exec(route.path)?.[1];
        const valid = route.method === 'post' && suffix ? VALID[suffix] : undefined;
        const response = await call(who, route.method, path, valid ?? {});
        const where = `${route.method.toUpperCase()} ${route.path} as ${who} on school ${other}: ${response.status}`;
        if (route.method === 'get' && scoped(route.path)) {
          // 404 (no probing); 403 only when the role may never use the route, whichever school it names.
          if (response.status === 403) {
            const ownAnswer = await call(who, 'get', pathFor(route, own));
            expect([where, ownAnswer.status]).toEqual([where, 403]);
          } else expect([where, response.status]).toEqual([where, 404]);
          tally.reads++;
        } else if (route.method === 'post' && scoped(route.path)) {
          expect([where, valid ? [403, 404] : [400, 403, 404]]).toEqual([
            where,
            expect.arrayContaining([response.status]),
          ]);
          tally.writes++;
          if (valid) tally.writesWithValidBody++;
        } else {
          // Lists and reports: whatever the status, nothing of the other school's ECT.
          const filtered = await call(
            who,
            'get',
            `${path}?schoolUrn=${(other === 'A' ? SCHOOL_A : SCHOOL_B).urn}`,
          );
          for (const text of [response.text, filtered.text]) {
            for (const marker of [foreign.id, foreign.trn, foreign.lastName, foreign.email]) {
              expect([where, text.includes(marker)]).toEqual([where, false]);
            }
          }
          tally.reads++;
        }
        expect([where, await eventCount()]).toEqual([where, before]);
      }
      // The same routes on the tutor's own school answer (so the matrix is not vacuous).
      const mine = await call(who, 'get', `/api/v1/ects/${ect[own].id}`);
      expect(mine.status).toBe(200);
    }
    for (const who of ['hub', 'panel'] as const) {
      for (const school of ['A', 'B'] as const) {
        expect((await call(who, 'get', `/api/v1/ects/${ect[school].id}`)).status).toBe(200);
      }
    }
    process.stdout.write(`reliability/access: cross-school ${JSON.stringify(tally)}, 0 leaks\n`);
  });

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
