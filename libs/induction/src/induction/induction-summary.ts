/**
 * The ECT's induction as `GET /ects/:id` shows it (shared/design/api.md), computed by the domain from the
 * folded state, the date asked about and the AB's calendar, so no controller or projection recomputes a rule.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { roundTerms } from '../accrual/intervals.js';
import { expectedEndDate, termsRequired } from '../accrual/r3-length.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { type AbsenceSummary, adHocAbsence } from '../absence/r8-automatic-extension.js';
import { leaveChoicesPending } from '../absence/r9-statutory-leave.js';
import { formalAssessmentsDue, isRecorded } from '../assessments/r12-formal-assessments.js';
import { isAtRisk } from '../assessments/r14-at-risk.js';
import { notificationsOutstanding } from '../decision/r17-notification.js';
import { employmentEndsBy, failFinalOn } from '../decision/r18-appeal.js';
import { checkEntitlements, type EntitlementCheck } from '../entitlements/r22-entitlements.js';
import { progressReviewsDue } from '../progress-reviews/r11-progress-reviews.js';
import type { EctPersonalData, Outcome, Programme } from './ect.events.js';
import { type EctState, openPosts } from './ect.state.js';

/** The statuses of api.md's `GET /ects/:id`, in the order lists and reports show them. */
export const INDUCTION_STATUSES = [
  'registered',
  'in-progress',
  'paused',
  'awaiting-decision',
  'extended',
  'passed',
  'failed',
  'released',
] as const;
export type InductionStatus = (typeof INDUCTION_STATUSES)[number];

export type DueKind = 'progress-review' | 'formal-assessment' | 'decision' | 'notification';
export interface DueItem {
  readonly kind: DueKind;
  readonly dueBy: IsoDate;
  /** Progress reviews: the induction term; formal assessments: year-1 or final; notifications: who. */
  readonly detail: string;
}

export interface DecisionSummary {
  readonly outcome: Outcome | null;
  readonly decidedOn: IsoDate | null;
  readonly decisionDueBy: IsoDate;
  readonly notifyBy: IsoDate | null;
  readonly appealBy: IsoDate | null;
}

export interface InductionSummary {
  readonly ectId: string | null;
  /** Null once the ECT's personal data is erased (R23). */
  readonly trn: string | null;
  readonly schoolUrn: string | null;
  readonly status: InductionStatus | 'unregistered';
  readonly fte: number | null;
  readonly programme: Programme | null;
  readonly startDate: IsoDate | null;
  /** R3 + R6 + R19 (+ R8/R9 days as FTE terms), 2 decimals. */
  readonly termsRequired: number;
  /** R4 + R5, 2 decimals. */
  readonly termsServed: number;
  /** R8: ad hoc days only. */
  readonly absence: AbsenceSummary;
  readonly expectedEndDate: IsoDate | null;
  readonly nextDue: DueItem[];
  readonly decision: DecisionSummary | null;
  readonly lateRegistration: boolean;
  /** R10: induction years whose absence reached 30 days, which the head must tell the AB of. */
  readonly headNoticeYears: readonly (1 | 2)[];
  /** R9: statutory leave awaiting the ECT's choice to extend. */
  readonly leaveChoicesPending: string[];
  /** R11/R14: a support plan is required (not on track, or year 1 unsatisfactory). */
  readonly atRisk: boolean;
  /** R13. */
  readonly interimAssessmentRequired: boolean;
  /** R18: when a fail became final, and when employment must end by. */
  readonly failFinalOn: IsoDate | null;
  readonly employmentEndsBy: IsoDate | null;
  /** R22. */
  readonly entitlements: EntitlementCheck[];
}

