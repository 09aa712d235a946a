import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { PanelCaseEntity, type PanelCaseRow } from '#read-models/panel/panel-cases.projection.js';
import {
  ModerationFormEntity,
  type ModerationFormRow,
} from '#read-models/moderation/moderation-sample.projection.js';
import { recordNotification } from '#read-models/notifications/notifications-sent.table.js';
import {
  EntitlementEntity,
  type EntitlementRow,
  type StoredCheck,
} from '#read-models/entitlements/entitlement-view.projection.js';
import { bulkInsert } from '#read-models/bulk-write.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 6, "no silently cut-off lists": the panel cases and moderation queue pages used to load 500 rows and
 * filter in memory. With more than 500 rows in the read model every row is reachable through the pages'
 * GOV.UK pagination, the count is the read model's, and the filters stay in the page links. The rows are
 * written straight into the read-model tables: the pages' paging is under test here, not the projections
 * (which test/e2e/panel and moderation cover from events).
 */
const AWAITING = 523;
const FROM_ONE_SCHOOL = 61;
const OUTSTANDING = 57;
const FINISHED = 20;
const TO_CHECK = 530;

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const unescape = (href: string) => href.replace(/&amp;/g, '&');
/** The ids a list links to, and its "next" page link, in one part of the page. */
const linksIn = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!);
const nextIn = (html: string) => {
  const next = /<a[^>]*href="([^"]+)"[^>]*rel="next"/.exec(html);
  return next ? unescape(next[1]!) : null;
};

