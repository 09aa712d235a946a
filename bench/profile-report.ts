/**
 * `node --cpu-prof dist/bench/profile-report.js <database-url> [year]`: builds the annual survey report
 * (`buildAnnualSurveyReport`, as the API does) on a database the bench's `report` phase prepared (e.g.
 * `bench_national`), alone, and prints how long each of three runs took, so that a CPU profile shows the
 * report without the rest of the bench (issue 9).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { buildAnnualSurveyReport } from '#read-models/survey/annual-survey-report.js';
import { composeLedger } from '../apps/cli/src/compose.js';
import { REPORT_TODAY, REPORT_YEAR } from './report.bench.js';

const databaseUrl = process.argv[2];
if (!databaseUrl) throw new Error('usage: profile-report.js <database-url> [year]');
const year = Number(process.argv[3] ?? REPORT_YEAR);
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-profile-'));
const config = loadConfig({
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  DATABASE_POOL_MAX: '10',
  // The bench's own throwaway key (run-bench.ts), so the kept data set decrypts.
  PII_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
  API_TOKEN_SECRET: 'bench-api-token-secret-0123456789abcdef',
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
});
const ledger = await composeLedger(config, createLogger({ level: 'warn' }));
try {
  for (let run = 1; run <= 3; run++) {
    const started = process.hrtime.bigint();
    let stage = started;
    let label = '';
    const report = await buildAnnualSurveyReport(
      ledger.runtime.dataSource,
      year,
      REPORT_TODAY,
      (_done, _of, next) => {
        const now = process.hrtime.bigint();
        if (label) console.log(`  ${label}: ${(Number(now - stage) / 1e9).toFixed(2)} s`);
        stage = now;
        label = next;
      },
    );
    if (!report) throw new Error(`no survey for ${year}`);
    console.log(
      `run ${run}: ${report.schools.length} schools in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`,
    );
  }
} finally {
  await ledger.runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
