/**
 * The AB panel's and the moderators' pages in Chromium (issue 6): cases with deadlines, a case with every
 * record, the decision form (errors, an R21 conflict refused with a clear message, then recorded), and the
 * moderation queue and check page. Every page is checked with axe at WCAG 2.2 AA.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import {
  axeViolations,
  describeWithChromium,
  launchBrowser,
  screenshot,
  type AxeFinding,
  type Browser,
} from './support/browser.js';
import { WebPages } from './support/web-pages.js';

const OAK = { urn: '310001', name: 'Oak Primary School', phase: 'primary', localAuthority: 'Norfolk' };
const ALL_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'met']),
);
const MEMBERS = [
  { personId: '21111111-2222-4333-8444-555555555551', name: 'Alex Chair' },
  { personId: '21111111-2222-4333-8444-555555555552', name: 'Bea Member' },
  { personId: '21111111-2222-4333-8444-555555555553', name: 'Cal Oakteacher', schoolUrn: OAK.urn },
  { personId: '21111111-2222-4333-8444-555555555554', name: 'Dee Member' },
];

describeWithChromium('AB panel and moderation pages in Chromium, axe WCAG 2.2 AA', () => {
  let t: TestLedger;
  let browser: Browser;
  let web: WebPages;
  let baseUrl: string;
  let ectId: string;
  const findings: AxeFinding[] = [];
  jest.setTimeout(300_000);

  const check = async (name: string, shot = false) => {
    findings.push(...(await axeViolations(browser.page, name)));
    if (shot) await screenshot(browser.page, name);
  };

  beforeAll(async () => {
    // Reads wait for the projections to pass each write; on a loaded CI machine that can take more than 5 s.
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z', env: { READ_WAIT_TIMEOUT_MS: '60000' } });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const hub = await t.token('hub_staff');
    const post = async (path: string, body: object) => {
      const response = await t.http.post(`/api/v1${path}`).set('Authorization', `Bearer ${hub}`).send(body);
      if (response.status !== 201)
        throw new Error(`${path} → ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as { id: string };
    };
    const at = (date: string) => t.clock.set(`${date}T10:00:00Z`);
    await post('/schools', OAK);
    ectId = (
      await post('/ects', {
        trn: '7100001',
        firstName: 'Nia',
        lastName: 'Okafor',
        dateOfBirth: '1999-05-01',
        email: 'nia@oak.example',
        schoolUrn: OAK.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'provider-led',
        mentor: { name: 'Mo Mentor', email: 'mo@oak.example', hasQts: true },
        inductionTutor: { name: 'Tia Tutor', email: 'tia@oak.example', hasQts: true },
      })
    ).id;
    const review = async (term: number, on: string, onTrack = true) => {
      at(on);
      await post(`/ects/${ectId}/progress-reviews`, {
        term,
        reviewedOn: on,
        onTrack,
        strengths: 'Clear explanations',
        areasForDevelopment: 'Questioning',
        supportPlan: 'Fortnightly coaching',
      });
    };
    const assess = async (point: string, on: string, recommendation: string) =>
      post(`/ects/${ectId}/assessments`, {
        point,
        assessedOn: on,
        assessor: { role: 'induction-tutor', email: 'tia@oak.example' },
        standards: ALL_MET,
        recommendation,
        evidence: 'Observations and pupil work',
        signedOn: { inductionTutor: on, head: on, ect: on },
      });
    await review(1, '2025-12-10', false);
    await review(2, '2026-03-20');
    at('2026-07-06');
    await assess('year-1', '2026-07-01', 'satisfactory');
    await review(4, '2026-12-08');
    await review(5, '2027-03-10');
    at('2027-08-18');
    await assess('final', '2027-08-16', 'pass');
    at('2027-08-20');
    await post(`/ects/${ectId}/representations`, { summary: 'I agree with the recommendation' });
    at('2027-09-01');
    await post('/panel/meetings', { heldOn: '2027-09-01', members: MEMBERS });
    browser = await launchBrowser();
    web = new WebPages(browser.page, baseUrl);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('panel member: cases with deadlines, the whole case, and the decision form', async () => {
    await web.signInAsDeveloper('panel_member', { name: 'Pat Panel' });
    await browser.page.getByRole('link', { name: 'Panel', exact: true }).click();
    expect(await web.heading()).toBe('Panel cases');
    await expect(browser.page.getByRole('cell', { name: '16 September 2027' }).count()).resolves.toBe(1);
    await check('panel-cases', true);

    await browser.page.getByRole('link', { name: 'Nia Okafor' }).click();
    expect(await web.heading()).toBe('Nia Okafor');
    expect(await web.summaryValue('Decide by (R16)')).toBe('16 September 2027');
    await expect(browser.page.getByText('I agree with the recommendation').count()).resolves.toBe(1);
    await expect(browser.page.getByRole('heading', { name: /progress review/ }).count()).resolves.toBe(4);
    await check('panel-case', true);

    await browser.page.getByRole('link', { name: /Record the decision of the panel meeting/ }).click();
    expect(await web.heading()).toBe('Record the panel’s decision');
    await web.press('Record decision');
    const summary = await web.errorSummary();
    expect(summary).toEqual([
      'Select the panel’s decision',
      'Select the members present',
      'Enter the rationale for the decision',
    ]);
    expect(await web.inlineErrors()).toEqual(summary);
    await check('panel-decision-errors', true);

    await web.choose('Pass');
    await web.fill('Rationale for the decision', 'Every standard met, strong evidence');
    for (const name of ['Alex Chair', 'Bea Member', 'Cal Oakteacher']) await web.choose(name);
    await web.press('Record decision');
    const conflict = await web.errorSummary();
    expect(conflict).toHaveLength(1);
    expect(conflict[0]).toMatch(/^R21: .*Cal Oakteacher/);
    await check('panel-decision-conflict');

    await browser.page.getByLabel('Cal Oakteacher', { exact: true }).uncheck();
    await web.choose('Dee Member');
    await web.press('Record decision');
    expect(await web.heading()).toBe('Nia Okafor');
    await expect(browser.page.getByText('The panel’s decision is recorded').count()).resolves.toBe(1);
    expect(await web.summaryValue('Notify by (R17)')).toBe('6 September 2027');
    await check('panel-case-decided');
    await web.signOut();
  });

  it('moderator: the queue, a check with errors, a finding and a return to the school', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('moderator', { name: 'Morgan Moderator' });
    await browser.page.getByRole('link', { name: 'Moderation', exact: true }).click();
    expect(await web.heading()).toBe('Moderation');
    await check('moderation-queue', true);

    await browser.page
      .getByRole('link', { name: /Progress review/ })
      .first()
      .click();
    expect(await web.heading()).toBe('Moderation check: progress review');
    expect(await web.summaryValue('Why it is in the sample')).toBe('Not on track');
    await web.press('Save finding');
    expect(await web.errorSummary()).toEqual([
      'Select whether you agree with the school’s judgement',
      'Enter feedback for the school',
    ]);
    await check('moderation-check-errors', true);
    await web.choose('No, I disagree');
    await web.fill('Feedback for the school', 'The support plan needs dates and owners');
    await web.press('Save finding');
    expect(await web.summaryValue('Verdict')).toBe('Disagree with the school');
    await web.fill('What must the school amend?', 'Add who does what by when');
    await web.press('Return form for amendment');
    expect(await web.summaryValue('Reason')).toBe('Add who does what by when');
    await check('moderation-check-done', true);

    await web.goto('/moderation');
    await expect(browser.page.getByRole('cell', { name: '0%' }).count()).resolves.toBeGreaterThan(0);
    await web.signOut();
  });

  it('keeps induction tutors out of the panel and moderation pages', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('induction_tutor', { schoolUrn: OAK.urn });
    expect(await web.goto('/panel/cases')).toBe(403);
    expect(await web.goto(`/panel/cases/${ectId}`)).toBe(403);
    expect(await web.goto('/moderation')).toBe(403);
    await web.goto('/');
    await web.signOut();
  });

  it('finds no accessibility violations on any page', () => {
    expect(findings).toEqual([]);
  });
});
