/**
 * R8 automatic extension (3.6): when ad hoc absences within one induction year total 30 days or more, that
 * year is extended by all the days absent, not the excess: 29 → none, 30 → 30, 35 → 35. Days count only when
 * the ECT was contracted to work (the school reports contracted days). One FTE day = 1/65 FTE term (R1).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { computeTermsServed } from '../accrual/r4-accrual.js';
import { YEAR_ONE_TERMS } from '../accrual/r3-length.js';
import type { EctState, Pause, Post } from '../induction/ect.state.js';
import { EPSILON } from '../accrual/intervals.js';

/** R8 (3.6): the threshold of ad hoc absence days in one induction year. */
export const AUTOMATIC_EXTENSION_THRESHOLD_DAYS = 30;

export interface AbsenceSummary {
  readonly year1Days: number;
  readonly year2Days: number;
  /** Days added to induction by R8: each year's total when it reached the threshold. */
  readonly extensionDays: number;
}

/** R3: year 1 is FTE terms 0–3, year 2 terms 3–6; an absence belongs to the year it starts in. */
export function inductionYearOn(state: EctState, date: IsoDate, calendar: TermCalendar): 1 | 2 {
  return inductionYears(state, calendar)(date);
}

/**
 * R3's `inductionYearOn` for many dates of one state (each absence of a stream, at every event). The year is a
 * step in the date: R4's terms served never decrease as the date moves on (days in post only add, and an open
 * pause grows with the date only over days it takes out), so a date is in year 1 up to the first day of year 2
 * and in year 2 from it. Each (calendar, posts, pauses, prior terms) keeps the latest date found in year 1 and
 * the earliest found in year 2, and R4 is asked only about a date between the two: for a stream's absences in
 * date order that is about once per new absence, and none for the absences already placed, without a lookup
 * per (state, date) (`termsServed`'s own memo builds a key for each).
 */
export function inductionYears(state: EctState, calendar: TermCalendar): (date: IsoDate) => 1 | 2 {
  const bounds = yearBoundsOf(state, calendar);
  return (date) => {
    if (bounds.lastInYearOne !== null && date <= bounds.lastInYearOne) return 1;
    if (bounds.firstInYearTwo !== null && date >= bounds.firstInYearTwo) return 2;
    // A date between the two was never asked (it would have moved one of them), so R4 without its memo.
    if (computeTermsServed(state, date, calendar) < YEAR_ONE_TERMS - EPSILON) {
      bounds.lastInYearOne = date;
      return 1;
    }
    bounds.firstInYearTwo = date;
    return 2;
  };
}

/** The dates found so far on either side of the start of year 2, for one (calendar, posts, pauses, prior). */
interface YearBounds {
  lastInYearOne: IsoDate | null;
  firstInYearTwo: IsoDate | null;
}

const yearBoundsMemo = new WeakMap<
  TermCalendar,
  WeakMap<readonly Post[], WeakMap<readonly Pause[], Map<number, YearBounds>>>
>();

/** Kept by identity, as `termsServed` keeps its answers: states are immutable and share unchanged arrays. */
function yearBoundsOf(state: EctState, calendar: TermCalendar): YearBounds {
  if (!Array.isArray(state.posts) || !Array.isArray(state.pauses))
    return { lastInYearOne: null, firstInYearTwo: null };
  let byPosts = yearBoundsMemo.get(calendar);
  if (!byPosts) yearBoundsMemo.set(calendar, (byPosts = new WeakMap()));
  let byPauses = byPosts.get(state.posts);
  if (!byPauses) byPosts.set(state.posts, (byPauses = new WeakMap()));
  let byPrior = byPauses.get(state.pauses);
  if (!byPrior) byPauses.set(state.pauses, (byPrior = new Map()));
  let bounds = byPrior.get(state.priorTermsServed);
  if (!bounds) byPrior.set(state.priorTermsServed, (bounds = { lastInYearOne: null, firstInYearTwo: null }));
  return bounds;
}

/** R8: extension days for one induction year's ad hoc absence total. */
export const automaticExtensionDays = (yearDays: number): number =>
  yearDays >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS ? yearDays : 0;

export function adHocAbsence(state: EctState, calendar: TermCalendar): AbsenceSummary {
  let year1Days = 0;
  let year2Days = 0;
  const yearOn = inductionYears(state, calendar);
  for (const absence of state.absences) {
    if (absence.withdrawn || absence.statutory) continue;
    if (yearOn(absence.from) === 1) year1Days += absence.days;
    else year2Days += absence.days;
  }
  return {
    year1Days,
    year2Days,
    extensionDays: automaticExtensionDays(year1Days) + automaticExtensionDays(year2Days),
  };
}
