/**
 * Early help: the reasons the hub reaches out to a school before an induction goes wrong (domain.md, "The
 * hub's own service"). Each cause names the rule behind it and the date it arose; a case reopens when a cause
 * arises again after it was resolved (early-help-case.decider.ts). Causes from what happened are decided on
 * the state alone; causes that come with the passing of time (overdue reviews and reports, this year's
 * timetable limit) are decided against `today` from the stored schedule, so read models keep the first part
 * and a sweep or a query computes the second.
 */
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { AUTOMATIC_EXTENSION_THRESHOLD_DAYS, inductionYears } from '../absence/r8-automatic-extension.js';
import { MAX_TIMETABLE_PERCENT } from '../entitlements/r22-entitlements.js';
import type { EctState } from '../induction/ect.state.js';
import { type EctSchedule, ectSchedule, inductionYearFromSchedule } from './ect-schedule.js';

/** Days of ad hoc absence in one induction year at which the hub checks in, before R8's 30. */
export const ABSENCE_WARNING_DAYS = 20;
/** Training attendance below this share opens a case. */
export const MINIMUM_ATTENDANCE = 0.8;

export type EarlyHelpCauseKind =
  | 'not-on-track'
  | 'not-on-track-twice'
  | 'year-1-unsatisfactory'
  | 'review-overdue'
  | 'report-overdue'
  | 'absence-warning'
  | 'absence-threshold'
  | 'no-mentor'
  | 'no-induction-tutor'
  | 'mentor-is-tutor'
  | 'timetable-over-limit'
  | 'fidelity-check-missing'
  | 'late-registration'
  | 'low-attendance';

export interface EarlyHelpCause {
  readonly cause: EarlyHelpCauseKind;
  /** The rule behind it (domain.md). */
  readonly rule: string;
  readonly since: IsoDate;
  readonly detail: string;
}

export interface TrainingAttendance {
  readonly attended: number;
  /** Events whose attendance was recorded for this ECT. */
  readonly recorded: number;
}

const open = (state: EctState) => state.phase === 'open' || state.phase === 'awaiting-decision';

/** Causes decided by what has happened, whatever the date: store them when the state changes. */
export function standingEarlyHelpCauses(
  state: EctState,
  calendar: TermCalendar,
  attendance?: TrainingAttendance,
): EarlyHelpCause[] {
  if (!open(state)) return [];
  const causes: EarlyHelpCause[] = [];
  const since = state.registeredOn ?? state.startDate ?? '1970-01-01';
  const reviews = [...state.reviews].sort((a, b) => a.term - b.term);
  const last = reviews.at(-1);
  const previous = reviews.at(-2);
  if (last && !last.onTrack) {
    causes.push({
      cause: 'not-on-track',
      rule: 'R11',
      since: last.submittedOn,
      detail: `Term ${last.term} review: not on track`,
    });
    if (previous && !previous.onTrack) {
      causes.push({
        cause: 'not-on-track-twice',
        rule: 'R14',
        since: last.submittedOn,
        detail: `Not on track at terms ${previous.term} and ${last.term}`,
      });
    }
  }
  if (state.supportPlanRequired?.reason === 'year-1-unsatisfactory') {
    causes.push({
      cause: 'year-1-unsatisfactory',
      rule: 'R14',
      since: state.supportPlanRequired.since,
      detail: 'Year 1 assessment unsatisfactory: extra support in place at once (4.2)',
    });
  }
  const perYear: Record<1 | 2, { days: number; warnedOn: IsoDate | null; reachedOn: IsoDate | null }> = {
    1: { days: 0, warnedOn: null, reachedOn: null },
    2: { days: 0, warnedOn: null, reachedOn: null },
  };
  const yearOn = inductionYears(state, calendar);
  for (const absence of state.absences) {
    if (absence.withdrawn || absence.statutory) continue;
    const year = perYear[yearOn(absence.from)];
    year.days += absence.days;
    if (year.days >= ABSENCE_WARNING_DAYS) year.warnedOn ??= absence.to;
    if (year.days >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS) year.reachedOn ??= absence.to;
  }
  for (const yearNumber of [1, 2] as const) {
    const year = perYear[yearNumber];
    if (year.reachedOn !== null) {
      causes.push({
        cause: 'absence-threshold',
        rule: 'R8',
        since: year.reachedOn,
        detail: `Year ${yearNumber}: ${year.days} days' absence (R8 extension; R10 head's notice)`,
      });
    } else if (year.warnedOn !== null) {
      causes.push({
        cause: 'absence-warning',
        rule: 'R8',
        since: year.warnedOn,
        detail: `Year ${yearNumber}: ${year.days} days' absence, nearing 30`,
      });
    }
  }
  if (state.mentorId === null)
    causes.push({ cause: 'no-mentor', rule: 'R22', since, detail: 'No named mentor' });
  if (state.inductionTutorId === null)
    causes.push({ cause: 'no-induction-tutor', rule: 'R22', since, detail: 'No named induction tutor' });
  if (state.mentorId !== null && state.mentorId === state.inductionTutorId) {
    causes.push({
      cause: 'mentor-is-tutor',
      rule: 'R22',
      since,
      detail: 'The mentor is also the induction tutor',
    });
  }
  if (state.programme === 'school-led' && state.fidelityCheck?.coversFramework !== true) {
    causes.push({
      cause: 'fidelity-check-missing',
      rule: 'R22',
      since: state.fidelityCheck?.checkedOn ?? since,
      detail:
        state.fidelityCheck === null
          ? 'School-led programme without a fidelity check'
          : 'Fidelity check: the programme does not cover the framework in full',
    });
  }
  if (state.lateRegistration) {
    causes.push({
      cause: 'late-registration',
      rule: 'R20',
      since,
      detail: `Registered on ${state.registeredOn} after the start date ${state.startDate}`,
    });
  }
  if (
    attendance &&
    attendance.recorded > 0 &&
    attendance.attended / attendance.recorded < MINIMUM_ATTENDANCE
  ) {
    causes.push({
      cause: 'low-attendance',
      rule: 'R22',
      since,
      detail: `Attended ${attendance.attended} of ${attendance.recorded} training events`,
    });
  }
  return causes;
}

