/**
 * The annual survey's jobs (issue 8), on the long-jobs queue: building the report with progress (its result
 * is kept in `annual_survey_report_runs`, newest per year served by `GET /reports/annual-survey/:year?run=latest`)
 * and reminding those who have not answered (a `SurveyReminderSent` per invitation; the job id is the
 * idempotency key, so a retried job appends nothing new).
 */
import type { DataSource } from 'typeorm';
import { PermanentJobError, type Json, type RunningJob } from '#jobs/job-queue.port.js';
import { surveyDecider, surveyStreamId } from '#induction/survey/annual-survey.decider.js';
import { isIsoDate } from '#induction/calendar/calendar-date.js';
import { londonDate, type Clock } from '#platform/clock/clock.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import { buildAnnualSurveyReport } from '#read-models/survey/annual-survey-report.js';
import { commandRunnerFor } from '../../../api/src/commands/stream-command-runner.js';
import { toSurveyEvent } from '../../../api/src/surveys/survey.handlers.js';
import type { LedgerJobs } from './ledger-jobs.js';

export const SURVEY_JOB_NAMES = {
  report: 'annual-survey-report',
  reminders: 'survey-reminders',
} as const;

export async function migrateReportRuns(db: DataSource): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS annual_survey_report_runs (
    job_id text PRIMARY KEY, year int NOT NULL, generated_at timestamptz NOT NULL, seconds real NOT NULL, report jsonb NOT NULL)`);
}

const jobArgs = (job: RunningJob, clock: Clock) => {
  const data = job.data as Record<string, Json>;
  const year = data['year'];
  if (typeof year !== 'number' || !Number.isInteger(year)) throw new PermanentJobError('job data needs year');
  const today = isIsoDate(data['today']) ? (data['today'] as string) : londonDate(clock.now());
  return { year, today };
};

export async function registerSurveyJobs(
  jobs: LedgerJobs,
  runtime: LedgerRuntime,
  clock: Clock,
): Promise<void> {
  const db = runtime.dataSource;
  await migrateReportRuns(db);
  jobs.registerLongJob(SURVEY_JOB_NAMES.report, async (job) => {
    const { year, today } = jobArgs(job, clock);
    const started = process.hrtime.bigint();
    const report = await buildAnnualSurveyReport(db, year, today, (done, of, stage) =>
      job.updateProgress({ done, of, stage }),
    );
    if (report === null) throw new PermanentJobError(`No survey is defined for ${year}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await db.query(
      `INSERT INTO annual_survey_report_runs (job_id, year, generated_at, seconds, report) VALUES ($1, $2, now(), $3, $4)
       ON CONFLICT (job_id) DO UPDATE SET generated_at = now(), seconds = $3, report = $4`,
      [job.id, year, seconds, JSON.stringify(report)],
    );
    return { year, schools: report.schools.length, responseRate: report.ab.responseRate, seconds };
  });
  const runner = commandRunnerFor(runtime);
  jobs.registerLongJob(SURVEY_JOB_NAMES.reminders, async (job) => {
    const { year, today } = jobArgs(job, clock);
    const result = await runner.run({
      streamId: surveyStreamId(year),
      id: String(year),
      decider: surveyDecider,
      toDomainEvent: toSurveyEvent,
      context: {
        principal: {
          userId: 'survey-reminders-job',
          role: 'hub_staff',
          schoolUrns: [],
          name: 'Survey reminders',
        },
        correlationId: job.id,
        causationId: job.id,
        idempotencyKey: job.id,
      },
      command: { type: 'RecordSurveyReminders', data: { on: today } },
    });
    const reminded = Object.values(result.state.remindersSent).length;
    return { year, today, invitationsReminded: reminded };
  });
}
