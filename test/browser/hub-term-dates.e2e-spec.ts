/**
 * Hub staff set an academic year's term dates on the web (R1, issue 4): the list of years, the form opened
 * with the dates in force, an inline error, a rule refusal on the check page, then the change saved and
 * shown. Every page is checked with axe at WCAG 2.2 AA. Skipped when Chromium is not installed.
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

const QUESTION = 'How many school days are in one full-time equivalent term?';

describeWithChromium('hub staff: term dates for each academic year in Chromium, axe on every page', () => {
  let t: TestLedger;
  let browser: Browser;
  let web: WebPages;
  const findings: AxeFinding[] = [];
  jest.setTimeout(300_000);
  const check = async (name: string, shot = false) => {
    findings.push(...(await axeViolations(browser.page, name)));
    if (shot) await screenshot(browser.page, name);
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    await t.app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    web = new WebPages(browser.page, baseUrl);
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the years, then changes 2026/27 through the form, check answers and confirmation', async () => {
    await browser.page.getByRole('link', { name: 'Term dates for each academic year' }).click();
    expect(await web.heading()).toBe('Term dates');
    await expect(browser.page.locator('.govuk-summary-card').first().innerText()).resolves.toContain(
      '2024/25',
    );
    await check('calendar', true);

    await browser.page.getByRole('link', { name: 'Change term dates for 2026/27' }).click();
    expect(await web.heading()).toBe('When are the terms?');
    // The form opens with the dates in force (the defaults for 2026/27).
    await expect(
      browser.page.getByRole('group', { name: 'Autumn term starts' }).getByLabel('Day').inputValue(),
    ).resolves.toBe('1');
    await check('calendar-change');

    await web.fillDate('Autumn term starts', '2026-09-02');
    await web.fillDate('Autumn term ends', '2026-08-18');
    await web.press('Continue');
    expect(await web.errorSummary()).toEqual(['Autumn term must end on or after the day it starts']);
    expect(await web.inlineErrors()).toEqual(['Autumn term must end on or after the day it starts']);
    expect(await browser.page.title()).toMatch(/^Error: /);
    await check('calendar-change-errors');

    // Overlapping terms pass the form's checks but not R1: the check page says why.
    await web.fillDate('Autumn term ends', '2027-01-08');
    await web.fillDate('Spring term starts', '2027-01-04');
    await web.fillDate('Spring term ends', '2027-03-26');
    await web.fillDate('Summer term starts', '2027-04-12');
    await web.fillDate('Summer term ends', '2027-07-21');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the term dates before saving them');
    await web.press('Save term dates');
    expect((await web.errorSummary()).join()).toMatch(/R1: Spring term 2026\/27 must start after the autumn/);
    await check('calendar-check-refused', true);

    await browser.page.getByRole('link', { name: 'Change autumn term ends' }).click();
    await web.fillDate('Autumn term ends', '2026-12-18');
    await web.press('Continue');
    expect(await web.summaryValue('Autumn term ends')).toBe('18 December 2026');
    await web.press('Save term dates');
    await expect(browser.page.locator('.govuk-panel').innerText()).resolves.toContain('Term dates saved');
    await check('calendar-saved');

    await browser.page.getByRole('link', { name: 'View term dates' }).click();
    const card = browser.page.locator('.govuk-summary-card', { hasText: '2026/27' });
    await expect(card.innerText()).resolves.toContain('Set by the hub');
    await expect(card.innerText()).resolves.toContain('2 September 2026 to 18 December 2026');
    expect(t.ledger.domain.calendar.academicYearTerms(2026).summer).toEqual({
      start: '2027-04-12',
      end: '2027-07-21',
    });
  });

  it('changes the length of a full-time equivalent term (R1): inline errors, check answers, confirmation', async () => {
    expect(await web.goto('/calendar')).toBe(200);
    expect(await web.summaryValue('One full-time equivalent term')).toBe('65 school days');
    await browser.page
      .getByRole('link', { name: 'Change the school days in one full-time equivalent term' })
      .click();
    // One question on the page: its label is the page's heading.
    expect(await web.heading()).toBe(QUESTION);
    // The form opens with the length in force.
    await expect(browser.page.getByLabel(QUESTION).inputValue()).resolves.toBe('65');
    await check('calendar-fte');

    await web.fill(QUESTION, '6.5');
    await web.press('Continue');
    expect(await web.errorSummary()).toEqual(['School days in a term must be a whole number, like 65']);
    await web.fill(QUESTION, '200');
    await web.press('Continue');
    expect(await web.inlineErrors()).toEqual(['School days in a term must be between 30 and 100']);
    await check('calendar-fte-errors');

    await web.fill(QUESTION, '63');
    await web.press('Continue');
    expect(await web.summaryValue('School days in one full-time equivalent term')).toBe('63 school days');
    await check('calendar-fte-check');
    await web.press('Save term length');
    await expect(browser.page.locator('.govuk-panel').innerText()).resolves.toContain('Term length saved');
    await check('calendar-fte-saved');
    expect(t.ledger.domain.calendar.fteTermDays).toBe(63);

    await browser.page.getByRole('link', { name: 'View term dates' }).click();
    expect(await web.summaryValue('One full-time equivalent term')).toBe('63 school days');
    // The API reads the same calendar.
    const { body } = await t.http
      .get('/api/v1/calendar')
      .set('Authorization', `Bearer ${await t.token('hub_staff')}`)
      .expect(200);
    expect(body.fteTermDays).toBe(63);
  });

  it('has no axe violations at WCAG 2.2 AA on any page visited', () => {
    expect(findings).toEqual([]);
  });
});
