/**
 * R15 recommendation (2.60, reg 11): at the end of induction the head recommends satisfactory, unsatisfactory
 * or an extension (the final formal assessment, R12); the ECT may add written representations within 10
 * working days. Receiving it starts the AB's 20 working days to decide (R16).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import { addWorkingDays } from '../calendar/r2-working-days.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import {
  type AssessmentRecommendation,
  ectEvent,
  type RecommendationReceived,
} from '../induction/ect.events.js';
import { requireText } from '../registration/validation.js';
import { conflict, statutory } from '../shared/domain-error.js';
import { DECISION_WORKING_DAYS } from './r16-decision.js';

/** R15 (reg 11): working days the ECT has to add written representations. */
export const REPRESENTATIONS_WORKING_DAYS = 10;

export function recommendationReceived(
  recommendation: AssessmentRecommendation,
  receivedOn: IsoDate,
): RecommendationReceived {
  return ectEvent('RecommendationReceived', {
    recommendation,
    receivedOn,
    representationsBy: addWorkingDays(receivedOn, REPRESENTATIONS_WORKING_DAYS),
    decisionDueBy: addWorkingDays(receivedOn, DECISION_WORKING_DAYS),
  });
}

export const recommendationCommands: Pick<CommandHandlers, 'SubmitRepresentations'> = {
  SubmitRepresentations: ({ data }, state) => {
    requireText(data.summary, 'summary');
    const recommendation = state.recommendation;
    if (state.phase !== 'awaiting-decision' || recommendation === null) {
      throw statutory('R15', 'representations follow the head’s recommendation');
    }
    if (recommendation.representationsOn !== null) throw conflict('Representations are already submitted');
    if (data.on > recommendation.representationsBy) {
      throw statutory('R15', `representations were due by ${recommendation.representationsBy}`);
    }
    return [ectEvent('RepresentationsSubmitted', { submittedOn: data.on, summary: data.summary })];
  },
};

export const recommendationEvents: Pick<
  EventAppliers,
  'RecommendationReceived' | 'RepresentationsSubmitted'
> = {
  RecommendationReceived: (state, { data }) => ({
    ...state,
    phase: 'awaiting-decision',
    recommendation: { ...data, representationsOn: null },
  }),
  RepresentationsSubmitted: (state, { data }) => ({
    ...state,
    recommendation: state.recommendation && { ...state.recommendation, representationsOn: data.submittedOn },
  }),
};
