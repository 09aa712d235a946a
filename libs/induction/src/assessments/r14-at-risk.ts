/**
 * R14 at-risk ECTs (4.1–4.6): an unsatisfactory year-1 assessment means the AB is told and extra support is
 * put in place at once; from then on every progress review revises the support plan and shares it with the
 * AB. A review that is not on track (R11, 4.1) starts the same requirement.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { EventAppliers } from '../induction/ect.capability.js';
import {
  type AssessmentPoint,
  type AssessmentRecommendation,
  ectEvent,
  type SupportPlanRequired,
} from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';

/** R14 (4.2): the year-1 assessment found progress unsatisfactory. */
export function supportPlanAfterYearOne(
  state: EctState,
  point: AssessmentPoint,
  recommendation: AssessmentRecommendation,
  on: IsoDate,
): SupportPlanRequired[] {
  return point === 'year-1' &&
    recommendation === 'unsatisfactory' &&
    state.supportPlanRequired?.reason !== 'year-1-unsatisfactory'
    ? [ectEvent('SupportPlanRequired', { reason: 'year-1-unsatisfactory', since: on })]
    : [];
}

/** R14: the ECT is at risk of not completing induction satisfactorily. */
export const isAtRisk = (state: EctState): boolean => state.supportPlanRequired !== null;

export const atRiskEvents: Pick<EventAppliers, 'SupportPlanRequired'> = {
  SupportPlanRequired: (state, { data }) => ({
    ...state,
    supportPlanRequired: { reason: data.reason, since: data.since },
  }),
};
