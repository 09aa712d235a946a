/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser: shared/design/stack-notes.md),
 * plus the checks every visited page gets: axe at WCAG 2.2 AA, and a screenshot for docs/screenshots.
 */
import { describe } from '@jest/globals';
import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * Where screenshots go: `docs/screenshots` (the README's pictures) when UPDATE_SCREENSHOTS is set, otherwise a
 * temporary directory, so that an ordinary test run leaves the checkout as it found it.
 */
export const SCREENSHOTS = process.env['UPDATE_SCREENSHOTS']
  ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'induction-ledger-screenshots');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** `describe` when Debian's Chromium is installed; otherwise a skipped suite whose name says how to run it. */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) describe(name, body);
  else describe.skip(`${name} [skipped: install chromium (apt-get install -y chromium)]`, body);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless, no sandbox (CI containers run as root), nothing phoning home, a fresh profile every run. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'ledger-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeFinding {
  page: string;
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Runs axe on the current page; returns the violations (each with the page it was found on). */
export async function axeViolations(page: Page, name: string): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  return result.violations.map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