describe('long lists on the web pages page through every row (issue 6)', () => {
  let t: TestLedger;
  let browser: TestAgent;
  const awaitingIds: string[] = [];
  const outstandingIds: string[] = [];
  const formIds: string[] = [];

  const panelCase = (i: number, over: Partial<PanelCaseRow>): PanelCaseRow => ({
    ectId: randomUUID(),
    round: 1,
    schoolUrn: i < FROM_ONE_SCHOOL ? '100061' : `1${String(i % 40).padStart(5, '0')}`,
    status: 'awaiting-decision',
    recommendation: 'satisfactory',
    receivedOn: '2026-06-01',
    representationsBy: '2026-06-11',
    representationsOn: null,
    decisionDueBy: `2026-07-${String(1 + (i % 28)).padStart(2, '0')}`,
    outcome: null,
    decidedOn: null,
    decidedBy: null,
    rationale: null,
    notifyBy: null,
    appealBy: null,
    late: false,
    notified: [],
    meetingId: null,
    present: [],
    dissent: [],
    ...over,
  });

  beforeAll(async () => {
    t = await startTestLedger({ now: '2026-07-20T09:00:00Z' });
    const ds = t.ledger.runtime.dataSource;
    const awaiting = Array.from({ length: AWAITING }, (_, i) => panelCase(i, {}));
    const decided = (i: number, finished: boolean) =>
      panelCase(i + 100, {
        status: 'decided',
        outcome: finished ? 'pass' : 'fail',
        decidedOn: '2026-07-01',
        notifyBy: '2026-07-06',
        // A pass with everyone told is done; a fail keeps its appeal window (R18) on the list.
        appealBy: finished ? null : '2026-07-29',
        notified: finished ? ['ect', 'head', 'employer'] : ['ect'],
      });
    const outstanding = Array.from({ length: OUTSTANDING }, (_, i) => decided(i, false));
    const finished = Array.from({ length: FINISHED }, (_, i) => decided(i, true));
    await ds.getRepository(PanelCaseEntity).insert([...awaiting, ...outstanding, ...finished]);
    awaitingIds.push(...awaiting.map((c) => c.ectId));
    outstandingIds.push(...outstanding.map((c) => c.ectId));

    const form = (i: number, over: Partial<ModerationFormRow>): ModerationFormRow => ({
      formId: randomUUID(),
      ectId: randomUUID(),
      schoolUrn: `2${String(i % 30).padStart(5, '0')}`,
      kind: i % 3 === 0 ? 'formal-assessment' : 'progress-review',
      term: i % 2 === 0 ? '2025-autumn' : '2025-spring',
      academicYear: 2025,
      submittedOn: `2026-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}`,
      reason: 'random',
      form: {},
      verdict: null,
      feedback: null,
      moderatorId: null,
      checkedOn: null,
      returned: false,
      returnReason: null,
      returnedOn: null,
      ...over,
    });
    const toCheck = Array.from({ length: TO_CHECK }, (_, i) => form(i, {}));
    const checked = Array.from({ length: 15 }, (_, i) =>
      form(i, { verdict: 'agree', feedback: 'Fine', checkedOn: '2026-07-01', moderatorId: 'm' }),
    );
    const returned = Array.from({ length: 7 }, (_, i) =>
      form(i, { returned: true, returnReason: 'Amend', returnedOn: '2026-07-01' }),
    );
    // Through the entity's metadata, as a plain object list (the jsonb `form` column's type is too deep to check).
    const rows: object[] = [...toCheck, ...checked, ...returned];
    await ds.createQueryBuilder().insert().into(ModerationFormEntity).values(rows).execute();
    formIds.push(...toCheck.map((f) => f.formId));

    browser = request.agent(t.app.getHttpServer());
    const signIn = await browser.get('/sign-in').expect(200);
    await browser
      .post('/sign-in/dev')
      .type('form')
      .send({ _csrf: csrfOf(signIn.text), role: 'hub_staff' })
      .expect(303);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Follows one list's "next" links from `start`, collecting the ids it links to on every page. */
  const crawl = async (
    start: string,
    section: (html: string) => string,
    ids: RegExp,
  ): Promise<{ ids: string[]; pages: string[] }> => {
    const seen: string[] = [];
    const pages: string[] = [];
    for (let url: string | null = start; url;) {
      const html = (await browser.get(url).expect(200)).text;
      pages.push(html);
      const part = section(html);
      seen.push(...linksIn(part, ids));
      url = nextIn(part);
      expect(pages.length).toBeLessThan(50);
    }
    return { ids: seen, pages };
  };
  const DECIDED = 'Decided: notifications and appeals';
  const awaitingPart = (html: string) => html.slice(0, html.indexOf(DECIDED));
  const decidedPart = (html: string) => html.slice(html.indexOf(DECIDED));
  const caseLink = /href="\/panel\/cases\/([0-9a-f-]{36})"/g;

  it('reaches every one of 523 cases awaiting a decision, 50 a page, with the count', async () => {
    const { ids, pages } = await crawl('/panel/cases', awaitingPart, caseLink);
    expect(pages).toHaveLength(11);
    expect(ids).toHaveLength(AWAITING);
    expect(new Set(ids)).toEqual(new Set(awaitingIds));
    expect(pages[0]).toContain('Showing 1 to 50 of 523 cases');
    expect(pages[1]).toContain('Showing 51 to 100 of 523 cases');
    expect(pages[10]).toContain('Showing 501 to 523 of 523 cases');
    expect(awaitingPart(pages[10]!)).not.toContain('rel="next"');
  });

  it('pages the decided cases on their own, leaving out those with nothing left to do (R17, R18)', async () => {
    const { ids, pages } = await crawl('/panel/cases', decidedPart, caseLink);
    expect(pages).toHaveLength(2);
    expect(new Set(ids)).toEqual(new Set(outstandingIds));
    expect(ids).toHaveLength(OUTSTANDING);
    expect(decidedPart(pages[1]!)).toContain('Showing 51 to 57 of 57 cases');
    // Paging the decided list keeps the awaiting list where it was.
    const both = (await browser.get('/panel/cases?page=3&decidedPage=2').expect(200)).text;
    expect(awaitingPart(both)).toContain('Showing 101 to 150 of 523 cases');
    expect(decidedPart(both)).toContain('Showing 51 to 57 of 57 cases');
    expect(unescape(decidedPart(both))).toContain('href="/panel/cases?page=3"');
    expect(unescape(awaitingPart(both))).toContain('href="/panel/cases?decidedPage=2&page=4"');
  });

  it('keeps a filter in the page links, and a page past the end shows the last page', async () => {
    const { ids, pages } = await crawl('/panel/cases?schoolUrn=100061', awaitingPart, caseLink);
    expect(ids).toHaveLength(FROM_ONE_SCHOOL);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Showing 1 to 50 of 61 cases');
    expect(unescape(awaitingPart(pages[0]!))).toContain('href="/panel/cases?schoolUrn=100061&page=2"');
    const past = (await browser.get('/panel/cases?page=999').expect(200)).text;
    expect(past).toContain('Showing 501 to 523 of 523 cases');
  });

  it('keeps the empty state when a filter matches nothing', async () => {
    const none = (await browser.get('/panel/cases?schoolUrn=999999').expect(200)).text;
    expect(none).toContain('There are no cases awaiting a decision.');
    expect(none).toContain('There are no decided cases with notifications or appeals outstanding.');
    expect(none).not.toContain('govuk-pagination');
  });

  it('reaches every one of 530 forms to check in the moderation queue, with the count', async () => {
    const formLink = /href="\/moderation\/checks\/([0-9a-f-]{36})"/g;
    const { ids, pages } = await crawl('/moderation', (html) => html, formLink);
    expect(pages).toHaveLength(11);
    expect(ids).toHaveLength(TO_CHECK);
    expect(new Set(ids)).toEqual(new Set(formIds));
    expect(pages[0]).toContain('Forms to check (530)');
    expect(pages[1]).toContain('Showing 51 to 100 of 530 forms');
    expect(pages[10]).toContain('Showing 501 to 530 of 530 forms');

    const filtered = await crawl('/moderation?term=2025-autumn&kind=progress-review', (h) => h, formLink);
    const expected = Array.from({ length: TO_CHECK }, (_, i) => i).filter(
      (i) => i % 2 === 0 && i % 3 !== 0,
    ).length;
    expect(filtered.ids).toHaveLength(expected);
    expect(filtered.pages[0]).toContain(`Showing 1 to 50 of ${expected} forms`);
    expect(unescape(filtered.pages[0]!)).toContain(
      'href="/moderation?term=2025-autumn&kind=progress-review&page=2"',
    );
    const none = (await browser.get('/moderation?schoolUrn=999999').expect(200)).text;
    expect(none).toContain('There are no forms to check.');
  });

  it("pages a panel member's dashboard, soonest deadline first, and the hub dashboard counts every case", async () => {
    const panel = request.agent(t.app.getHttpServer());
    const signIn = await panel.get('/sign-in').expect(200);
    await panel
      .post('/sign-in/dev')
      .type('form')
      .send({ _csrf: csrfOf(signIn.text), role: 'panel_member' })
      .expect(303);
    const ids: string[] = [];
    const dues: string[] = [];
    let pages = 0;
    for (let url: string | null = '/'; url; pages += 1) {
      const html = (await panel.get(url).expect(200)).text;
      if (pages === 1) expect(html).toContain('Showing 51 to 100 of 523 cases');
      ids.push(...linksIn(html, caseLink));
      dues.push(...linksIn(html, /data-sort-value="(\d{4}-\d{2}-\d{2})"/g));
      url = nextIn(html);
    }
    expect(pages).toBe(11);
    expect(new Set(ids)).toEqual(new Set(awaitingIds));
    expect(dues).toEqual([...dues].sort());

    // Today is 2026-07-20: decide-by dates 1 to 19 July are past R16.
    const overdue = Array.from({ length: AWAITING }, (_, i) => 1 + (i % 28)).filter((d) => d < 20).length;
    const hub = (await browser.get('/').expect(200)).text;
    expect(hub).toContain(`523 cases awaiting a decision</a> (${overdue} past the R16 deadline)`);
  });

  it("pages the annual survey's 530 invitations and counts every response", async () => {
    const ds = t.ledger.runtime.dataSource;
    await ds.query(
      `INSERT INTO survey_definitions (year, title, opens_on, closes_on, questions, defined_on)
       VALUES (2025, 'Survey 2025', '2026-05-01', '2026-06-30', '[]', '2026-04-01')`,
    );
    // 265 schools, a head and a tutor each; every third invitation has been answered.
    await ds.query(
      `INSERT INTO survey_invitations
         (invitation_id, year, school_urn, role, token_hash, expires_on, invited_on, reminders_sent, responded_on)
       SELECT 'inv-' || n, 2025, (300000 + n / 2)::text, CASE WHEN n % 2 = 0 THEN 'head' ELSE 'tutor' END,
              'hash-' || n, '2026-07-31', '2026-05-01', 0, CASE WHEN n % 3 = 0 THEN '2026-05-10' END
         FROM generate_series(0, 529) AS n`,
    );
    const answered = Array.from({ length: 530 }, (_, n) => n).filter((n) => n % 3 === 0).length;
    const seen = new Set<string>();
    let pages = 0;
    for (let url: string | null = '/surveys/2025'; url; pages += 1) {
      const html = (await browser.get(url).expect(200)).text;
      if (pages === 0) expect(html).toContain(`${answered} of 530 invited`);
      if (pages === 10) expect(html).toContain('Showing 501 to 530 of 530 invitations');
      for (const urn of linksIn(
        html,
        /<td class="govuk-table__cell">(3\d{5})<\/td>\s*<td class="govuk-table__cell">(?:Headteacher|Induction tutor)/g,
      ))
        seen.add(urn);
      url = nextIn(html);
    }
    expect(pages).toBe(11);
    expect(seen.size).toBe(265);
  });

  it('pages every notification on the jobs page, with the count', async () => {
    const ds = t.ledger.runtime.dataSource;
    for (let n = 0; n < 120; n += 1)
      await recordNotification(ds, {
        eventId: randomUUID(),
        recipient: `r${n}`,
        template: `template-${String(n).padStart(3, '0')}`,
        channel: 'log',
      });
    const templates: string[] = [];
    let pages = 0;
    for (let url: string | null = '/jobs'; url; pages += 1) {
      const html = (await browser.get(url).expect(200)).text;
      if (pages === 1) expect(html).toContain('Showing 51 to 100 of 120 notifications');
      templates.push(...linksIn(html, /(template-\d{3})/g));
      url = nextIn(html);
    }
    expect(pages).toBe(3);
    // Every one exactly once (in the table's seq order, which pooled connections may interleave).
    expect(templates).toHaveLength(120);
    expect(new Set(templates)).toEqual(
      new Set(Array.from({ length: 120 }, (_, n) => `template-${String(n).padStart(3, '0')}`)),
    );
  });

  it('keeps the pages to their roles: a moderator has no panel cases, a panel member no moderation queue', async () => {
    const as = async (role: string) => {
      const agent = request.agent(t.app.getHttpServer());
      const signIn = await agent.get('/sign-in').expect(200);
      await agent
        .post('/sign-in/dev')
        .type('form')
        .send({ _csrf: csrfOf(signIn.text), role })
        .expect(303);
      return agent;
    };
    await (await as('moderator')).get('/panel/cases?page=2').expect(403);
    await (await as('panel_member')).get('/moderation?page=2').expect(403);
    await (await as('panel_member')).get('/panel/cases?page=2').expect(200);
  });

  it('counts and pages every ECT with an entitlement not met, past the 10,000 the report used to load', async () => {
    // 10,001 ECTs without an induction programme (R22) and 29 with every entitlement met, written straight into
    // the entitlement view: the report and the hub dashboard used to evaluate the first 10,000 ECTs only.
    const SHORT = 10_001;
    const MET = 29;
    const decided = { eventId: null, eventType: null, streamRevision: null };
    const check = (met: boolean): StoredCheck => ({ ...decided, met, since: '2025-09-01' });
    const row = (i: number): Partial<EntitlementRow> => ({
      ectId: randomUUID(),
      schoolUrn: `3${String(i % 20).padStart(5, '0')}`,
      phase: 'open',
      revision: '0',
      state: {} as EntitlementRow['state'],
      checks: {
        programme: check(i >= SHORT),
        'induction-tutor-with-qts': check(true),
        'mentor-with-qts': check(true),
        'mentor-distinct-from-tutor': check(true),
        'ab-contact': check(true),
        'assessments-on-time': check(true),
      },
      reviews: [],
      lastReview: null,
      registered: { ...decided, on: '2025-09-01' },
      yearTwoFrom: null,
      timetables: [{ ...decided, from: '2025-09-01', percent: 90 }],
      updatedAt: new Date('2026-07-01T00:00:00Z'),
    });
    const rows = Array.from({ length: SHORT + MET }, (_, i) => row(i));
    const ds = t.ledger.runtime.dataSource;
    for (let i = 0; i < rows.length; i += 2_000)
      await bulkInsert(ds.manager, EntitlementEntity, rows.slice(i, i + 2_000));

    const first = (await browser.get('/entitlements').expect(200)).text;
    expect(first).toContain(`${MET} of 10030 ECTs have every entitlement met`);
    expect(first).toContain('Showing 1 to 50 of 10,001 ECTs');
    expect(unescape(first)).toContain('href="/entitlements?page=201"');
    const last = (await browser.get('/entitlements?page=201').expect(200)).text;
    expect(last).toContain('Showing 10,001 to 10,001 of 10,001 ECTs');
    const ectLinks = /href="\/ects\/([0-9a-f-]{36})"/g;
    const shortIds = new Set(rows.slice(0, SHORT).map((r) => r.ectId));
    const lastLinks = linksIn(last, ectLinks);
    expect(lastLinks).toHaveLength(1);
    expect(shortIds.has(lastLinks[0]!)).toBe(true);
    // A page past the end is the last page.
    expect((await browser.get('/entitlements?page=999').expect(200)).text).toContain(
      'Showing 10,001 to 10,001 of 10,001 ECTs',
    );
    const hub = (await browser.get('/').expect(200)).text;
    expect(hub).toContain('10001 ECTs with an entitlement not met');
  }, 120_000);
});
