/**
 * Hub staff's early-help and training pages in Chromium (issue 6): the queue and a case with its action form
 * (error summary, inline errors, success), the year-1 phase groups confirmed with facilitators, the programme
 * and attendance. Every page is checked with axe at WCAG 2.2 AA. Skipped when Chromium is not installed.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { appendHub, generateHub } from '#read-models/audit/testing/hub-generator.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
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

describeWithChromium(
  'hub staff: early help and the training programme in Chromium, axe on every page',
  () => {
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
      t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
      await t.app.listen(0, '127.0.0.1');
      const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      const hub = generateHub({
        seed: 5,
        schools: 2,
        ects: 30,
        ect: t.ledger.domain.ect,
        school: t.ledger.domain.school,
        calendar: t.ledger.domain.calendar,
        today: '2025-08-20',
      });
      await appendHub(t.ledger.runtime.eventStore, hub as never);
      const marker = await t.ledger.runtime.eventStore.append(
        `test-marker-${randomUUID()}`,
        [
          {
            eventId: randomUUID(),
            type: 'TestMarker',
            schemaVersion: 1,
            data: {},
            metadata: { actor: 'test', correlationId: 'mark', causationId: 'mark' },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      await new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore).waitFor(
        marker.globalPosition,
        t.ledger.projections.map((p) => p.name),
        120_000,
      );
      browser = await launchBrowser();
      web = new WebPages(browser.page, baseUrl);
      await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('early help: the queue, a case, errors on an empty form, then an action recorded', async () => {
      await browser.page.getByRole('link', { name: 'Early help', exact: true }).click();
      expect(await web.heading()).toBe('Early help');
      await check('early-help-queue');
      const first = browser.page.locator('table a.govuk-link').first();
      const name = await first.innerText();
      await first.click();
      expect(await web.heading()).toBe(name);
      await check('early-help-case');

      await web.press('Record action');
      const summary = await web.errorSummary();
      expect(summary).toEqual(['Select what the hub did', 'Enter a note of what was done']);
      expect(await web.inlineErrors()).toEqual(summary);
      expect(await browser.page.title()).toMatch(/^Error: /);
      await check('early-help-case-errors');

      await web.choose('Called the school');
      await web.fill('Note', 'Spoke to the induction tutor about the overdue review');
      await web.fillDate('Next action by (optional)', '2025-09-05');
      await web.press('Record action');
      await expect(browser.page.locator('.govuk-notification-banner').innerText()).resolves.toContain(
        'The action has been recorded',
      );
      await expect(browser.page.locator('table').nth(1).innerText()).resolves.toContain('Called the school');
      expect(await web.summaryValue('Next action by')).toBe('5 September 2025');
      await check('early-help-case-recorded');
    });

    it('training: confirm the suggested groups with a facilitator each, then record attendance', async () => {
      await web.goto('/training/2025/groups');
      expect(await web.heading()).toBe('Year 1 phase groups');
      await check('training-groups-suggestion');
      await web.press('Confirm groups');
      const summary = await web.errorSummary();
      expect(summary.length).toBeGreaterThan(0);
      expect(summary.every((s) => s.startsWith('Enter the facilitator of'))).toBe(true);
      await check('training-groups-errors');
      const inputs = browser.page.locator('input[name^="facilitator-"]');
      for (let i = 0; i < (await inputs.count()); i += 1) await inputs.nth(i).fill(`Facilitator ${i + 1}`);
      await web.press('Confirm groups');
      await expect(browser.page.locator('table').innerText()).resolves.toContain('Facilitator 1');
      await check('training-groups');

      // Publish the year's programme on the web: add events one by one, then publish them together.
      await browser.page.getByRole('link', { name: 'Training', exact: true }).click();
      expect(await web.heading()).toBe('Academic year 2024 to 2025');
      await browser.page.getByRole('link', { name: /^Next year/ }).click();
      expect(await web.heading()).toBe('Academic year 2025 to 2026');
      await browser.page.getByRole('link', { name: 'Publish the programme for 2025 to 2026' }).click();
      expect(await web.heading()).toBe('Publish the programme');
      await check('training-publish-empty');
      await browser.page.getByRole('button', { name: 'Add an event' }).click();
      expect(await web.heading()).toBe('Add an event to the programme');
      await web.press('Add event');
      const addErrors = await web.errorSummary();
      expect(addErrors).toEqual([
        'Select the type of event',
        'Enter the title of the event',
        'Enter the date of the event',
        'Select who the event is for',
        'Enter where the event is held, or select online',
      ]);
      expect(await web.inlineErrors()).toEqual(addErrors);
      await check('training-event-add-errors', true);
      await web.choose('Induction conference');
      await web.fill('Title', 'Induction conference');
      await web.fillDate('Date of the event', '2025-09-12');
      await web.fill('Start time (optional)', '09:00');
      await web.fill('End time (optional)', '15:30');
      for (const who of ['Year 1 ECTs', 'Year 2 ECTs', 'Year 1 mentors', 'Year 2 mentors'])
        await web.choose(who);
      await web.fill('Where is it held?', 'Hub training centre');
      await web.press('Add event');
      expect(await web.heading()).toBe('Publish the programme');

      await browser.page.getByRole('button', { name: 'Add an event' }).click();
      await web.choose('Mentor session');
      await web.fill('Title', 'Mentor year 2 catch-up');
      await web.fillDate('Date of the event', '2025-10-15');
      await web.choose('Year 2 mentors');
      await web.choose('The event is online');
      await web.press('Add event');
      await expect(browser.page.locator('#events tbody tr').count()).resolves.toBe(2);
      await web.press('Publish 2 events');
      expect(await web.errorSummary()).toEqual(['the mentor year 2 is lighter than year 1']);
      await check('training-publish-refused');
      await browser.page.getByRole('button', { name: /^Remove Mentor year 2 catch-up/ }).click();
      await expect(browser.page.locator('#events tbody tr').count()).resolves.toBe(1);
      await check('training-publish', true);
      await web.press('Publish 1 event');
      expect(await web.heading()).toBe('Training programme published');
      await check('training-publish-confirmation', true);
      await browser.page.getByRole('link', { name: 'View the programme for 2025 to 2026' }).click();
      expect(await web.heading()).toBe('Academic year 2025 to 2026');
      await expect(browser.page.locator('table tbody tr').count()).resolves.toBe(1);
      await check('training-programme');

      t.clock.set('2025-09-15T09:00:00Z');
      await browser.page
        .getByRole('link', { name: /^Attendance/ })
        .first()
        .click();
      expect(await web.heading()).toBe('Attendance: Induction conference');
      await check('training-attendance');
      await browser.page.locator('input[name="attended"]').first().check();
      await web.press('Record attendance');
      await expect(browser.page.locator('.govuk-notification-banner').innerText()).resolves.toContain(
        'Attendance has been recorded',
      );
      await expect(browser.page.locator('input[name="attended"]').first().isChecked()).resolves.toBe(true);
      await check('training-attendance-recorded');
    });

    it('schools: a school’s page, and its service level agreement recorded with check answers', async () => {
      await browser.page.getByRole('link', { name: 'Schools', exact: true }).click();
      const first = browser.page.locator('table a.govuk-link').first();
      const name = await first.innerText();
      await first.click();
      expect(await web.heading()).toBe(name);
      await expect(
        browser.page.getByText('No service level agreement is recorded with this school.').count(),
      ).resolves.toBe(1);
      await check('school');
      await browser.page.getByRole('button', { name: 'Record a service level agreement' }).click();
      expect(await web.heading()).toBe('Record a service level agreement');
      await web.press('Continue');
      const summary = await web.errorSummary();
      expect(summary).toEqual([
        'Enter the date the agreement starts',
        'Enter the date the agreement ends',
        'Enter at least one commitment',
      ]);
      expect(await web.inlineErrors()).toEqual(summary);
      await check('school-sla-errors', true);

      // Three years is more than the decider allows: refused on the check page, then corrected.
      await web.fillDate('Start date', '2025-09-01');
      await web.fillDate('End date', '2028-08-31');
      const commitment = browser.page.getByRole('group', { name: 'Commitment 1', exact: true });
      await commitment.getByLabel('What the hub commits to').fill('Answer requests for AB advice');
      await commitment.getByLabel('Within how many working days (optional)').fill('5');
      await web.press('Continue');
      expect(await web.heading()).toBe('Check the service level agreement before recording it');
      expect(await web.summaryValue('Commitment 1')).toBe(
        'Answer requests for AB advice (within 5 working days)',
      );
      await check('school-sla-check', true);
      await web.press('Record agreement');
      expect(await web.errorSummary()).toEqual(['a service level agreement runs for at most two years']);
      await browser.page.getByRole('link', { name: 'Change end date' }).click();
      await web.fillDate('End date', '2027-08-31');
      await web.press('Continue');
      expect(await web.summaryValue('Ends')).toBe('31 August 2027');
      await web.press('Record agreement');
      expect(await web.heading()).toBe(name);
      await expect(browser.page.locator('.govuk-notification-banner').innerText()).resolves.toContain(
        'The service level agreement is recorded',
      );
      expect(await web.summaryValue('Answer requests for AB advice')).toBe(
        'Within 5 working days. Not reviewed yet',
      );
      await check('school-sla-recorded', true);
    });

    it('has no axe violations at WCAG 2.2 AA on any page visited', () => {
      expect(findings).toEqual([]);
    });
  },
);
