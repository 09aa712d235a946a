import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drawSample } from '#induction/moderation/moderation-sample.js';
import { moderationForms } from '../support/list-counts.js';
import { expectRebuildKeepsRows } from '../support/rebuild-rows.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { readWholeLog } from '../support/whole-log.js';

/**
 * Moderation (issue 5): the sample of submitted reviews and assessments each term, moderators' findings,
 * returns to schools, agreement rates, and a rebuild that keeps exactly the same sample.
 */
const SCHOOLS = ['230001', '230002', '230003'].map((urn, i) => ({
  urn,
  name: `Moderation School ${i + 1}`,
  phase: 'primary',
  localAuthority: 'Devon',
}));
const ALL_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);

interface QueueItem {
  formId: string;
  ectId: string;
  schoolUrn: string;
  kind: string;
  term: string;
  reason: string;
  verdict: string | null;
  returned: boolean;
  form: Record<string, unknown>;
}

describe('moderation sample, findings and agreement rates', () => {
  let t: TestLedger;
  let hub: string;
  let moderator: string;
  let tutor: string;
  let position = '0';
  const notOnTrack: string[] = [];

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
  async function queue(query = ''): Promise<QueueItem[]> {
    return (await get(hub, `/moderation/queue?pageSize=500${query}`).expect(200)).body.items;
  }

  beforeAll(async () => {
    // Reads wait for the projections to pass each write; on a loaded CI machine that can take more than 5 s.
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z', env: { READ_WAIT_TIMEOUT_MS: '60000' } });
    hub = await t.token('hub_staff');
    moderator = await t.token('moderator');
    tutor = await t.token('induction_tutor', [SCHOOLS[0]!.urn]);
    for (const school of SCHOOLS) await post(hub, '/schools', school);
    const ids: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      at('2025-08-20');
      const school = SCHOOLS[i % 3]!;
      const response = await post(hub, '/ects', {
        trn: String(6200000 + i),
        firstName: 'Sam',
        lastName: `Moderated${i}`,
        dateOfBirth: '1998-01-01',
        email: `ect${i}@mod.example`,
        schoolUrn: school.urn,
        qtsAwardedOn: '2025-07-01',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'provider-led',
        mentor: { name: 'Mo Mentor', email: `mentor${i}@mod.example`, hasQts: true },
        inductionTutor: { name: 'Tu Tutor', email: `tutor${i}@mod.example`, hasQts: true },
      });
      ids.push(response.body.id as string);
    }
    at('2025-12-10');
    for (const [i, id] of ids.entries()) {
      const onTrack = i !== 4;
      if (!onTrack) notOnTrack.push(id);
      await post(hub, `/ects/${id}/progress-reviews`, {
        term: 1,
        reviewedOn: '2025-12-10',
        onTrack,
        strengths: 'Warm relationships',
        areasForDevelopment: 'Pace',
        ...(onTrack ? {} : { supportPlan: 'Weekly coaching on pace' }),
      });
    }
    at('2026-03-20');
    for (const id of ids)
      await post(hub, `/ects/${id}/progress-reviews`, {
        term: 2,
        reviewedOn: '2026-03-20',
        onTrack: true,
        strengths: 'Better pace',
        areasForDevelopment: 'Assessment',
        ...(notOnTrack.includes(id) ? { supportPlan: 'Continue coaching' } : {}),
      });
    at('2026-07-06');
    await post(hub, `/ects/${ids[7]}/assessments`, {
      point: 'year-1',
      assessedOn: '2026-07-01',
      assessor: { role: 'induction-tutor', email: 'tutor7@mod.example' },
      standards: ALL_MET,
      recommendation: 'unsatisfactory',
      evidence: 'Observations',
      signedOn: { inductionTutor: '2026-07-01', head: '2026-07-01', ect: '2026-07-01' },
    });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('samples every not-on-track review, every unsatisfactory assessment and every school each year', async () => {
    const items = await queue('&status=all');
    const byEct = (ectId: string, kind: string) => items.filter((f) => f.ectId === ectId && f.kind === kind);
    expect(byEct(notOnTrack[0]!, 'progress-review').map((f) => f.reason)).toContain('not-on-track');
    expect(items.some((f) => f.kind === 'formal-assessment' && f.reason === 'unsatisfactory')).toBe(true);
    expect(new Set(items.map((f) => f.schoolUrn))).toEqual(new Set(SCHOOLS.map((s) => s.urn)));
    expect(items.every((f) => /^2025-(autumn|spring|summer)$/.test(f.term))).toBe(true);

    // The projection's sample is the domain's own rule applied to the log in order.
    const log = await readWholeLog(t);
    const forms = moderationForms(log, t.ledger.domain);
    const expected = drawSample(forms);
    expect(new Map(items.map((f) => [f.formId, f.reason]))).toEqual(expected);

    const paged = await get(moderator, '/moderation/queue?pageSize=1').expect(200);
    expect(paged.headers['link']).toContain('rel="next"');
    // Pages (the page's forms chosen first, then named) concatenate to the whole queue in its order.
    for (const filter of ['&status=all', '&status=all&term=2025-spring', '']) {
      const all = (await queue(filter)) as { formId: string }[];
      const pages: string[] = [];
      for (let page = 1; page <= Math.ceil(all.length / 2) + 1; page++) {
        const body = (await get(moderator, `/moderation/queue?pageSize=2&page=${page}${filter}`).expect(200))
          .body as { items: { formId: string; firstName: unknown }[]; total: number };
        expect(body.total).toBe(all.length);
        pages.push(...body.items.map((f) => f.formId));
      }
      expect(pages).toEqual(all.map((f) => f.formId));
    }
    const csv = await get(moderator, '/moderation/queue').set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\n')[0]).toContain('Why sampled');
    const spring = await queue('&status=all&term=2025-spring');
    expect(spring.every((f) => f.term === '2025-spring')).toBe(true);
  });

  it('keeps tutors out and validates findings', async () => {
    const [form] = await queue();
    await get(tutor, '/moderation/queue').expect(403);
    await get(tutor, '/moderation/agreement-rates').expect(403);
    await post(tutor, `/moderation/checks/${form!.formId}`, { verdict: 'agree', feedback: 'ok' }, 403);
    const bad = await post(hub, `/moderation/checks/${form!.formId}`, { verdict: 'maybe' }, 400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining(['verdict must be agree or disagree', 'feedback is required']),
    );
    await get(moderator, '/moderation/queue?term=autumn').expect(400);
    await post(
      moderator,
      '/moderation/checks/00000000-0000-4000-8000-000000000000',
      { verdict: 'agree', feedback: 'Fine' },
      404,
    );
  });

  it('records findings once per Idempotency-Key, returns forms to schools and reports agreement rates', async () => {
    const toCheck = await queue();
    expect(toCheck.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = toCheck as [QueueItem, QueueItem, QueueItem];
    at('2026-07-10');
    const first = await post(
      moderator,
      `/moderation/checks/${a.formId}`,
      { verdict: 'agree', feedback: 'Judgement well evidenced' },
      201,
      'finding-a',
    );
    const retry = await post(
      moderator,
      `/moderation/checks/${a.formId}`,
      { verdict: 'agree', feedback: 'Judgement well evidenced' },
      201,
      'finding-a',
    );
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    await post(
      moderator,
      `/moderation/checks/${a.formId}`,
      { verdict: 'disagree', feedback: 'Changed mind' },
      409,
    );
    await post(moderator, `/moderation/checks/${b.formId}`, {
      verdict: 'disagree',
      feedback: 'Targets vague',
    });
    await post(moderator, `/moderation/checks/${b.formId}/return`, { reason: 'Make the targets specific' });
    await post(moderator, `/moderation/checks/${b.formId}/return`, { reason: 'Again' }, 409);
    await post(moderator, `/moderation/checks/${c.formId}/return`, {}, 400);

    const check = (await get(moderator, `/moderation/checks/${b.formId}`).expect(200)).body;
    expect(check).toMatchObject({
      verdict: 'disagree',
      feedback: 'Targets vague',
      returned: true,
      returnReason: 'Make the targets specific',
      returnedOn: '2026-07-10',
    });
    const remaining = await queue();
    expect(remaining.map((f) => f.formId)).not.toContain(a.formId);
    expect((await queue('&status=returned')).map((f) => f.formId)).toEqual([b.formId]);

    const bySchool = (await get(hub, '/moderation/agreement-rates').expect(200)).body.items as {
      schoolUrn: string;
      checked: number;
      agreed: number;
      rate: number;
    }[];
    const total = bySchool.reduce((sum, r) => sum + r.checked, 0);
    expect(total).toBe(2);
    const aRate = bySchool.find((r) => r.schoolUrn === a.schoolUrn)!;
    expect(aRate.agreed).toBeGreaterThanOrEqual(1);
    const byTerm = (await get(moderator, '/moderation/agreement-rates?by=term').expect(200)).body.items;
    expect(byTerm.every((r: { term: string; schoolUrn: null }) => r.term && r.schoolUrn === null)).toBe(true);
    const csv = await get(hub, '/moderation/agreement-rates?by=school-term')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(csv.text.split('\n')[0]).toContain('Agreement rate');
  });

  it('rebuilds to the same sample and findings', async () => {
    await queue();
    const before = await expectRebuildKeepsRows(t, 'moderation-sample');
    expect(before['moderation_forms']!.length).toBeGreaterThan(0);
  }, 120_000);
});
