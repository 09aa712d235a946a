/**
 * R8 automatic extension (3.6): when ad hoc absences within one induction year total 30 days or more, that
 * year is extended by all the days absent, not the excess: 29 → none, 30 → 30, 35 → 35. Days count only when
 * the ECT was contracted to work (the school reports contracted days). One FTE day = 1/65 FTE term (R1).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { YEAR_ONE_TERMS } from '../accrual/r3-length.js';
import type { EctState } from '../induction/ect.state.js';
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
  return termsServed(state, date, calendar) < YEAR_ONE_TERMS - EPSILON ? 1 : 2;
}

/** R8: extension days for one induction year's ad hoc absence total. */
export const automaticExtensionDays = (yearDays: number): number =>
  yearDays >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS ? yearDays : 0;

export function adHocAbsence(state: EctState, calendar: TermCalendar): AbsenceSummary {
  let year1Days = 0;
  let year2Days = 0;
  for (const absence of state.absences) {
    if (absence.withdrawn || absence.statutory) continue;
    if (inductionYearOn(state, absence.from, calendar) === 1) year1Days += absence.days;
    else year2Days += absence.days;
  }
  return {
    year1Days,
    year2Days,
    extensionDays: automaticExtensionDays(year1Days) + automaticExtensionDays(year2Days),
  };
}
