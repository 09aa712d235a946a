/** Page objects: what a user does on the service's pages, in the words of the pages. */
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';

export class WebPages {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async goto(path: string): Promise<number> {
    const response = await this.page.goto(`${this.baseUrl}${path}`);
    return response?.status() ?? 0;
  }

  heading(): Promise<string> {
    return this.page.locator('h1').first().innerText();
  }

  async signInAsDeveloper(role: string, options: { schoolUrn?: string; name?: string } = {}): Promise<void> {
    await this.goto('/sign-in');
    await this.page.getByLabel(roleLabel(role), { exact: true }).check();
    if (options.schoolUrn)
      await this.page.getByLabel('School (induction tutors only)').selectOption(options.schoolUrn);
    if (options.name) await this.page.getByLabel('Your name (optional)').fill(options.name);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await this.page.waitForLoadState();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.waitForLoadState();
    expect(await this.heading()).toBe('You have signed out');
  }

  async fill(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  /** A GOV.UK date input: the fieldset's legend names it; Day, Month and Year inside. */
  async fillDate(legend: string, isoDate: string): Promise<void> {
    const [year, month, day] = isoDate.split('-');
    const group = this.page.getByRole('group', { name: legend });
    await group.getByLabel('Day').fill(String(Number(day)));
    await group.getByLabel('Month').fill(String(Number(month)));
    await group.getByLabel('Year').fill(year!);
  }

  async choose(label: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).check();
  }

  async select(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).selectOption(value);
  }

  async press(button: string): Promise<void> {
    await this.page.getByRole('button', { name: button, exact: true }).click();
    await this.page.waitForLoadState();
  }

  async errorSummary(): Promise<string[]> {
    return this.page.locator('.govuk-error-summary__list a').allInnerTexts();
  }

  async inlineErrors(): Promise<string[]> {
    const texts = await this.page.locator('.govuk-error-message').allInnerTexts();
    return texts.map((t) => t.replace(/^Error:\s*/, '').trim());
  }

  async summaryValue(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('dt', { hasText: key }),
    });
    return (await row.locator('dd.govuk-summary-list__value').first().innerText()).trim();
  }
}

function roleLabel(role: string): string {
  return {
    hub_staff: 'Hub staff',
    panel_member: 'Panel member',
    induction_tutor: 'Induction tutor',
    moderator: 'Moderator',
  }[role]!;
}
