/**
 * The dates an ECT's induction is planned around, computed once from the folded state: they depend on the
 * state and the AB's calendar, never on today, so read models store them and only compare them with today at
 * query time. Every date comes from the domain's own rules (R3, R11, R12, R16–R18), so a part-time, reduced,
 * extended or paused induction gets its own, pro rata.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import { addDays } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { addWorkingDays } from '../calendar/r2-working-days.js';
import { EPSILON } from '../accrual/intervals.js';
import { dateServedReaches, expectedEndDate, YEAR_ONE_TERMS } from '../accrual/r3-length.js';
import { termsServed } from '../accrual/r4-accrual.js';
import {
  ASSESSMENT_REPORT_WORKING_DAYS,
  formalAssessmentsDue,
  isRecorded,
} from '../assessments/r12-formal-assessments.js';
import type { AssessmentPoint } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { progressReviewsDue } from '../progress-reviews/r11-progress-reviews.js';

export interface ScheduledReview {
  /** Induction term number (R11). */
  readonly term: number;
  /** First day the review may be held (the term's start). */
  readonly opensOn: IsoDate;
  readonly dueBy: IsoDate;
  readonly submitted: boolean;
}

export interface ScheduledAssessment {
  readonly point: AssessmentPoint;
  /** R12: held from the start of the term that closes the year. */
  readonly opensOn: IsoDate;
  readonly dueBy: IsoDate;
  /** R12 (2.61): the report reaches the AB within 10 working days of the meeting, at the latest from dueBy. */
  readonly reportDueBy: IsoDate;
  readonly recorded: boolean;
}

export interface EctSchedule {
  readonly reviews: readonly ScheduledReview[];
  readonly assessments: readonly ScheduledAssessment[];
  /** R3: the first day of induction year 2 (FTE term 3 served); null when never reached on current posts. */
  readonly yearTwoFrom: IsoDate | null;
  /** R3: when the required length will have been served on current patterns. */
  readonly expectedEnd: IsoDate | null;
}

/** The earliest date, so that "year two from" holds for every date when prior service already covers year 1. */
export const BEGINNING_OF_TIME: IsoDate = '0001-01-01';

export function ectSchedule(state: EctState, calendar: TermCalendar): EctSchedule {
  if (state.startDate === null) return { reviews: [], assessments: [], yearTwoFrom: null, expectedEnd: null };
  const reviews = progressReviewsDue(state, calendar).map((due) => ({
    term: due.term,
    opensOn: due.calendarTerm.start,
    dueBy: due.dueBy,
    submitted: state.reviews.some((review) => review.term === due.term),
  }));
  const assessments = formalAssessmentsDue(state, calendar).map((due) => ({
    point: due.point,
    opensOn: due.term.start,
    dueBy: due.dueBy,
    reportDueBy: addWorkingDays(due.dueBy, ASSESSMENT_REPORT_WORKING_DAYS),
    recorded: isRecorded(state, due.point),
  }));
  const yearTwoFrom =
    termsServed(state, addDays(state.startDate, -1), calendar) >= YEAR_ONE_TERMS - EPSILON
      ? BEGINNING_OF_TIME
      : dateServedReaches(state, YEAR_ONE_TERMS, calendar);
  return { reviews, assessments, yearTwoFrom, expectedEnd: expectedEndDate(state, calendar) };
}

/** R3: the induction year on `date` from the stored schedule (the same answer as `inductionYearOn`). */
export const inductionYearFromSchedule = (
  schedule: Pick<EctSchedule, 'yearTwoFrom'>,
  date: IsoDate,
): 1 | 2 => (schedule.yearTwoFrom !== null && date >= schedule.yearTwoFrom ? 2 : 1);
