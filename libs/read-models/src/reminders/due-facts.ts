/**
 * The time-independent due facts of one ECT's induction: everything that falls due on a known date, whatever
 * today is. The `due-items` projection stores them; the daily sweeps decide, with the clock, which reminder or
 * deadline alert is due today (projections never read the clock).
 *
 * Reminder items are exactly the kinds of `summariseInduction`'s `nextDue` (progress reviews, formal
 * assessment, decision, notification). `nextDue` shows a review only once its term has started (or the next
 * upcoming one); a review's reminder fires from a week before its due date, by when its term has started, so
 * a reminder fires only for an item `nextDue` shows that day (due-facts.spec.ts checks it).
 *
 * Statutory deadlines (R12 report, R16 decision, R17 notification, R18 appeal window) are watched for the AB;
 * `fail-final` is when R18's window closes on a fail with no appeal, a fact time alone creates.
 */
import { addWorkingDays } from '#induction/calendar/r2-working-days.js';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import {
  ASSESSMENT_REPORT_WORKING_DAYS,
  formalAssessmentsDue,
  isRecorded,
} from '#induction/assessments/r12-formal-assessments.js';
import { notificationsOutstanding } from '#induction/decision/r17-notification.js';
import { progressReviewsDue } from '#induction/progress-reviews/r11-progress-reviews.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { EctSchedule } from '#induction/early-help/ect-schedule.js';

export type DueFactKind =
  'progress-review' | 'formal-assessment' | 'decision' | 'notification' | 'statutory-deadline' | 'fail-final';

/** Who acts on it: the school (induction tutor) or the AB (panel members and hub staff). */
export type Audience = 'school' | 'ab';

export type StatutoryRule = 'R12' | 'R16' | 'R17' | 'R18';

export interface DueFact {
  /** Stable per ECT while the fact stands: `progress-review.term-2`, `formal-assessment.final.0`, `R16`. */
  readonly itemKey: string;
  readonly kind: DueFactKind;
  /** As `nextDue` shows it (`term 2`, `year-1`, `ect, head`), or the rule id for statutory deadlines. */
  readonly detail: string;
  readonly dueBy: IsoDate;
  readonly audience: Audience;
}

/** The reminder kinds: the kinds `summariseInduction` puts in `nextDue`. */
export const REMINDER_KINDS: readonly DueFactKind[] = [
  'progress-review',
  'formal-assessment',
  'decision',
  'notification',
];

/** Every outstanding due fact of `state`, whatever the date. `failFinalRecorded`: the fail is already final. */
export function dueFacts(
  state: EctState,
  calendar: TermCalendar,
  failFinalRecorded = false,
  schedule?: Pick<EctSchedule, 'reviews' | 'assessments'>,
): DueFact[] {
  const facts: DueFact[] = [];
  if (state.phase === 'open') {
    // `schedule`, when the caller has it (a rebuild does: `scheduleAt` memoises it per revision), is
    // `ectSchedule(state, calendar)`: the same reviews and assessments, from the same two rules, already
    // worked out (due-facts.spec.ts checks they agree). Without a start date it has none: ask the rules.
    const known = schedule && state.startDate !== null ? schedule : undefined;
    const reviews = known
      ? known.reviews.filter((review) => !review.submitted)
      : progressReviewsDue(state, calendar).filter(
          (review) => !state.reviews.some((done) => done.term === review.term),
        );
    for (const review of reviews) {
      facts.push({
        itemKey: `progress-review.term-${review.term}`,
        kind: 'progress-review',
        detail: `term ${review.term}`,
        dueBy: review.dueBy,
        audience: 'school',
      });
    }
    const assessment = known
      ? known.assessments.find((a) => !a.recorded)
      : formalAssessmentsDue(state, calendar).find((d) => !isRecorded(state, d.point));
    if (assessment) {
      const key = assessment.point === 'final' ? `final.${state.finalRound}` : assessment.point;
      facts.push({
        itemKey: `formal-assessment.${key}`,
        kind: 'formal-assessment',
        detail: assessment.point,
        dueBy: assessment.dueBy,
        audience: 'school',
      });
      // R12: the report reaches the AB within 10 working days of the meeting, held by the due date at latest.
      facts.push({
        itemKey: `R12.${key}`,
        kind: 'statutory-deadline',
        detail: 'R12',
        dueBy: addWorkingDays(assessment.dueBy, ASSESSMENT_REPORT_WORKING_DAYS),
        audience: 'ab',
      });
    }
  }
  if (state.phase === 'awaiting-decision' && state.recommendation !== null) {
    const { decisionDueBy, recommendation } = state.recommendation;
    facts.push({
      itemKey: 'decision',
      kind: 'decision',
      detail: recommendation,
      dueBy: decisionDueBy,
      audience: 'ab',
    });
    facts.push({
      itemKey: 'R16',
      kind: 'statutory-deadline',
      detail: 'R16',
      dueBy: decisionDueBy,
      audience: 'ab',
    });
  }
  const decision = state.decision;
  const outstanding = notificationsOutstanding(state);
  if (decision !== null && outstanding.length > 0) {
    facts.push({
      itemKey: 'notification',
      kind: 'notification',
      detail: outstanding.join(', '),
      dueBy: decision.notifyBy,
      audience: 'ab',
    });
    facts.push({
      itemKey: 'R17',
      kind: 'statutory-deadline',
      detail: 'R17',
      dueBy: decision.notifyBy,
      audience: 'ab',
    });
  }
  if (decision !== null && decision.appealBy !== null && state.appeal === null && state.phase !== 'passed') {
    // R18: the AB tells the ECT of the right to appeal; the window closes on appealBy.
    facts.push({
      itemKey: 'R18',
      kind: 'statutory-deadline',
      detail: 'R18',
      dueBy: decision.appealBy,
      audience: 'ab',
    });
    if (decision.outcome === 'fail' && !failFinalRecorded) {
      facts.push({
        itemKey: 'fail-final',
        kind: 'fail-final',
        detail: 'R18',
        dueBy: decision.appealBy,
        audience: 'ab',
      });
    }
  }
  return facts;
}
