/**
 * 4. The annual survey report at the data set's scale: the year's survey is simulated on the register (as
 * `ledger simulate-survey` does: every school's head and tutor invited, about 70% responding, service records;
 * deterministic and idempotent, so a reused database is not simulated twice), the read models catch up, and
 * the report is built in this process as the API builds it (`buildAnnualSurveyReport`), then the AB's SVG
 * charts (what the report page draws) and the PDF (every school's section). The HTTP phase times `GET /reports/annual-survey/{year}` (JSON and PDF) on top.
 */
import { buildAnnualSurveyReport } from '#read-models/survey/annual-survey-report.js';
import { comparePositions } from '#event-store/event-store.port.js';
import { catchUpFromEmpty } from '#read-models/runner/catch-up-from-empty.js';
import { ProjectionRunner } from '#read-models/runner/projection-runner.js';
import { chartSvg, reportCharts } from '../apps/api/src/reports/annual-survey-charts.js';
import { annualSurveyPdf } from '../apps/api/src/reports/annual-survey-pdf.js';
import type { Ledger } from '../apps/cli/src/compose.js';
import { simulateSurvey } from '../apps/cli/src/generate/simulate-survey.js';

export const REPORT_YEAR = 2025;
/** The generator's `asOf` (scale-profiles.ts): the report is as at the end of the simulated year. */
export const REPORT_TODAY = '2026-07-10';

export interface ReportResults {
  year: number;
  schools: number;
  responses: number;
  /** Survey and service events the simulation decided (appended once: a second run appends nothing new). */
  surveyEvents: number;
  simulateSeconds: number;
  catchUpSeconds: number;
  /** `buildAnnualSurveyReport`: the queries and the figures for the AB and every school. */
  buildSeconds: number;
  charts: number;
  chartsSeconds: number;
  pdfKb: number;
  pdfSeconds: number;
}

const since = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

/**
 * Brings every projection up to the head of the log: the ones never applied in one rebuild pass
 * (`catchUpFromEmpty`), the rest with the live runner, its loops alone (no `catchUp()` beside them).
 */
export async function catchUpReadModels(ledger: Ledger): Promise<number> {
  const started = process.hrtime.bigint();
  const { dataSource, eventStore } = ledger.runtime;
  await catchUpFromEmpty(dataSource, eventStore, ledger.projections, {
    rowCacheRows: ledger.runtime.config.rebuildRowCacheRows,
  });
  // The newest event written, visible or not yet: `headPosition()` only counts events below the cluster's
  // oldest running transaction, which on a shared server can be well behind what this run just appended.
  const { rows } = await ledger.runtime.pool.query<{ commit: string; prepare: string }>(
    `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM event_store.events
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  if (!rows[0]) return since(started);
  const head = { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) };
  const runner = new ProjectionRunner(dataSource, eventStore, ledger.projections, { pollIntervalMs: 20 });
  await runner.start();
  try {
    for (;;) {
      const status = runner.status();
      const failed = status.find((s) => s.lastError !== null);
      if (failed) throw new Error(`projection ${failed.name}: ${failed.lastError}`);
      if (status.every((s) => s.position !== null && comparePositions(s.position, head) >= 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await runner.stop();
  }
  return since(started);
}

export async function benchReport(ledger: Ledger, seed: number): Promise<ReportResults> {
  // The survey reads the schools on the register: the read models first.
  let catchUpSeconds = await catchUpReadModels(ledger);
  let started = process.hrtime.bigint();
  const simulated = await simulateSurvey(ledger.runtime, { year: REPORT_YEAR, seed });
  const simulateSeconds = since(started);
  catchUpSeconds += await catchUpReadModels(ledger);

  started = process.hrtime.bigint();
  const report = await buildAnnualSurveyReport(ledger.runtime.dataSource, REPORT_YEAR, REPORT_TODAY);
  if (report === null) throw new Error(`no survey for ${REPORT_YEAR} after simulating it`);
  const buildSeconds = since(started);
  started = process.hrtime.bigint();
  let charts = 0;
  // The report page draws one scope's charts (the AB's, or one school's): time the AB's.
  for (const chart of reportCharts(report.ab)) {
    await chartSvg(chart);
    charts += 1;
  }
  const chartsSeconds = since(started);
  started = process.hrtime.bigint();
  const pdf = await annualSurveyPdf(report);
  const pdfSeconds = since(started);
  return {
    year: REPORT_YEAR,
    schools: report.schools.length,
    responses: report.ab.responded,
    surveyEvents: simulated.events,
    simulateSeconds,
    catchUpSeconds,
    buildSeconds,
    charts,
    chartsSeconds,
    pdfKb: Math.round(pdf.length / 1024),
    pdfSeconds,
  };
}