export function summariseInduction(
  state: EctState,
  today: IsoDate,
  calendar: TermCalendar,
): InductionSummary {
  const ect = state.ectId === null ? null : (state.people[state.ectId] as EctPersonalData | null | undefined);
  return {
    ectId: state.ectId,
    trn: ect?.trn ?? null,
    schoolUrn: state.leadSchoolUrn,
    status: statusOf(state, today),
    fte: currentFte(state, today),
    programme: state.programme,
    startDate: state.startDate,
    termsRequired: roundTerms(termsRequired(state, calendar)),
    termsServed: roundTerms(termsServed(state, today, calendar)),
    absence: adHocAbsence(state, calendar),
    expectedEndDate:
      state.phase === 'open' || state.phase === 'awaiting-decision' ? expectedEndDate(state, calendar) : null,
    nextDue: nextDue(state, today, calendar),
    decision: decisionSummary(state),
    lateRegistration: state.lateRegistration,
    headNoticeYears: state.absenceThresholdsReached,
    leaveChoicesPending: leaveChoicesPending(state),
    atRisk: isAtRisk(state),
    interimAssessmentRequired: state.interimAssessmentRequired,
    failFinalOn: failFinalOn(state, today),
    employmentEndsBy: employmentEndsBy(state, today),
    entitlements: state.phase === 'unregistered' ? [] : checkEntitlements(state, today, calendar),
  };
}

function statusOf(state: EctState, today: IsoDate): InductionSummary['status'] {
  switch (state.phase) {
    case 'open': {
      const paused = state.pauses.some((p) => p.from <= today && (p.until === null || p.until >= today));
      if (paused) return 'paused';
      if (state.startDate !== null && today < state.startDate) return 'registered';
      return state.decision?.outcome === 'extend' ? 'extended' : 'in-progress';
    }
    default:
      return state.phase;
  }
}

/** R4/R7: the FTE the ECT works on `today` across their posts (the latest pattern once out of post). */
function currentFte(state: EctState, today: IsoDate): number | null {
  const posts = openPosts(state).length > 0 ? openPosts(state) : state.posts.slice(-1);
  if (posts.length === 0) return null;
  const fte = posts.reduce((sum, post) => {
    const pattern = post.patterns.filter((p) => p.from <= today).at(-1) ?? post.patterns[0];
    return sum + pattern.fte;
  }, 0);
  return Math.round(fte * 100) / 100;
}

function nextDue(state: EctState, today: IsoDate, calendar: TermCalendar): DueItem[] {
  const due: DueItem[] = [];
  if (state.phase === 'open') {
    const reviews = progressReviewsDue(state, calendar).filter(
      (review) => !state.reviews.some((done) => done.term === review.term),
    );
    const upcoming = reviews.find((review) => review.calendarTerm.start > today);
    for (const review of reviews) {
      if (review.calendarTerm.start <= today || review === upcoming) {
        due.push({ kind: 'progress-review', dueBy: review.dueBy, detail: `term ${review.term}` });
      }
    }
    const assessment = formalAssessmentsDue(state, calendar).find((d) => !isRecorded(state, d.point));
    if (assessment)
      due.push({ kind: 'formal-assessment', dueBy: assessment.dueBy, detail: assessment.point });
  }
  if (state.phase === 'awaiting-decision' && state.recommendation !== null) {
    due.push({
      kind: 'decision',
      dueBy: state.recommendation.decisionDueBy,
      detail: state.recommendation.recommendation,
    });
  }
  const outstanding = notificationsOutstanding(state);
  if (state.decision !== null && outstanding.length > 0) {
    due.push({ kind: 'notification', dueBy: state.decision.notifyBy, detail: outstanding.join(', ') });
  }
  return due.sort((a, b) => a.dueBy.localeCompare(b.dueBy));
}

function decisionSummary(state: EctState): DecisionSummary | null {
  if (state.recommendation !== null) {
    return {
      outcome: null,
      decidedOn: null,
      decisionDueBy: state.recommendation.decisionDueBy,
      notifyBy: null,
      appealBy: null,
    };
  }
  if (state.decision === null) return null;
  const { outcome, decidedOn, decisionDueBy, notifyBy, appealBy } = state.decision;
  return { outcome, decidedOn, decisionDueBy, notifyBy, appealBy };
}
