/**
 * R3 length (2.30, 2.36): induction is complete after 6 FTE terms, two years of 3 FTE terms; part time is
 * pro rata (0.5 FTE needs 12 calendar terms). The required length is 6, or the R6 reduced length, plus R19
 * extensions and the days added by R8 (ad hoc absence) and R9 (statutory leave the ECT chose to extend by).
 */
import { addDays, fromDayNumber, type IsoDate, toDayNumber } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import type { EctState } from '../induction/ect.state.js';
import { adHocAbsence, automaticExtensionDays } from '../absence/r8-automatic-extension.js';
import { leaveExtensionDays } from '../absence/r9-statutory-leave.js';
import { EPSILON } from './intervals.js';
import { termsServed } from './r4-accrual.js';

/** R3 (2.30): full induction in FTE terms. */
export const STANDARD_INDUCTION_TERMS = 6;
/** R3: year 1 ends at FTE term 3 (the year-1 formal assessment, R12). */
export const YEAR_ONE_TERMS = 3;
/** How far ahead an expected end date is looked for: 16 terms of extension (R19) beyond 12 part-time years. */
const MAX_TERMS_AHEAD = 3 * 12 + 16;

/** R3 + R6 + R19 + R8 + R9: FTE terms the ECT must serve before the AB may pass or fail them (R16, 4.8). */
export function termsRequired(state: EctState, calendar: TermCalendar): number {
  const base = state.reducedTo ?? STANDARD_INDUCTION_TERMS;
  const extended = state.extensions.reduce((sum, extension) => sum + extension.terms, 0);
  const days = adHocAbsence(state, calendar).extensionDays + leaveExtensionDays(state);
  return base + extended + days / calendar.fteTermDays;
}

/** R3 + R8: FTE terms at which year 1 closes (its formal assessment), later by year 1's R8 extension. */
export function yearOneTerms(state: EctState, calendar: TermCalendar): number {
  return (
    YEAR_ONE_TERMS + automaticExtensionDays(adHocAbsence(state, calendar).year1Days) / calendar.fteTermDays
  );
}

/**
 * The first date by which `target` FTE terms are served, projecting current posts and working patterns
 * forward; null when they never get there (out of post, or paused with no end).
 */
export function dateServedReaches(state: EctState, target: number, calendar: TermCalendar): IsoDate | null {
  if (state.startDate === null) return null;
  const reached = (date: IsoDate) => termsServed(state, date, calendar) >= target - EPSILON;
  if (reached(addDays(state.startDate, -1))) return state.startDate;
  let term = calendar.termOnOrAfter(state.startDate);
  for (let ahead = 0; ahead < MAX_TERMS_AHEAD; ahead += 1, term = calendar.termAt(term.index + 1)) {
    if (!reached(term.end)) continue;
    let low = toDayNumber(term.start) - 1;
    let high = toDayNumber(term.end);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (reached(fromDayNumber(middle))) high = middle;
      else low = middle;
    }
    return fromDayNumber(high);
  }
  return null;
}

/** R3: when the required length will have been served on current patterns. */
export const expectedEndDate = (state: EctState, calendar: TermCalendar): IsoDate | null =>
  dateServedReaches(state, termsRequired(state, calendar), calendar);
