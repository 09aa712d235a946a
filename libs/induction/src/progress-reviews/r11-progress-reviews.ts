/**
 * R11 progress reviews (2.48–2.54, 4.1): one in each term with no formal assessment (full time: terms 1, 2,
 * 4 and 5; part time: every calendar term); a review that would fall less than a term before a formal
 * assessment is not due (2.49). Each records on track or not, the evidence (strengths) and development
 * targets; the AB gets a copy. Not on track means a support plan is required and the AB is told (4.1); once
 * required (R14), every later review revises it.
 */
import { addDays, daysBetween, type IsoDate } from '../calendar/calendar-date.js';
import { type Term, TermCalendar } from '../calendar/r1-terms.js';
import { EPSILON } from '../accrual/intervals.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { formalAssessmentsDue } from '../assessments/r12-formal-assessments.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent, type EctEvent } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate } from '../registration/validation.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';

export interface ProgressReviewDue {
  /** Induction term number: 1 is the term induction starts in. */
  readonly term: number;
  readonly calendarTerm: Term;
  readonly dueBy: IsoDate;
}

/** The last date the schedule looks at: the final assessment, else the end of employment or of accrual. */
function horizon(state: EctState, finalDueBy: IsoDate | undefined): IsoDate | null {
  if (finalDueBy !== undefined) return finalDueBy;
  const ends = [
    ...state.posts.map((post) => post.leftOn),
    ...state.pauses.map((pause) => pause.until ?? pause.from),
  ];
  return (
    ends
      .filter((date): date is IsoDate => date !== null)
      .sort()
      .at(-1) ?? null
  );
}

/** R11: the terms in which a progress review is due, with their deadlines (the end of the term). */
export function progressReviewsDue(state: EctState, calendar: TermCalendar): ProgressReviewDue[] {
  if (state.startDate === null) return [];
  const assessmentDates = formalAssessmentsDue(state, calendar).map((due) => due.dueBy);
  const last = horizon(state, assessmentDates.at(-1));
  if (last === null) return [];
  const first = calendar.termOnOrAfter(state.startDate);
  const due: ProgressReviewDue[] = [];
  for (let term = first; term.start <= last; term = calendar.termAt(term.index + 1)) {
    const served =
      termsServed(state, term.end, calendar) - termsServed(state, addDays(term.start, -1), calendar);
    const hasAssessment = assessmentDates.some((date) => date >= term.start && date <= term.end);
    const nextAssessment = assessmentDates.find((date) => date > term.end);
    const lessThanATermBefore =
      nextAssessment !== undefined &&
      daysBetween(term.end, nextAssessment) < TermCalendar.lengthInDays(calendar.termAt(term.index + 1));
    if (served > EPSILON && !hasAssessment && !lessThanATermBefore) {
      due.push({ term: term.index - first.index + 1, calendarTerm: term, dueBy: term.end });
    }
  }
  return due;
}

export const progressReviewCommands: Pick<CommandHandlers, 'SubmitProgressReview'> = {
  SubmitProgressReview: ({ data }, state, deps) => {
    requireOpen(state);
    requireDate(data.reviewedOn, 'reviewedOn');
    if (!Number.isInteger(data.term) || data.term < 1)
      throw invalid('Term must be a whole number from 1', 'term');
    if (typeof data.onTrack !== 'boolean') throw invalid('On track must be true or false', 'onTrack');
    const due = progressReviewsDue(state, deps.calendar).find((review) => review.term === data.term);
    if (!due) throw statutory('R11', `no progress review is due in induction term ${data.term}`, 'term');
    if (state.reviews.some((review) => review.term === data.term)) {
      throw conflict(`The progress review for term ${data.term} is already submitted`);
    }
    if (data.reviewedOn < due.calendarTerm.start) {
      throw statutory(
        'R11',
        `the review for induction term ${data.term} is held in its term, from ${due.calendarTerm.start}`,
        'reviewedOn',
      );
    }
    const supportPlan = data.supportPlan?.trim() ? data.supportPlan : null;
    if (!data.onTrack && supportPlan === null) {
      throw statutory('R11', 'a support plan is required when the ECT is not on track (4.1)', 'supportPlan');
    }
    if (state.supportPlanRequired !== null && supportPlan === null) {
      throw statutory(
        'R14',
        'every review after a support plan is required revises it (4.3–4.6)',
        'supportPlan',
      );
    }
    const events: EctEvent[] = [
      ectEvent('ProgressReviewSubmitted', {
        term: data.term,
        reviewedOn: data.reviewedOn,
        onTrack: data.onTrack,
        strengths: data.strengths,
        areasForDevelopment: data.areasForDevelopment,
        supportPlan,
        ectComment: data.ectComment ?? null,
        submittedOn: data.on,
      }),
    ];
    if (!data.onTrack && state.supportPlanRequired === null) {
      events.push(ectEvent('SupportPlanRequired', { reason: 'not-on-track', since: data.on }));
    }
    return events;
  },
};

export const progressReviewEvents: Pick<EventAppliers, 'ProgressReviewSubmitted'> = {
  ProgressReviewSubmitted: (state, { data }) => ({
    ...state,
    reviews: [
      ...state.reviews,
      {
        term: data.term,
        reviewedOn: data.reviewedOn,
        onTrack: data.onTrack,
        hasSupportPlan: data.supportPlan !== null,
        submittedOn: data.submittedOn,
      },
    ],
  }),
};
