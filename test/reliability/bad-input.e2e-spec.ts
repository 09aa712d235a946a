import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 10, bad input: fast-check requests against every JSON route of the OpenAPI document (so a new route is
 * covered without touching this file): bodies of random shapes, the route's own field names with wrong types,
 * huge strings, impossible dates and bad UUIDs, malformed JSON, junk path parameters, queries and headers.
 * The service answers each with 2xx or 4xx, never 5xx; every 4xx carries api.md's `{statusCode, error,
 * message: [...]}` with a readable message; and a refused request writes no event.
 *
 * About 1,000 requests in CI; SOAK=1 (npm run test:soak) sends 10,000.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? (process.env['SOAK'] ? 10_000 : 1_000));
const SCHOOL_A = { urn: '320001', name: 'Birch Primary', phase: 'primary', localAuthority: 'Leeds' };
const SCHOOL_B = { urn: '320002', name: 'Cedar School', phase: 'secondary', localAuthority: 'York' };

/** Routes whose success changes more than a record (rebuilding projections, issuing tokens): not fuzzed. */
const SKIP = [/^\/api\/v1\/admin\//];

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  fields: string[];
  /** Consumes CSV or multipart rather than JSON. */
  csv: boolean;
}

interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}
interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}
interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, OpenApiSchema>;
}

function operations(doc: OpenApi): Operation[] {
  const resolve = (schema: OpenApiSchema | undefined): OpenApiSchema | undefined =>
    schema?.$ref ? doc.components?.schemas?.[schema.$ref.split('/').at(-1)!] : schema;
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (SKIP.some((re) => re.test(path))) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const schema = resolve(content['application/json']?.schema);
      out.push({
        method,
        path,
        fields: Object.keys(schema?.properties ?? {}),
        csv: 'text/csv' in content || 'multipart/form-data' in content,
      });
    }
  }
  return out;
}

/** Values of the wrong kind for any field. */
const nasty = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      null,
      '',
      ' ',
      0,
      -1,
      1e308,
      true,
      [],
      {},
      '2025-02-30',
      '2025-13-01',
      '31/12/2025',
      '0000-00-00',
      '2025-09-01T25:61:00Z',
      '9d1f0a52-58a4-4c4e-9a7b-3c2b1d0e9f1',
      'not-a-uuid',
      '00000000-0000-0000-0000-000000000000',
      '<script>alert(1)</script>',
      '=cmd|" /C calc"!A0',
      "'; DROP TABLE event_store.events; --",
      '\u0000',
      '__proto__',
      { __proto__: { admin: true } },
      { $gt: '' },
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 5_000, maxLength: 60_000 }).map((s) => s.padEnd(5_000, 'x')),
    fc.integer(),
    fc.double(),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.uuid(),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );

describe(`reliability: ${RUNS} generated bad requests against every JSON route`, () => {
  let t: TestLedger;
  let ops: Operation[];
  let ectId: string;
  const tokens: string[] = [];
  const statuses: Record<string, number> = {};

  const eventCount = async () =>
    Number(
      (await t.ledger.runtime.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events'))
        .rows[0]!.n,
    );

  beforeAll(async () => {
    // The API rate limit stays on, high enough for every client here (one token, thousands of requests a minute).
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z', env: { API_RATE_LIMIT: '1000000' } });
    const hub = await t.token('hub_staff');
    tokens.push(hub, await t.token('induction_tutor', [SCHOOL_A.urn]), await t.token('panel_member'));
    for (const school of [SCHOOL_A, SCHOOL_B]) {
      await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(school).expect(201);
    }
    const created = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send({
        trn: '9200001',
        firstName: 'Fuzz',
        lastName: 'Target',
        dateOfBirth: '1995-01-02',
        email: 'fuzz@birch.example',
        schoolUrn: SCHOOL_A.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'school-led',
        mentor: { name: 'Max Mentor', email: 'max@birch.example' },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@birch.example' },
      })
      .expect(201);
    ectId = created.body.id as string;
    const doc = (await t.http.get('/api/docs/openapi.json').expect(200)).body as OpenApi;
    ops = operations(doc);
  });
  afterAll(async () => {
    await t?.close();
    process.stdout.write(
      `reliability/bad-input: ${RUNS} requests over ${ops?.length} routes, answers ${JSON.stringify(statuses)}\n`,
    );
  });

  it('the OpenAPI document lists the JSON routes', () => {
    expect(ops.filter((o) => o.method === 'post').length).toBeGreaterThan(20);
    expect(ops.some((o) => o.path === '/api/v1/ects/{id}/absences')).toBe(true);
  });

  it('answers every generated request with 2xx or a useful 4xx, and writes nothing when it refuses', async () => {
    const param = fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(2000), '-1') },
    );
    const generated = fc.record({
      op: fc.integer({ min: 0, max: ops.length - 1 }).map((i) => ops[i]!),
      who: fc.integer({ min: 0, max: tokens.length - 1 }),
      param,
      body: fc.oneof(
        // The route's own fields with values of the wrong kind, plus the odd unknown field.
        { weight: 5, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), nasty(), { maxKeys: 3 }) },
        { weight: 2, arbitrary: fc.anything({ maxDepth: 3 }) },
        { weight: 1, arbitrary: fc.constantFrom('{"a":', '[1,2', 'null', '"text"', '{"__proto__":{"x":1}}') },
      ),
      fieldValues: fc.array(nasty(), { minLength: 12, maxLength: 12 }),
      keep: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      query: fc.dictionary(
        fc.constantFrom('page', 'pageSize', 'schoolUrn', 'status', 'cohort', 'q', 'from', 'to', 'format'),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '0', '99999999999', 'NaN', '1e9')),
        { maxKeys: 3 },
      ),
      headers: fc.dictionary(
        fc.constantFrom('If-Match', 'Idempotency-Key', 'X-Min-Log-Position', 'Accept'),
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\x21-\x7e]+$/.test(s)),
          fc.constantFrom('"-1"', '"abc"', '99999999999999999999999', 'text/csv', '*/*', 'x'.repeat(300)),
        ),
        { maxKeys: 2 },
      ),
    });

    await fc.assert(
      fc.asyncProperty(generated, async (r) => {
        const path = r.op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
          r.param === null ? (name === 'id' ? ectId : SCHOOL_A.urn) : encodeURIComponent(r.param),
        );
        let body: unknown = r.body;
        if (body && typeof body === 'object' && !Array.isArray(body) && r.op.fields.length > 0) {
          const shaped: Record<string, unknown> = { ...(body as object) };
          r.op.fields.slice(0, 12).forEach((field, i) => {
            if (r.keep[i]) shaped[field] = r.fieldValues[i];
          });
          body = shaped;
        }
        const write = r.op.method !== 'get';
        const before = write ? await eventCount() : 0;
        let call = t.http[r.op.method](path).set('Authorization', `Bearer ${tokens[r.who]}`);
        for (const [name, value] of Object.entries(r.headers)) call = call.set(name, value);
        if (Object.keys(r.query).length > 0) call = call.query(r.query);
        if (write) {
          if (typeof body === 'string') call = call.set('Content-Type', 'application/json').send(body);
          else call = call.send(JSON.stringify(body) ?? 'null').set('Content-Type', 'application/json');
        }
        const response = await call;
        const key = `${response.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        const where = `${r.op.method.toUpperCase()} ${path} -> ${response.status} ${response.text.slice(0, 300)}`;
        if (response.status >= 500) throw new Error(where);
        if (response.status >= 400 && response.type === 'application/json') {
          expect(response.body).toMatchObject({ statusCode: response.status, error: expect.any(String) });
          const messages = response.body.message as unknown;
          if (!Array.isArray(messages) || messages.length === 0) throw new Error(`no message: ${where}`);
          for (const m of messages) if (typeof m !== 'string' || m.trim() === '') throw new Error(where);
        }
        if (write && response.status >= 400) {
          const after = await eventCount();
          if (after !== before) throw new Error(`a refused request wrote ${after - before} events: ${where}`);
        }
      }),
      {
        numRuns: RUNS,
        seed: process.env['FC_SEED'] ? Number(process.env['FC_SEED']) : undefined,
        // Shrinking replays HTTP requests for many minutes: report the first failure (with its seed) as is.
        endOnFailure: true,
      },
    );
  }, 900_000);

  it('answers 400, not 500, for a number written in exponent form (found by the soak run)', async () => {
    for (const value of [8e-323, 1e-7, 1e21]) {
      const response = await t.http
        .post(`/api/v1/ects/${ectId}/timetables`)
        .set('Authorization', `Bearer ${tokens[0]}`)
        .send({ from: '2025-09-01', percentOfMainPayRangeTimetable: value });
      expect([value, response.status]).toEqual([value, 400]);
    }
  });

  it('refuses a JSON body over 256 kB with 413 and writes nothing', async () => {
    const before = await eventCount();
    const response = await t.http
      .post(`/api/v1/ects/${ectId}/representations`)
      .set('Authorization', `Bearer ${tokens[0]}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ summary: 'x'.repeat(300 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body.message[0]).toEqual(expect.any(String));
    expect(await eventCount()).toBe(before);
  });

  it('refuses a CSV upload of more than 1,000 rows and writes nothing', async () => {
    const before = await eventCount();
    const header =
      'TRN,Date of birth,Induction programme,Induction period start date,First name,Last name,Email,' +
      'School URN,QTS award date,FTE,Mentor name,Mentor email,Induction tutor name,Induction tutor email';
    const rows = Array.from(
      { length: 1001 },
      (_, i) =>
        `${String(9300000 + i)},1990-01-01,school-led,2025-09-01,A,B${i},a${i}@birch.example,${SCHOOL_A.urn},` +
        '2025-07-01,1,M,m@birch.example,T,t@birch.example',
    );
    const response = await t.http
      .post('/api/v1/bulk-uploads/registrations')
      .set('Authorization', `Bearer ${tokens[0]}`)
      .set('Content-Type', 'text/csv')
      .send([header, ...rows].join('\n'));
    expect([400, 413, 422]).toContain(response.status);
    expect(response.body.message.join(' ')).toMatch(/1,000/);
    expect(await eventCount()).toBe(before);
  });

  describe('hostile text in records', () => {
    const HOSTILE = {
      firstName: '=HYPERLINK("http://evil.example","click")',
      lastName: '<script>alert("x")</script>',
      mentor: '@SUM(A1:A9)',
      tutor: '+1-2',
    };
    let hostileId: string;

    beforeAll(async () => {
      const created = await t.http
        .post('/api/v1/ects')
        .set('Authorization', `Bearer ${tokens[0]}`)
        .send({
          trn: '9200002',
          firstName: HOSTILE.firstName,
          lastName: HOSTILE.lastName,
          dateOfBirth: '1995-01-02',
          email: 'hostile@birch.example',
          schoolUrn: SCHOOL_A.urn,
          qtsAwardedOn: '2025-07-15',
          startDate: '2025-09-01',
          fte: 1,
          programme: 'school-led',
          mentor: { name: HOSTILE.mentor, email: 'sum@birch.example' },
          inductionTutor: { name: HOSTILE.tutor, email: 'plus@birch.example' },
        })
        .expect(201);
      hostileId = created.body.id as string;
      const position = created.headers['x-log-position'] as string;
      // Read-your-writes waits at most 5 s; on a busy machine the projections may need longer.
      for (let tries = 0; ; tries++) {
        const read = await t.http
          .get(`/api/v1/ects/${hostileId}`)
          .set('Authorization', `Bearer ${tokens[0]}`)
          .set('X-Min-Log-Position', position);
        if (read.status === 200) break;
        if (tries > 10) throw new Error(`the ECT never appeared: ${read.status}`);
      }
    });

    it('neutralises formulas in every CSV export (no cell starts with =, +, -, @, tab or CR)', async () => {
      const gets = ops.filter((o) => o.method === 'get' && !o.path.includes('/docs'));
      const checked: string[] = [];
      for (const op of gets) {
        const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        if (params.some((p) => !['id', 'urn'].includes(p))) continue;
        const path = op.path.replace('{id}', hostileId).replace('{urn}', SCHOOL_A.urn);
        const response = await t.http
          .get(path)
          .set('Authorization', `Bearer ${tokens[0]}`)
          .set('Accept', 'text/csv');
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200 || !/text\/csv/.test(response.type)) continue;
        checked.push(op.path);
        const rows = parse(response.text, { relax_column_count: true }) as string[][];
        for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
      const upload = await t.http
        .post('/api/v1/bulk-uploads/registrations')
        .set('Authorization', `Bearer ${tokens[0]}`)
        .set('Content-Type', 'text/csv')
        .send(
          'TRN,Date of birth,Induction programme,Induction period start date,First name,Last name\n' +
            `=1+1,-2025-01-01,@x,+3,${HOSTILE.firstName.replace(/"/g, '""').replace(/^/, '"')}",-y\n`,
        );
      expect(upload.status).toBeLessThan(500);
      const uploadId = (upload.body as { id?: string }).id;
      if (uploadId) {
        const errors = await t.http
          .get(`/api/v1/bulk-uploads/${uploadId}/errors.csv`)
          .set('Authorization', `Bearer ${tokens[0]}`)
          .expect(200);
        checked.push('/api/v1/bulk-uploads/{id}/errors.csv');
        const rows = parse(errors.text, { relax_column_count: true }) as string[][];
        expect(rows.length).toBeGreaterThan(1);
        for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
      process.stdout.write(`reliability/bad-input: CSV exports checked: ${checked.join(', ')}\n`);
      expect(checked).toContain('/api/v1/ects');
      expect(checked).toContain('/api/v1/bulk-uploads/{id}/errors.csv');
      const list = await t.http
        .get('/api/v1/ects')
        .set('Authorization', `Bearer ${tokens[0]}`)
        .set('Accept', 'text/csv')
        .expect(200);
      expect(list.text).toContain(`'${HOSTILE.firstName.replace(/"/g, '""')}`);
    });

    it('escapes HTML in the web pages', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const page = await agent.get('/sign-in').expect(200);
      const forged = await agent.post('/sign-in/dev').type('form').send({ role: 'hub_staff' });
      expect(forged.status).toBe(403); // no CSRF token
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      expect(csrf).toBeDefined();
      await agent
        .post('/sign-in/dev')
        .type('form')
        .send({ _csrf: csrf, role: 'hub_staff', name: '<b>Hub</b>' })
        .expect((r) => expect([302, 303]).toContain(r.status));
      for (const path of [`/ects/${hostileId}`, '/ects', '/']) {
        const html = await agent.get(path);
        expect(html.status).toBe(200);
        expect(html.text).not.toContain('<script>alert');
        expect(html.text).not.toContain('<b>Hub</b>');
      }
      const ect = await agent.get(`/ects/${hostileId}`).expect(200);
      expect(ect.text).toContain('&lt;script&gt;');
    });
  });
});
