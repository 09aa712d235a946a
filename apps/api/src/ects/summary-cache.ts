import { createHash } from 'node:crypto';
import type { EctState } from '#induction/induction/ect.state.js';
import type { InductionSummary } from '#induction/induction/induction-summary.js';
import { LruCache } from '#platform/personal-data/lru-cache.js';
import type { LedgerDomain } from '../domain/ledger-domain.js';

/** Freezes a summary and everything in it: one object is handed to every request that asks. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The domain's `summarise` kept per input. A summary is a pure function of the stored state, the date and
 * the AB's calendar (libs/induction is pure), so it is kept by the SHA-256 of the state's stored text
 * (`ects.state::text`, canonical jsonb: any change to the state, an erasure included, is another key), the
 * date, and the calendar object in use (a calendar change empties the cache). A kept summary needs neither
 * the state parsed nor the rules run: `summariseInduction` was ≈1 ms per ECT under load, 36% of the api's
 * CPU on `GET /ects` (25 summaries a page). Summaries are frozen, since requests share them.
 */
export class SummaryCache {
  private calendar: unknown;
  private readonly kept: LruCache<string, InductionSummary>;

  constructor(
    private readonly domain: Pick<LedgerDomain, 'calendar' | 'summarise'>,
    options: { maxEntries?: number; ttlMs?: number } = {},
  ) {
    this.kept = new LruCache(options.maxEntries ?? 5_000, options.ttlMs ?? 10 * 60_000);
  }

  /** `summarise(JSON.parse(stateText), today)`, from the cache when the same state was summarised for `today`. */
  summarise(stateText: string, today: string): InductionSummary {
    const calendar = this.domain.calendar;
    if (calendar !== this.calendar) {
      this.kept.clear();
      this.calendar = calendar;
    }
    const key = `${today}|${createHash('sha256').update(stateText).digest('base64')}`;
    const kept = this.kept.get(key);
    if (kept) return kept;
    const summary = deepFreeze(this.domain.summarise(JSON.parse(stateText) as EctState, today));
    this.kept.set(key, summary);
    return summary;
  }
}
