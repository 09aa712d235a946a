import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { appendHub, generateHub, type GeneratedHub } from '#read-models/audit/testing/hub-generator.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * R23 (issue 5): an ECT may know who viewed their assessments. Every read of an ECT's reviews or
 * assessments is logged (who, role, what, route, when, correlation id); hub staff read the log through the
 * API and on the ECT's page; nobody else may.
 */
const TODAY = '2026-08-03';

interface Access {
  ectId: string;
  actorId: string;
  actorRole: string;
  what: string;
  via: string;
  correlationId: string;
  readAt: string;
}

describe('who viewed an ECT’s assessments (R23)', () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let staff: string;
  let ectId: string;
  let otherId: string;
  let urn: string;
  const issue = async (role: string, schoolUrns?: string[]) =>
    (await t.http.post('/api/v1/dev/tokens').send({ role, schoolUrns }).expect(201)).body as {
      token: string;
      userId: string;
    };
  const get = (path: string, token: string) => t.http.get(path).set('Authorization', `Bearer ${token}`);
  const accessLog = async (id: string, query = '') =>
    (await get(`/api/v1/ects/${id}/access-log${query}`, staff).expect(200)).body as {
      items: Access[];
      total: number;
    };

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    staff = await t.token('hub_staff');
    hub = generateHub({
      seed: 5,
      schools: 3,
      ects: 30,
      ect: t.ledger.domain.ect,
      school: t.ledger.domain.school,
      calendar: t.ledger.domain.calendar,
      today: TODAY,
    });
    const last = await appendHub(t.ledger.runtime.eventStore, hub as never);
    const waiting = hub.ects.filter((e) => e.state.phase === 'awaiting-decision');
    expect(waiting.length).toBeGreaterThan(1);
    ectId = waiting[0]!.ectId;
    urn = waiting[0]!.schoolUrn;
    otherId = waiting[1]!.ectId;
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      last,
      t.ledger.projections.map((p) => p.name),
      240_000,
    );
    expect(fresh).toBe(true);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists a tutor’s and a panel member’s reads with who, what, when and the correlation id', async () => {
    const tutor = await issue('induction_tutor', [urn]);
    const panel = await issue('panel_member');
    t.clock.set(`${TODAY}T10:15:00Z`);
    await get(`/api/v1/ects/${ectId}`, tutor.token).set('X-Request-Id', 'tutor-read-1').expect(200);
    t.clock.set(`${TODAY}T11:30:00Z`);
    await get(`/api/v1/panel/cases/${ectId}`, panel.token).set('X-Request-Id', 'panel-read-1').expect(200);

    const log = await accessLog(ectId);
    expect(log.total).toBe(2);
    expect(log.items).toEqual([
      {
        seq: expect.any(Number),
        ectId,
        actorId: panel.userId,
        actorRole: 'panel_member',
        what: 'panel-case-file',
        via: `GET /api/v1/panel/cases/${ectId}`,
        correlationId: 'panel-read-1',
        readAt: `${TODAY}T11:30:00.000Z`,
      },
      {
        seq: expect.any(Number),
        ectId,
        actorId: tutor.userId,
        actorRole: 'induction_tutor',
        what: 'ect-record',
        via: `GET /api/v1/ects/${ectId}`,
        correlationId: 'tutor-read-1',
        readAt: `${TODAY}T10:15:00.000Z`,
      },
    ]);
    // Scoped to the ECT: another ECT's log has neither read; a refused read (out of scope) logs nothing.
    await get(`/api/v1/ects/${otherId}`, (await issue('induction_tutor', ['999999'])).token).expect(404);
    expect((await accessLog(otherId)).total).toBe(0);
  });

  it('logs the history, moderation and panel lists per ECT they show, and pages the log', async () => {
    const moderator = await issue('moderator');
    await get(`/api/v1/ects/${ectId}/events`, staff).expect(200);
    const queue = await get('/api/v1/moderation/queue?status=all&pageSize=500', moderator.token).expect(200);
    const cases = await get('/api/v1/panel/cases?pageSize=500', staff).expect(200);
    const shown = new Set<string>(queue.body.items.map((f: { ectId: string }) => f.ectId));
    expect(shown.size).toBeGreaterThan(0);
    const [sampled] = [...shown];
    const sampledLog = await accessLog(sampled!);
    expect(sampledLog.items.filter((a) => a.what === 'moderation-queue')).toEqual([
      expect.objectContaining({ actorId: moderator.userId, actorRole: 'moderator' }),
    ]);
    for (const c of cases.body.items as { ectId: string }[])
      expect((await accessLog(c.ectId)).items.some((a) => a.what === 'panel-cases-list')).toBe(true);

    const mine = await accessLog(ectId, '?pageSize=1&page=2');
    expect(mine.items).toHaveLength(1);
    expect(mine.total).toBeGreaterThanOrEqual(4);
    expect((await accessLog(ectId)).items.map((a) => a.what)).toContain('ect-history');
  });

  it('lets only hub staff read the log (403), and answers 404 for an unknown ECT', async () => {
    const tutor = await issue('induction_tutor', [urn]);
    const response = await get(`/api/v1/ects/${ectId}/access-log`, tutor.token).expect(403);
    expect(JSON.stringify(response.body)).toContain('hub_staff');
    await get(`/api/v1/ects/${ectId}/access-log`, (await issue('panel_member')).token).expect(403);
    await get(`/api/v1/ects/${randomUUID()}/access-log`, staff).expect(404);
    await get('/api/v1/ects/not-an-id/access-log', staff).expect(404);
  });

  it('keeps the log append-only', async () => {
    const ds = t.ledger.runtime.dataSource;
    await expect(ds.query(`UPDATE assessment_access_log SET actor_id = 'someone-else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`DELETE FROM assessment_access_log`)).rejects.toThrow(/append-only/);
  });

  it('records the ECT and panel case pages and shows hub staff who viewed their assessments', async () => {
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const signIn = async (role: string, schoolUrn?: string) => {
      const browser = request.agent(t.app.getHttpServer());
      const form = await browser.get('/sign-in').expect(200);
      await browser
        .post('/sign-in/dev')
        .type('form')
        .send({ _csrf: csrfOf(form.text), role, ...(schoolUrn ? { schoolUrn } : {}) })
        .expect(303);
      return browser;
    };
    const tutorBrowser = await signIn('induction_tutor', urn);
    const tutorPage = await tutorBrowser.get(`/ects/${ectId}`).expect(200);
    expect(tutorPage.text).not.toContain('Who viewed their assessments');
    await (await signIn('panel_member')).get(`/panel/cases/${ectId}`).expect(200);
    const staffPage = await (await signIn('hub_staff')).get(`/ects/${ectId}`).expect(200);
    expect(staffPage.text).toContain('Who viewed their assessments');
    expect(staffPage.text).toContain('Induction tutor');
    expect(staffPage.text).toContain('Panel member');
    expect(staffPage.text).toContain('ECT page');
    expect(staffPage.text).toContain('Panel case page');
    const log = await accessLog(ectId);
    expect(log.items.filter((a) => a.what === 'ect-page').map((a) => a.actorRole)).toEqual([
      'hub_staff',
      'induction_tutor',
    ]);
    expect(log.items.filter((a) => a.what === 'panel-case-page')).toEqual([
      expect.objectContaining({ actorRole: 'panel_member', via: `GET /panel/cases/${ectId}` }),
    ]);
  });
});
