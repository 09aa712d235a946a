import type { Logger } from 'pino';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import type { Projection } from '#read-models/projection.js';
import { ProjectionRunner } from '#read-models/runner/projection-runner.js';
import { catchUpFromEmpty } from '#read-models/runner/catch-up-from-empty.js';
import type { Clock } from '#platform/clock/clock.js';
import { createLedgerDomain, type LedgerDomain } from '../../api/src/domain/ledger-domain.js';
import { CalendarWatcher } from './calendar-watcher.js';
import { ledgerProjections } from './projections.js';
import { startLedgerJobs, type LedgerJobs, type LedgerJobsOptions } from './jobs/ledger-jobs.js';
import { registerSurveyJobs } from './jobs/survey-jobs.js';
import { systemClock } from '#platform/clock/clock.js';

export interface LedgerWorker {
  readonly runner: ProjectionRunner;
  /** The job processors (apps/worker/src/jobs); null when started with `jobs: false`. */
  readonly jobs: LedgerJobs | null;
  /** R1: follows the `ab-calendar` stream and rebuilds the read models when it changes; null without `domain`. */
  readonly calendar: CalendarWatcher | null;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Today for the sweeps. Default: the system clock. */
  clock?: Clock;
  /**
   * The domain the `projections` were built with (composeLedger's). Given, the worker keeps its calendar
   * equal to the `ab-calendar` stream's and rebuilds the read models when hub staff change it (R1), and the
   * jobs use it too. Without it, the calendar stays the one the projections were built with.
   */
  domain?: LedgerDomain;
  /** `false`: projections only. Otherwise options for the job processors (domain, Notify, relay interval). */
  jobs?: false | Partial<Omit<LedgerJobsOptions, 'projections' | 'logger' | 'clock'>>;
}

/**
 * The worker's duties: run every projection (one claim per projection across all workers, so a second
 * worker stands by and takes over when the first dies) and, later, the job processors.
 */
export async function startWorker(
  runtime: LedgerRuntime,
  projections: readonly Projection[],
  logger: Logger,
  options: WorkerOptions = {},
): Promise<LedgerWorker> {
  const runner = new ProjectionRunner(runtime.dataSource, runtime.eventStore, projections, {
    pollIntervalMs: runtime.config.projectionPollMs,
    // Woken by the store's append notifications (PostgreSQL); polls every projectionPollMs without them.
    safetyPollMs: runtime.config.projectionSafetyPollMs,
    onError: (projection, error) =>
      logger.error({ err: error, projection }, 'projection batch failed; retrying'),
  });
  // Projections that never applied anything (a new database, a new projection) with a long log behind them
  // are built in one rebuild pass first: the runner's batches would fold every ECT stream once per projection.
  const built = await catchUpFromEmpty(runtime.dataSource, runtime.eventStore, projections, {
    rowCacheRows: runtime.config.rebuildRowCacheRows,
  });
  if (built.length > 0)
    logger.info(
      {
        projections: built.map((b) => b.projection),
        events: built[0]!.eventsRead,
        seconds: built[0]!.seconds,
      },
      'projections built from the log in one pass',
    );
  await runner.start();
  logger.info({ projections: projections.map((p) => p.name) }, 'projections running');
  let calendar: CalendarWatcher | null = null;
  if (options.domain) {
    calendar = new CalendarWatcher({
      dataSource: runtime.dataSource,
      store: runtime.eventStore,
      domain: options.domain,
      runner,
      buildProjections: ledgerProjections,
      pollIntervalMs: runtime.config.projectionPollMs,
      rowCacheRows: runtime.config.rebuildRowCacheRows,
      logger,
    });
    await calendar.start();
  }
  let jobs: LedgerJobs | null = null;
  if (options.jobs !== false) {
    const config = runtime.config;
    const templateId = process.env['NOTIFY_TEMPLATE_ID'] ?? '';
    jobs = await startLedgerJobs(runtime, {
      domain: options.domain ?? createLedgerDomain({ hubSchoolUrns: config.hubSchoolUrns }),
      notify: config.notifyApiKey ? { apiKey: config.notifyApiKey, templateId } : null,
      ...options.jobs,
      projections,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await registerSurveyJobs(jobs, runtime, options.clock ?? systemClock);
  }
  return {
    runner,
    jobs,
    calendar,
    async stop() {
      await calendar?.stop();
      await runner.stop();
    },
  };
}
