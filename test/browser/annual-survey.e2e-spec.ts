/**
 * The annual survey's pages in Chromium (issue 8): the public form a personal link opens, its error and
 * confirmation pages, and the hub's survey and report pages, each checked with axe at WCAG 2.2 AA.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { STANDARD_SURVEY_QUESTIONS } from '#induction/survey/standard-questions.js';
import { invitationIdOf, surveyToken } from '../../apps/api/src/surveys/survey-links.js';
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

const SCHOOLS = [
  { urn: '310001', name: 'Hazel Primary School', phase: 'primary', localAuthority: 'Cambridgeshire' },
  { urn: '310002', name: 'Rowan Academy', phase: 'secondary', localAuthority: 'Peterborough' },
];

describeWithChromium('annual survey pages in Chromium, axe WCAG 2.2 AA on every page', () => {
  let t: TestLedger;
  let browser: Browser;
  let web: WebPages;
  let baseUrl: string;
  const findings: AxeFinding[] = [];
  jest.setTimeout(300_000);

  const check = async (name: string, shot = false) => {
    findings.push(...(await axeViolations(browser.page, name)));
    if (shot) await screenshot(browser.page, name);
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: '2026-07-10T09:00:00Z', env: { READ_WAIT_TIMEOUT_MS: '60000' } });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const hub = await t.token('hub_staff');
    let position = '0';
    for (const school of SCHOOLS) {
      const res = await t.http
        .post('/api/v1/schools')
        .set('Authorization', `Bearer ${hub}`)
        .send(school)
        .expect(201);
      position = res.headers['x-log-position'] as string;
    }
    await t.http
      .get('/api/v1/schools')
      .set('Authorization', `Bearer ${hub}`)
      .set('X-Min-Log-Position', position)
      .expect(200);
    await t.http
      .post('/api/v1/surveys/2025')
      .set('Authorization', `Bearer ${hub}`)
      .send({
        title: 'Annual survey to schools 2025/26',
        opensOn: '2026-07-01',
        closesOn: '2026-07-31',
        questions: STANDARD_SURVEY_QUESTIONS,
      })
      .expect(201);
    const invited = await t.http
      .post('/api/v1/surveys/2025/invitations')
      .set('Authorization', `Bearer ${hub}`)
      .send({});
    expect(invited.status).toBe(201);
    await t.http
      .get('/api/v1/surveys/2025')
      .set('Authorization', `Bearer ${hub}`)
      .set('X-Min-Log-Position', invited.headers['x-log-position'] as string)
      .expect(200);
    browser = await launchBrowser();
    web = new WebPages(browser.page, baseUrl);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a head answers through their personal link: form, errors, confirmation', async () => {
    const token = surveyToken(t.ledger.runtime.config.apiTokenSecret, invitationIdOf(2025, '310001', 'head'));
    expect(await web.goto(`/survey/${token}`)).toBe(200);
    expect(await web.heading()).toBe('Annual survey to schools 2025/26');
    await check('survey-response', true);
    await browser.page.getByRole('button', { name: 'Send response' }).click();
    await browser.page.waitForLoadState();
    await expect(browser.page.locator('.govuk-error-summary').first().innerText()).resolves.toContain(
      'There is a problem',
    );
    await check('survey-response-errors');
    const page = browser.page;
    for (const [question, answer] of [
      ['How would you rate the AB service overall?', '4'],
      ['How useful is the AB advice you receive?', '5 (excellent)'],
      ['How useful is the induction-tutor training?', '3'],
      ['Is the service level agreement clear?', 'Yes'],
      ['Would you recommend the AB to another school?', 'Yes'],
    ] as const)
      await page.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
    await page.getByLabel('What could the AB do better?').fill('More drop-in clinics, please');
    await page.getByRole('button', { name: 'Send response' }).click();
    await page.waitForLoadState();
    expect(await web.heading()).toContain('Response sent');
    await check('survey-response-confirmation');
  });

  it('hub staff see who has responded and the report with its charts', async () => {
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    expect(await web.goto('/surveys/2025')).toBe(200);
    await check('survey-admin', true);
    expect(await web.goto('/reports/annual-survey/2025')).toBe(200);
    expect(await browser.page.locator('img[src^="data:image/svg+xml"]').count()).toBeGreaterThan(0);
    await check('survey-report', true);
    expect(await web.goto('/reports/annual-survey/2025?school=310001')).toBe(200);
    await check('survey-report-school');
  });

  it('has no axe findings at WCAG 2.2 AA', () => {
    expect(findings).toEqual([]);
  });
});
