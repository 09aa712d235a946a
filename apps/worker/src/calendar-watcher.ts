import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventStore } from '#event-store/event-store.port.js';
import type { Projection } from '#read-models/projection.js';
import { rebuildProjections } from '#read-models/runner/projection-rebuild.js';
import type { ProjectionRunner } from '#read-models/runner/projection-runner.js';
import { AppendDrivenPoll } from '#event-store/append-driven-poll.js';
import {
  CALENDAR_SAFETY_POLL_MS,
  refreshCalendar,
  type LedgerDomain,
} from '../../api/src/domain/ledger-domain.js';

/** One row: the `ab-calendar` revision the read models were last rebuilt with (-1: the default calendar). */
const MARKER_TABLE = 'read_model_calendar';

export interface CalendarRebuild {
  revision: bigint;
  projections: string[];
  eventsRead: number;
  seconds: number;
}

export interface CalendarWatcherOptions {
  dataSource: DataSource;
  store: EventStore;
  domain: LedgerDomain;
  runner: ProjectionRunner;
  /** The projections as built with the domain's current calendar (apps/worker/src/projections.ts). */
  buildProjections: (domain: LedgerDomain) => Projection[];
  /** The poll while the store's append notifications do not flow (PROJECTION_POLL_MS). */
  pollIntervalMs: number;
  /** The poll while they do (default CALENDAR_SAFETY_POLL_MS). */
  safetyPollMs?: number;
  /** The rebuild's write-behind bound (REBUILD_ROW_CACHE_ROWS; default DEFAULT_REBUILD_ROW_CACHE_ROWS). */
  rowCacheRows?: number;
  logger: Logger;
}

/**
 * R1 in the worker: keeps the calendar the projections use equal to the `ab-calendar` stream's, and the read
 * models equal to a fresh rebuild with it. Many rows depend on the calendar (terms served, expected end dates,
 * due dates, plans, entitlements, moderation years), so a change rebuilds every projection this worker runs:
 * first the runner gets projections built with the new calendar (so whatever it applies from then on uses it),
 * then `rebuildProjections` replays the log into fresh tables with them and swaps them in.
 *
 * - Live: the calendar stream is read after the revision in use when the store says something was appended
 *   (AppendDrivenPoll: PostgreSQL's LISTEN, with a safety poll every CALENDAR_SAFETY_POLL_MS; without
 *   notifications, every `pollIntervalMs`); a change rebuilds. Every worker that sees a change rebuilds (a
 *   rebuild is idempotent, calendar changes are a few a year): a worker that noticed late may have applied a
 *   batch with the old calendar after another worker's rebuild, and its own rebuild puts that right.
 * - At start-up: `read_model_calendar` says which calendar revision the read models were rebuilt with; when
 *   the log has moved on (the calendar changed while no worker ran), the worker rebuilds before it goes on.
 */
export class CalendarWatcher {
  private applied: bigint;
  private poll: AppendDrivenPoll | null = null;
  private running: Promise<void> = Promise.resolve();
  /** The rebuilds done, newest last (for logs, tests and /health). */
  readonly rebuilds: CalendarRebuild[] = [];

  constructor(private readonly options: CalendarWatcherOptions) {
    this.applied = options.domain.calendarConfiguration.revision;
  }

  /** The calendar revision the read models were rebuilt with, as recorded (-1: never). */
  async recordedRevision(): Promise<bigint> {
    const rows = (await this.options.dataSource.query(
      `SELECT calendar_revision AS revision FROM ${MARKER_TABLE} WHERE id = 1`,
    )) as { revision: string }[];
    return rows[0] ? BigInt(rows[0].revision) : -1n;
  }

  async start(): Promise<void> {
    await this.options.dataSource.query(
      `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (
         id smallint PRIMARY KEY CHECK (id = 1),
         calendar_revision bigint NOT NULL,
         rebuilt_at timestamptz NOT NULL DEFAULT now())`,
    );
    await refreshCalendar(this.options.store, this.options.domain);
    const current = this.options.domain.calendarConfiguration.revision;
    if ((await this.recordedRevision()) !== current) await this.rebuild(current);
    else if (current !== this.applied) this.useProjections();
    this.applied = current;
    const { store, pollIntervalMs, safetyPollMs, logger } = this.options;
    this.poll = new AppendDrivenPoll(store, {
      run: () => this.check(),
      pollMs: pollIntervalMs,
      safetyPollMs: safetyPollMs ?? CALENDAR_SAFETY_POLL_MS,
      onError: (error) => logger.error({ err: error }, 'calendar check failed; retrying'),
    });
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll?.stop();
    this.poll = null;
    await this.running;
  }

  /** One look at the calendar stream; rebuilds when the calendar changed since the last look. */
  async check(): Promise<boolean> {
    const next = this.running.then(async () => {
      await refreshCalendar(this.options.store, this.options.domain);
      const current = this.options.domain.calendarConfiguration.revision;
      if (current === this.applied) return false;
      await this.rebuild(current);
      this.applied = current;
      return true;
    });
    this.running = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private useProjections(): Projection[] {
    const fresh = this.options.buildProjections(this.options.domain);
    const names = new Set(this.options.runner.replaceProjections(fresh));
    return fresh.filter((p) => names.has(p.name));
  }

  private async rebuild(revision: bigint): Promise<void> {
    const projections = this.useProjections();
    const { logger, dataSource, store, rowCacheRows } = this.options;
    logger.info({ calendarRevision: String(revision) }, 'calendar changed: rebuilding read models');
    const results = await rebuildProjections(dataSource, store, projections, { rowCacheRows });
    await dataSource.query(
      `INSERT INTO ${MARKER_TABLE} (id, calendar_revision, rebuilt_at) VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET calendar_revision = EXCLUDED.calendar_revision, rebuilt_at = now()`,
      [String(revision)],
    );
    const rebuild: CalendarRebuild = {
      revision,
      projections: results.map((r) => r.projection),
      eventsRead: results[0]?.eventsRead ?? 0,
      seconds: results[0]?.seconds ?? 0,
    };
    this.rebuilds.push(rebuild);
    logger.info(
      { ...rebuild, revision: String(revision) },
      'read models rebuilt with the calendar hub staff set',
    );
  }
}
