import { describe } from '@jest/globals';

/**
 * `describe` when the environment variable is set; otherwise the suite is skipped and its name says why,
 * so the run's summary (test/support/totals-reporter.js) shows what did not run and how to run it.
 */
export function describeWithEnv(variable: string, name: string, body: () => void): void {
  if (process.env[variable]) describe(name, body);
  else describe.skip(`${name} [skipped: set ${variable} to run it]`, body);
}
