/**
 * R18 appeal (2.70–2.73, 1.13, reg 9): on fail or extend the ECT may give notice of appeal to the TRA within 20
 * working days. A fail is final only when that window closes or the appeal is dismissed; the employer must then
 * end employment within 10 working days. An upheld appeal means the TRA found induction satisfactorily
 * completed. One induction per person: a final fail can never be registered again (R20).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import { addWorkingDays } from '../calendar/r2-working-days.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireDate } from '../registration/validation.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';

/** R18 (2.70): working days the ECT has to give notice of appeal. */
export const APPEAL_WORKING_DAYS = 20;
/** R18 (2.73): working days the employer has to end employment after a final fail. */
export const EMPLOYMENT_END_WORKING_DAYS = 10;

/** R18: the date a fail became final, or null while it can still be appealed (or is not a fail). */
export function failFinalOn(state: EctState, today: IsoDate): IsoDate | null {
  const decision = state.decision;
  if (decision?.outcome !== 'fail' || decision.appealBy === null) return null;
  if (state.appeal === null) return today > decision.appealBy ? decision.appealBy : null;
  return state.appeal.outcome === 'dismissed' ? state.appeal.determinedOn : null;
}

/** R18 (2.73): the date the employer must end employment by after a final fail. */
export function employmentEndsBy(state: EctState, today: IsoDate): IsoDate | null {
  const finalOn = failFinalOn(state, today);
  return finalOn === null ? null : addWorkingDays(finalOn, EMPLOYMENT_END_WORKING_DAYS);
}

export const appealCommands: Pick<CommandHandlers, 'LodgeAppeal' | 'DetermineAppeal'> = {
  LodgeAppeal: ({ data }, state) => {
    requireDate(data.lodgedOn, 'lodgedOn');
    const decision = state.decision;
    if (decision === null || decision.appealBy === null || state.phase === 'passed') {
      throw statutory('R18', 'only a fail or an extension can be appealed');
    }
    if (state.appeal !== null) throw conflict('An appeal is already lodged');
    if (data.lodgedOn > decision.appealBy)
      throw statutory('R18', `notice of appeal was due by ${decision.appealBy}`);
    if (data.lodgedOn < decision.decidedOn) throw invalid('An appeal follows the decision', 'lodgedOn');
    return [ectEvent('AppealLodged', { lodgedOn: data.lodgedOn })];
  },
  DetermineAppeal: ({ data }, state) => {
    requireDate(data.determinedOn, 'determinedOn');
    if (data.outcome !== 'dismissed' && data.outcome !== 'upheld') {
      throw invalid('Outcome must be dismissed or upheld', 'outcome');
    }
    if (state.appeal === null) throw statutory('R18', 'no appeal has been lodged');
    if (state.appeal.outcome !== null) throw conflict('The appeal is already determined');
    const endsBy =
      data.outcome === 'dismissed' && state.decision?.outcome === 'fail'
        ? addWorkingDays(data.determinedOn, EMPLOYMENT_END_WORKING_DAYS)
        : null;
    return [
      ectEvent('AppealDetermined', {
        outcome: data.outcome,
        determinedOn: data.determinedOn,
        employmentEndsBy: endsBy,
      }),
    ];
  },
};

export const appealEvents: Pick<EventAppliers, 'AppealLodged' | 'AppealDetermined'> = {
  AppealLodged: (state, { data }) => ({
    ...state,
    appeal: { lodgedOn: data.lodgedOn, outcome: null, determinedOn: null, employmentEndsBy: null },
  }),
  AppealDetermined: (state, { data }) => ({
    ...state,
    phase: data.outcome === 'upheld' ? 'passed' : state.phase,
    appeal: state.appeal && {
      ...state.appeal,
      outcome: data.outcome,
      determinedOn: data.determinedOn,
      employmentEndsBy: data.employmentEndsBy,
    },
  }),
};
