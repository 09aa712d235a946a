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
  { personId: '21111111-2222-4333-8444-555555555555', name: 'Eli Member' },
  { personId: '21111111-2222-4333-8444-555555555556', name: 'Fay Member' },
];

describeWithChromium('AB panel and moderation pages in Chromium, axe WCAG 2.2 AA', () => {
  let t: TestLedger;
  let browser: Browser;
  let web: WebPages;
  let baseUrl: string;
  let ectId: string;
  let outcomesUploadPath = '/bulk-upload/00000000-0000-4000-8000-000000000000';
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
    // A second ECT, released through the outcomes upload.
    await post('/ects', {
      trn: '7100002',
      firstName: 'Omar',
      lastName: 'Reyes',
      dateOfBirth: '1998-11-03',
      email: 'omar@oak.example',
      schoolUrn: OAK.urn,
      qtsAwardedOn: '2025-07-15',
      startDate: '2025-09-01',
      fte: 1,
      programme: 'provider-led',
      mentor: { name: 'Mo Mentor', email: 'mo@oak.example', hasQts: true },
      inductionTutor: { name: 'Tia Tutor', email: 'tia@oak.example', hasQts: true },
    });
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

  it('hub staff: schedule a panel meeting for a case, a member from the ECT’s school refused (R21)', async () => {
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    // The hub dashboard counts the panel's, early help's and moderation's queues, each linking to its list.
    await web.goto('/');
    expect(await web.heading()).toBe('Hub dashboard');
    await expect(browser.page.getByRole('link', { name: /forms? to check$/ }).count()).resolves.toBe(1);
    await expect(browser.page.getByRole('link', { name: /open cases?$/ }).count()).resolves.toBe(1);
    await check('hub-dashboard-queues');
    await browser.page.getByRole('link', { name: '1 case awaiting a decision' }).click();
    expect(await web.heading()).toBe('Panel cases');
    await browser.page.getByRole('link', { name: /^Panel meetings/ }).click();
    expect(await web.heading()).toBe('Panel meetings');
    await expect(browser.page.getByRole('cell', { name: '1 September 2027' }).count()).resolves.toBe(1);
    await check('panel-meetings', true);

    await web.goto(`/panel/cases/${ectId}`);
    await browser.page.getByRole('link', { name: 'Schedule a panel meeting for this case' }).click();
    expect(await web.heading()).toBe('Schedule a panel meeting');
    await web.fill('Quorum', '');
    await web.press('Continue');
    const summary = await web.errorSummary();
    expect(summary).toEqual([
      'Enter the date of the meeting',
      'Quorum must be a whole number from 1 to 20',
      'Select or add the members of the panel',
    ]);
    expect(await web.inlineErrors()).toEqual(summary);
    await check('panel-meeting-errors', true);

    await web.fillDate('Date of the meeting', '2027-09-08');
    await web.fill('Quorum', '3');
    for (const name of ['Alex Chair', 'Bea Member', 'Cal Oakteacher']) await web.choose(name);
    await web.press('Continue');
    const conflict = await web.errorSummary();
    expect(conflict).toHaveLength(1);
    expect(conflict[0]).toMatch(/^R21: Cal Oakteacher works at the ECT’s school \(URN 310001\)/);
    await check('panel-meeting-conflict');

    await browser.page.getByLabel('Cal Oakteacher', { exact: true }).uncheck();
    const newMember = browser.page.getByRole('group', { name: 'New member 1', exact: true });
    await newMember.getByLabel('Full name').fill('Eve Newmember');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the panel meeting before scheduling it');
    expect(await web.summaryValue('Date')).toBe('8 September 2027');
    expect((await web.summaryValue('Members')).split('\n')).toEqual([
      'Alex Chair',
      'Bea Member',
      'Eve Newmember',
    ]);
    await check('panel-meeting-check', true);
    await web.press('Schedule meeting');
    expect(await web.heading()).toBe('Panel meeting scheduled');
    await check('panel-meeting-confirmation', true);
    await browser.page.getByRole('link', { name: 'View all panel meetings' }).click();
    await expect(browser.page.getByRole('cell', { name: '8 September 2027' }).count()).resolves.toBe(1);
    await expect(browser.page.getByRole('cell', { name: /Eve Newmember/ }).count()).resolves.toBe(1);
    await web.signOut();
  });

  it('hub staff: induction outcomes from a CSV, rows with errors first, then confirmed all or nothing', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    await browser.page.getByRole('link', { name: 'Panel', exact: true }).click();
    await browser.page.getByRole('link', { name: 'Record induction outcomes from a CSV file' }).click();
    expect(await web.heading()).toBe('Record induction outcomes from a CSV file');
    await web.press('Upload and check the file');
    expect(await web.errorSummary()).toEqual(['Select a CSV file']);
    expect(await web.inlineErrors()).toEqual(['Select a CSV file']);
    await check('outcomes-upload-errors', true);
    const upload = async (lines: string[]) => {
      await browser.page.getByLabel('Upload a CSV file').setInputFiles({
        name: 'outcomes.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          ['TRN,Date of birth,Induction period end date,Number of terms,Outcome', ...lines].join('\n'),
        ),
      });
      await web.press('Upload and check the file');
    };
    await upload(['7100002,01/01/2000,31/08/2027,6,Pass', '7100009,03/11/1998,31/08/2027,6,Pass']);
    expect(await web.heading()).toBe('Fix the rows with errors');
    const rows = await browser.page.locator('#row-errors tbody tr').allInnerTexts();
    expect(rows).toEqual([
      expect.stringContaining('Date of birth does not match our record for TRN 7100002'),
      expect.stringContaining('No ECT with TRN 7100009 is registered with this AB'),
    ]);
    await check('outcomes-upload-row-errors', true);
    const errorsHref = await browser.page
      .getByRole('link', { name: 'Download the rows with errors (CSV)' })
      .getAttribute('href');
    const errorsCsv = await (await browser.page.request.get(`${baseUrl}${errorsHref}`)).text();
    expect(errorsCsv.split('\n')[0]).toContain('TRN,Date of birth,Induction period end date');
    expect(errorsCsv).toContain('Date of birth does not match');
    await browser.page.getByRole('link', { name: 'Upload a corrected file' }).click();
    expect(await web.heading()).toBe('Record induction outcomes from a CSV file');
    await upload(['7100002,03/11/1998,31/08/2027,6,Release']);
    expect(await web.heading()).toBe('Check the upload before recording the outcomes');
    outcomesUploadPath = new URL(browser.page.url()).pathname;
    await check('outcomes-upload-check', true);
    await web.press('Record 1 outcome');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Outcomes recorded']);
    await check('outcomes-upload-confirmation', true);
    await web.signOut();
  });

  it('panel member: cases with deadlines, the whole case, and the decision form', async () => {
    await browser.context.clearCookies();
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

    await browser.page
      .getByRole('link', { name: /Record the decision of the panel meeting on 1 September 2027/ })
      .click();
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

    const present = (name: string) =>
      browser.page
        .getByRole('group', { name: 'Which members were present?' })
        .getByLabel(name, { exact: true });
    const dissented = (name: string) =>
      browser.page
        .getByRole('group', { name: 'Which members dissented? (optional)' })
        .getByLabel(name, { exact: true });
    await web.choose('Pass');
    await web.fill('Rationale for the decision', 'Every standard met, strong evidence');
    for (const name of ['Alex Chair', 'Bea Member', 'Cal Oakteacher']) await present(name).check();
    await web.press('Record decision');
    // Check answers first; the panel's rules (R21 here) refuse when it is recorded, back on the form.
    expect(await web.heading()).toBe('Check the panel’s decision before recording it');
    expect(await web.summaryValue('Decision')).toBe('Pass');
    await web.press('Record decision');
    expect(await web.heading()).toBe('Record the panel’s decision');
    const conflict = await web.errorSummary();
    expect(conflict).toHaveLength(1);
    expect(conflict[0]).toMatch(/^R21: .*Cal Oakteacher/);
    await check('panel-decision-conflict');

    // Several members may dissent, each with their own reason.
    await present('Cal Oakteacher').uncheck();
    for (const name of ['Dee Member', 'Eli Member', 'Fay Member']) await present(name).check();
    await dissented('Bea Member').check();
    await dissented('Dee Member').check();
    await web.fill('Why Bea Member dissented', 'Would extend by one term to see questioning improve');
    await web.press('Record decision');
    expect(await web.errorSummary()).toEqual(['Enter why Dee Member dissented']);
    expect(await web.inlineErrors()).toEqual(['Enter why Dee Member dissented']);
    await check('panel-decision-dissent-errors', true);
    await web.fill('Why Dee Member dissented', 'The evidence of TS5 is thin');
    await web.press('Record decision');
    expect(await web.heading()).toBe('Check the panel’s decision before recording it');
    expect((await web.summaryValue('Members present')).split('\n')).toEqual([
      'Alex Chair',
      'Bea Member',
      'Dee Member',
      'Eli Member',
      'Fay Member',
    ]);
    expect((await web.summaryValue('Dissent')).split('\n')).toEqual([
      'Bea Member: Would extend by one term to see questioning improve',
      'Dee Member: The evidence of TS5 is thin',
    ]);
    await check('panel-decision-check', true);
    await web.press('Record decision');
    expect(await web.heading()).toBe('Nia Okafor');
    await expect(browser.page.getByText('The panel’s decision is recorded').count()).resolves.toBe(1);
    expect(await web.summaryValue('Notify by (R17)')).toBe('6 September 2027');
    expect(await web.summaryValue('Dissent')).toBe(
      'Bea Member: Would extend by one term to see questioning improve; Dee Member: The evidence of TS5 is thin',
    );
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
    expect(await web.goto('/panel/meetings')).toBe(403);
    expect(await web.goto('/panel/meetings/new')).toBe(403);
    expect(await web.goto('/bulk-upload/outcomes')).toBe(403);
    // The hub's upload is not the tutor's to see, by id or its error file.
    expect(await web.goto(outcomesUploadPath)).toBe(404);
    expect(await web.goto(`${outcomesUploadPath}/errors.csv`)).toBe(404);
    await web.goto('/');
    await web.signOut();
  });

  it('finds no accessibility violations on any page', () => {
    expect(findings).toEqual([]);
  });
});
