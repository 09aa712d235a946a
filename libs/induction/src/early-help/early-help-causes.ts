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
import type { Absence, EctState, Pause, Post } from '../induction/ect.state.js';
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
  for (const cause of absenceCauses(state, calendar)) causes.push(cause);
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

/** One induction year's ad hoc absence so far, in the order the absences were recorded (R8, early help). */
interface YearAbsence {
  readonly days: number;
  /** The end of the absence that took the year to `ABSENCE_WARNING_DAYS`. */
  readonly warnedOn: IsoDate | null;
  /** The end of the absence that took the year to R8's threshold. */
  readonly reachedOn: IsoDate | null;
}

/** The absences tallied (by identity), each year's totals, and the causes they raise. */
interface AbsenceTally {
  readonly absences: readonly Absence[];
  readonly years: readonly [YearAbsence, YearAbsence];
  readonly causes: readonly EarlyHelpCause[];
}

const NO_ABSENCE: YearAbsence = { days: 0, warnedOn: null, reachedOn: null };

/** R8 (3.6) and the hub's warning: one more ad hoc absence added to its induction year's total. */
function addAbsence(year: YearAbsence, absence: Absence): YearAbsence {
  const days = year.days + absence.days;
  return {
    days,
    warnedOn: year.warnedOn ?? (days >= ABSENCE_WARNING_DAYS ? absence.to : null),
    reachedOn: year.reachedOn ?? (days >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS ? absence.to : null),
  };
}

/** R8: a year at 30 days or more is extended (R10: head's notice); at 20 the hub checks in first. */
function absenceCausesOf(years: readonly [YearAbsence, YearAbsence]): EarlyHelpCause[] {
  const causes: EarlyHelpCause[] = [];
  for (const yearNumber of [1, 2] as const) {
    const year = years[yearNumber - 1]!;
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
  return causes;
}

/**
 * R8 as the early-help causes read it: ad hoc absences (neither withdrawn nor statutory leave, R9) counted in
 * the induction year each starts in (R3), in the order recorded, from `start` (the totals of `absences` up to
 * `from`).
 */
function tallyAbsences(
  absences: readonly Absence[],
  yearOn: (date: IsoDate) => 1 | 2,
  start: readonly [YearAbsence, YearAbsence] = [NO_ABSENCE, NO_ABSENCE],
  from = 0,
): AbsenceTally {
  let [one, two] = start;
  for (let i = from; i < absences.length; i++) {
    const absence = absences[i]!;
    if (absence.withdrawn || absence.statutory) continue;
    if (yearOn(absence.from) === 1) one = addAbsence(one, absence);
    else two = addAbsence(two, absence);
  }
  const years = [one, two] as const;
  return { absences, years, causes: absenceCausesOf(years) };
}

/** The absences of one (calendar, posts, pauses, prior terms), on which R3's year of an absence depends. */
interface Tallies {
  readonly calendar: TermCalendar;
  readonly pauses: readonly Pause[];
  readonly priorTermsServed: number;
  /** R3's year of a date under these (`inductionYears` of the first state asked: it reads nothing else). */
  readonly yearOn: (date: IsoDate) => 1 | 2;
  /** The tally last made, kept or added to by the next state's absences (a fold shares the array). */
  latest: AbsenceTally | null;
}

/**
 * One entry per posts array (an ECT's posts change rarely, and far less often than its absences): its pauses,
 * prior terms and calendar are compared by identity, and an entry for others replaces it.
 */
const talliesByPosts = new WeakMap<readonly Post[], Tallies>();

function talliesOf(state: EctState, calendar: TermCalendar): Tallies | null {
  if (!Array.isArray(state.posts) || !Array.isArray(state.pauses)) return null;
  let tallies = talliesByPosts.get(state.posts);
  if (
    tallies === undefined ||
    tallies.calendar !== calendar ||
    tallies.pauses !== state.pauses ||
    tallies.priorTermsServed !== state.priorTermsServed
  ) {
    tallies = {
      calendar,
      pauses: state.pauses,
      priorTermsServed: state.priorTermsServed,
      yearOn: inductionYears(state, calendar),
      latest: null,
    };
    talliesByPosts.set(state.posts, tallies);
  }
  return tallies;
}

/** True when `absences` is `previous` with one absence added at the end (the fold shares the others). */
function oneAdded(previous: readonly Absence[], absences: readonly Absence[]): boolean {
  if (absences.length !== previous.length + 1) return false;
  for (let i = 0; i < previous.length; i++) if (absences[i] !== previous[i]) return false;
  return true;
}

const NO_CAUSES: readonly EarlyHelpCause[] = Object.freeze([]);

/**
 * The absence causes of a state (domain.md R8 at 30 days, R3 for the year, R9 for statutory leave; the hub's
 * warning at 20, "The hub's own service"): asked at every ECT event by the
 * early-help queue, over all the ECT's absences (≈30 at national scale). Kept along the fold, as
 * `inductionYears` keeps its bounds: states are immutable and share unchanged arrays, so under the same
 * (calendar, posts, pauses, prior terms) the same absences array has the causes last found, and an absence
 * recorded (AbsenceRecorded appends one) is added to the totals of those before it. Anything else (a
 * withdrawal, a leave choice, new posts or pauses, another ECT's state) counts them all again.
 */
export function absenceCauses(state: EctState, calendar: TermCalendar): readonly EarlyHelpCause[] {
  if (state.absences.length === 0) return NO_CAUSES;
  const tallies = talliesOf(state, calendar);
  if (!tallies) return tallyAbsences(state.absences, inductionYears(state, calendar)).causes;
  const latest = tallies.latest;
  if (latest?.absences === state.absences) return latest.causes;
  tallies.latest =
    latest && oneAdded(latest.absences, state.absences)
      ? tallyAbsences(state.absences, tallies.yearOn, latest.years, latest.absences.length)
      : tallyAbsences(state.absences, tallies.yearOn);
  return tallies.latest.causes;
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
