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
    let hubToken: string;
    const findings: AxeFinding[] = [];
    jest.setTimeout(300_000);
    const check = async (name: string) => findings.push(...(await axeViolations(browser.page, name)));

    beforeAll(async () => {
      t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
      await t.app.listen(0, '127.0.0.1');
      const baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      hubToken = await t.token('hub_staff');
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

      const published = await t.http
        .post('/api/v1/training/2025/programme')
        .set('Authorization', `Bearer ${hubToken}`)
        .send({
          events: [
            {
              eventId: 'conf-2025',
              kind: 'induction-conference',
              title: 'Induction conference',
              date: '2025-09-12',
              startTime: '09:00',
              endTime: '15:30',
              audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
              location: 'Hub training centre',
            },
          ],
        })
        .expect(201);
      await new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore).waitFor(
        BigInt(published.headers['x-log-position'] as string),
        t.ledger.projections.map((p) => p.name),
        60_000,
      );
      await browser.page.getByRole('link', { name: 'Training', exact: true }).click();
      expect(await web.heading()).toBe('Academic year 2024 to 2025');
      await browser.page.getByRole('link', { name: /^Next year/ }).click();
      expect(await web.heading()).toBe('Academic year 2025 to 2026');
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

    it('has no axe violations at WCAG 2.2 AA on any page visited', () => {
      expect(findings).toEqual([]);
    });
  },
);
