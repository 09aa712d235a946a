/**
 * `ledger simulate-survey [--year 2025] [--seed N]`: after `generate --scale hub`, brings the read models up to
 * date, simulates the year's survey and service records (simulate-survey.ts), then builds the annual survey
 * report, its charts and its PDF once and prints how long each took (a measurement, not a test).
 */
import type { Logger } from 'pino';
import type { AppConfig } from '#platform/config/app-config.js';
import { ProjectionRunner } from '#read-models/runner/projection-runner.js';
import { buildAnnualSurveyReport } from '#read-models/survey/annual-survey-report.js';
import { chartSvg, reportCharts } from '../../../api/src/reports/annual-survey-charts.js';
import { annualSurveyPdf } from '../../../api/src/reports/annual-survey-pdf.js';
import { composeLedger } from '../compose.js';
import { DEFAULT_SEED } from './generate.command.js';
import { simulateSurvey } from './simulate-survey.js';

const seconds = (from: bigint) => (Number(process.hrtime.bigint() - from) / 1e9).toFixed(2);

export async function runSimulateSurvey(
  config: AppConfig,
  logger: Logger,
  args: { year?: string | undefined; seed?: string | undefined; today?: string | undefined },
): Promise<number> {
  const year = Number(args.year ?? 2025);
  const seed = args.seed === undefined ? DEFAULT_SEED : Number(args.seed);
  if (!Number.isInteger(year) || year < 2000 || year > 2100 || !Number.isSafeInteger(seed)) {
    console.error('--year must be a year like 2025 and --seed a whole number');
    return 2;
  }
  const today = args.today ?? `${year + 1}-07-10`;
  const ledger = await composeLedger(config, logger);
  const runner = new ProjectionRunner(
    ledger.runtime.dataSource,
    ledger.runtime.eventStore,
    ledger.projections,
    {
      pollIntervalMs: 60_000,
    },
  );
  try {
    let started = process.hrtime.bigint();
    await runner.start();
    await runner.catchUp();
    console.log(`Read models up to date in ${seconds(started)} s.`);
    started = process.hrtime.bigint();
    const result = await simulateSurvey(ledger.runtime, { year, seed });
    await runner.catchUp();
    console.log(
      `Simulated survey ${year}: ${result.schools} schools, ${result.invitations} invitations, ${result.responses} responses, ` +
        `${result.events} events in ${seconds(started)} s.`,
    );
    started = process.hrtime.bigint();
    const report = await buildAnnualSurveyReport(ledger.runtime.dataSource, year, today);
    if (report === null) throw new Error(`No survey for ${year}`);
    console.log(
      `Report for ${report.academicYear} (${report.schools.length} schools, response rate ${report.ab.responseRate}) built in ${seconds(started)} s.`,
    );
    started = process.hrtime.bigint();
    let charts = 0;
    for (const scope of [report.ab, ...report.schools])
      for (const chart of reportCharts(scope)) {
        await chartSvg(chart);
        charts += 1;
      }
    console.log(`${charts} SVG charts in ${seconds(started)} s.`);
    started = process.hrtime.bigint();
    const pdf = await annualSurveyPdf(report);
    console.log(`PDF of ${(pdf.length / 1024).toFixed(0)} KiB in ${seconds(started)} s.`);
    return 0;
  } finally {
    await runner.stop();
    await ledger.runtime.close();
  }
}
