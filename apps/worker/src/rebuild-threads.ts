import type { Projection } from '#read-models/projection.js';
import type { RebuildThreads } from '#read-models/runner/rebuild-threads.js';
import {
  createLedgerDomain,
  type CalendarConfiguration,
  type LedgerDomain,
} from '../../api/src/domain/ledger-domain.js';
import { ledgerProjections } from './projections.js';

/**
 * The projections `--threads` hands to one worker thread: the four that fold every ECT event and derive
 * schedules, causes, due facts or entitlements from it, about half of the projections' CPU in a profile of
 * the one-pass rebuild (issue 9); the main thread keeps the log read, the register and the other six. Not the
 * default: on two cores it measured no faster (bench/README.md, "Rebuild across worker threads").
 */
export const LEDGER_REBUILD_THREAD_GROUPS: readonly (readonly string[])[] = [
  ['early-help-queue', 'due-items', 'induction-plan', 'entitlement-view'],
];

/**
 * The projections a rebuild split by ECT (`ledger rebuild --split N`, ect-partitions.ts) applies in N worker
 * threads, each to its own ECTs: those whose rows are each one ECT's (the plan's training tables, from events
 * of no ECT, are written by partition 0 alone). The panel (meetings across ECTs) and moderation (the first form
 * of the year across ECTs) read across ECTs in `apply`, so they stay in the main thread with the rest.
 */
export const LEDGER_SPLIT_BY_ECT: readonly string[] = [
  'ect-register',
  'entitlement-view',
  'induction-plan',
  'early-help-queue',
  'due-items',
];

export interface LedgerRebuildThreadData {
  hubSchoolUrns: string[];
  calendar: CalendarConfiguration;
}

/** Runs in each worker thread: the ledger's projections, built with the main thread's calendar. */
export function rebuildThreadProjections(data: LedgerRebuildThreadData): Projection[] {
  const domain = createLedgerDomain({ hubSchoolUrns: data.hubSchoolUrns });
  domain.useCalendar(data.calendar);
  return ledgerProjections(domain);
}

/**
 * `RebuildOptions.threads` for the ledger's projections built with `domain` (the worker threads build the
 * same ones from its calendar). Undefined without a PostgreSQL URL: embedded PGlite serves one connection.
 */
export function ledgerRebuildThreads(
  domain: LedgerDomain,
  config: { databaseUrl: string | null; hubSchoolUrns: readonly string[] },
  groups: readonly (readonly string[])[] = LEDGER_REBUILD_THREAD_GROUPS,
  /** Split the `LEDGER_SPLIT_BY_ECT` projections over this many threads by ECT instead (0: no split). */
  partitions = 0,
): RebuildThreads | undefined {
  if (!config.databaseUrl || (groups.length === 0 && partitions === 0)) return undefined;
  return {
    module: new URL('./rebuild-threads.js', import.meta.url),
    name: 'rebuildThreadProjections',
    data: {
      hubSchoolUrns: [...config.hubSchoolUrns],
      calendar: domain.calendarConfiguration,
    } satisfies LedgerRebuildThreadData,
    databaseUrl: config.databaseUrl,
    groups:
      partitions > 0 ? groups.map((g) => g.filter((name) => !LEDGER_SPLIT_BY_ECT.includes(name))) : groups,
    ...(partitions > 0 ? { partitions: { count: partitions, projections: LEDGER_SPLIT_BY_ECT } } : {}),
    // The fold allocates a state per event: a larger young generation spends less time in scavenges.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  };
}
