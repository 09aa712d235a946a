/**
 * R18 appeal (2.70–2.73, 1.13, reg 9): on fail or extend the ECT may give notice of appeal to the TRA within 20
 * working days. A fail is final only when that window closes or the appeal is dismissed; the employer must then
 * end employment within 10 working days. An upheld appeal means the TRA found induction satisfactorily
 * completed. One induction per person: a final fail can never be registered again (R20).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import { addWorkingDays } from '../calendar/r2-working-days.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent, type FailBecameFinal } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireDate } from '../registration/validation.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';

/** R18 (2.70): working days the ECT has to give notice of appeal. */
export const APPEAL_WORKING_DAYS = 20;
/** R18 (2.73): working days the employer has to end employment after a final fail. */
export const EMPLOYMENT_END_WORKING_DAYS = 10;

/** R18: the date a fail became final, or null while it can still be appealed (or is not a fail). */
export function failFinalOn(state: EctState, today: IsoDate): IsoDate | null {
  if (state.failFinal) return state.failFinal.finalOn;
  const decision = state.decision;
  if (decision?.outcome !== 'fail' || decision.appealBy === null) return null;
  if (state.appeal === null) return today > decision.appealBy ? decision.appealBy : null;
  return state.appeal.outcome === 'dismissed' ? state.appeal.determinedOn : null;
}

/** R18 (2.73): the date the employer must end employment by after a final fail. */
export function employmentEndsBy(state: EctState, today: IsoDate): IsoDate | null {
  if (state.failFinal) return state.failFinal.employmentEndsBy;
  const finalOn = failFinalOn(state, today);
  return finalOn === null ? null : addWorkingDays(finalOn, EMPLOYMENT_END_WORKING_DAYS);
}

/** R18 (2.71–2.73): the event recording that the fail became final on `finalOn`, decided on `recordedOn`. */
function failBecameFinal(state: EctState, finalOn: IsoDate, recordedOn: IsoDate): FailBecameFinal {
  return ectEvent('FailBecameFinal', {
    ectId: state.ectId ?? '',
    finalOn,
    appealBy: state.decision?.appealBy ?? finalOn,
    employmentEndsBy: addWorkingDays(finalOn, EMPLOYMENT_END_WORKING_DAYS),
    recordedOn,
  });
}

/**
 * R18: decides whether the fail has become final on `today` (the appeal window closed with no appeal). Empty
 * when it is already recorded, so the nightly sweep can run it every night.
 */
export function decideFailBecameFinal(state: EctState, today: IsoDate): FailBecameFinal[] {
  if (state.failFinal) return [];
  if (state.decision?.outcome !== 'fail' || state.phase !== 'failed') {
    throw statutory('R18', 'only a fail becomes final');
  }
  if (state.appeal !== null) {
    throw statutory('R18', 'an appeal is lodged: the fail becomes final only if it is dismissed');
  }
  const finalOn = failFinalOn(state, today);
  if (finalOn === null) {
    throw statutory('R18', `the fail can be appealed until ${state.decision.appealBy}`);
  }
  return [failBecameFinal(state, finalOn, today)];
}

export const appealCommands: Pick<
  CommandHandlers,
  'LodgeAppeal' | 'DetermineAppeal' | 'RecordFailBecameFinal'
> = {
  RecordFailBecameFinal: ({ data }, state) => decideFailBecameFinal(state, data.on),
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
    const determined = ectEvent('AppealDetermined', {
      outcome: data.outcome,
      determinedOn: data.determinedOn,
      employmentEndsBy: endsBy,
    });
    // R18 (2.71): a dismissed appeal against a fail makes the fail final on the day it is determined.
    return endsBy === null ? [determined] : [determined, failBecameFinal(state, data.determinedOn, data.on)];
  },
};

export const appealEvents: Pick<EventAppliers, 'AppealLodged' | 'AppealDetermined' | 'FailBecameFinal'> = {
  FailBecameFinal: (state, { data }) => ({
    ...state,
    failFinal: { finalOn: data.finalOn, employmentEndsBy: data.employmentEndsBy },
  }),
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
