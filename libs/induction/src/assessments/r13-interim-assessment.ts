/**
 * R13 interim assessment (2.62–2.63): when an ECT leaves after a term or more, before the next formal
 * assessment, the school records progress, the FTE terms served and the days absent since the last assessment,
 * so the next school and AB can carry on.
 */
import { termsServed } from '../accrual/r4-accrual.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { notFound, statutory } from '../shared/domain-error.js';
import { requireDate, requireText } from '../registration/validation.js';
import type { EctState } from '../induction/ect.state.js';
import type { IsoDate } from '../calendar/calendar-date.js';

/** R13 (2.63): ad hoc and statutory days absent since the last formal or interim assessment. */
export function daysAbsentSinceLastAssessment(state: EctState, asOf: IsoDate): number {
  const last = [
    ...state.assessments.map((a) => a.assessedOn),
    ...state.interimAssessments.map((a) => a.assessedOn),
  ]
    .filter((date) => date <= asOf)
    .sort()
    .at(-1);
  return state.absences
    .filter((a) => !a.withdrawn && (last === undefined || a.from > last) && a.from <= asOf)
    .reduce((sum, a) => sum + a.days, 0);
}

export const interimAssessmentCommands: Pick<CommandHandlers, 'RecordInterimAssessment'> = {
  RecordInterimAssessment: ({ data }, state, deps) => {
    if (state.phase === 'unregistered') throw notFound('No induction is registered for this ECT');
    requireDate(data.assessedOn, 'assessedOn');
    requireText(data.progress, 'progress');
    // A rule, not a duplicate: no leave after a term or more means no interim assessment is due (422, R13).
    if (!state.interimAssessmentRequired) {
      throw statutory(
        'R13',
        'no interim assessment is outstanding: it follows leaving a post after a term or more',
      );
    }
    return [
      ectEvent('InterimAssessmentRecorded', {
        assessedOn: data.assessedOn,
        progress: data.progress,
        termsServed: termsServed(state, data.assessedOn, deps.calendar),
        daysAbsent: daysAbsentSinceLastAssessment(state, data.assessedOn),
        recordedOn: data.on,
      }),
    ];
  },
};

export const interimAssessmentEvents: Pick<EventAppliers, 'InterimAssessmentRecorded'> = {
  InterimAssessmentRecorded: (state, { data }) => ({
    ...state,
    interimAssessmentRequired: false,
    interimAssessments: [
      ...state.interimAssessments,
      { assessedOn: data.assessedOn, termsServed: data.termsServed },
    ],
  }),
};
