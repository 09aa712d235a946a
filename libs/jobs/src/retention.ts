/** How long finished jobs stay visible to hub staff, and so keep deduplicating their job id. */
export interface Retention {
  /** Keep at most this many finished jobs of the state per queue. */
  count: number;
  /** Drop finished jobs older than this (seconds since they finished). */
  ageSeconds: number;
}

/**
 * Completed jobs for two weeks, failed ones for ninety days (staff look at and retry those).
 * A job id is only deduplicated while its job is kept: handlers still record their effect idempotently.
 */
export const DEFAULT_RETENTION: { completed: Retention; failed: Retention } = {
  completed: { count: 5000, ageSeconds: 14 * 24 * 3600 },
  failed: { count: 5000, ageSeconds: 90 * 24 * 3600 },
};