/**
 * The state's fields `standingEarlyHelpCauses` never reads. An event that changes only these (a timetable, an
 * assessment or its access grant, a notification, the AB contact: about a fifth of a generated ECT's events)
 * leaves the standing causes as they were, so a read model keeps them rather than deciding them again. Listed
 * as the fields not read, so that a field added to the state counts as read until someone adds it here.
 */
const NOT_READ_BY_STANDING_CAUSES: ReadonlySet<string> = new Set<keyof EctState>([
  'ectId',
  'leadSchoolUrn',
  'qtsAwardedOn',
  'absenceThresholdsReached',
  'reducedTo',
  'extensions',
  'finalRound',
  'assessments',
  'interimAssessmentRequired',
  'interimAssessments',
  'recommendation',
  'decision',
  'notifications',
  'appeal',
  'abContactId',
  'abContactAccountId',
  'deciders',
  'failFinal',
  'people',
  'timetables',
  'accessGrants',
  'erasureRequests',
  'erasedSubjects',
]);

/**
 * False when `after` differs from `before` only in fields `standingEarlyHelpCauses` never reads (by identity:
 * a fold keeps what an event leaves alone), so its causes on `after` are those on `before` (same calendar and
 * attendance).
 */
export function standingCausesMayChange(before: EctState, after: EctState): boolean {
  if (before === after) return false;
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  for (const key in b) if (!NOT_READ_BY_STANDING_CAUSES.has(key) && a[key] !== b[key]) return true;
  for (const key in a) if (!NOT_READ_BY_STANDING_CAUSES.has(key) && !(key in b)) return true;
  return false;
}

/** What the time-dependent causes need: the schedule and the timetables, both stored by read models. */
export interface TimedFacts {
  readonly open: boolean;
  readonly schedule: Pick<EctSchedule, 'reviews' | 'assessments' | 'yearTwoFrom'>;
  readonly timetables: EctState['timetables'];
}

export const timedFactsOf = (state: EctState, schedule: EctSchedule): TimedFacts => ({
  open: open(state),
  schedule: {
    reviews: schedule.reviews,
    assessments: schedule.assessments,
    yearTwoFrom: schedule.yearTwoFrom,
  },
  timetables: state.timetables,
});

/** Causes that come with the date: reviews and reports overdue (R11, R12) and this year's timetable (R22). */
export function timedEarlyHelpCauses(facts: TimedFacts, today: IsoDate): EarlyHelpCause[] {
  if (!facts.open) return [];
  const causes: EarlyHelpCause[] = [];
  for (const review of facts.schedule.reviews) {
    if (!review.submitted && review.dueBy < today) {
      causes.push({
        cause: 'review-overdue',
        rule: 'R11',
        since: addDays(review.dueBy, 1),
        detail: `Term ${review.term} progress review was due by ${review.dueBy}`,
      });
    }
  }
  for (const assessment of facts.schedule.assessments) {
    if (!assessment.recorded && assessment.reportDueBy < today) {
      causes.push({
        cause: 'report-overdue',
        rule: 'R12',
        since: addDays(assessment.reportDueBy, 1),
        detail: `The ${assessment.point} assessment report was due by ${assessment.reportDueBy}`,
      });
    }
  }
  const timetable = facts.timetables.filter((t) => t.from <= today).at(-1);
  if (timetable) {
    const year = inductionYearFromSchedule(facts.schedule, today);
    const limit = MAX_TIMETABLE_PERCENT[year];
    if (timetable.percentOfMainPayRangeTimetable > limit) {
      const yearStart = year === 2 ? facts.schedule.yearTwoFrom! : timetable.from;
      causes.push({
        cause: 'timetable-over-limit',
        rule: 'R22',
        since: timetable.from > yearStart ? timetable.from : yearStart,
        detail: `Timetable ${timetable.percentOfMainPayRangeTimetable}% in year ${year}, over ${limit}%`,
      });
    }
  }
  return causes;
}

/**
 * Every early-help cause on `today`: the pure function the scheduled sweep calls with an ECT's folded state.
 * Read models store `standingEarlyHelpCauses` and `timedFactsOf` and call `timedEarlyHelpCauses` at query time,
 * which gives the same answer.
 */
export function earlyHelpCausesAt(
  state: EctState,
  today: IsoDate,
  calendar: TermCalendar,
  attendance?: TrainingAttendance,
): EarlyHelpCause[] {
  return [
    ...standingEarlyHelpCauses(state, calendar, attendance),
    ...timedEarlyHelpCauses(timedFactsOf(state, ectSchedule(state, calendar)), today),
  ];
}
