/**
 * R6 reduction (reg 7(3), 3.2–3.5): the AB may reduce induction, to no less than 1 FTE term, for prior
 * experience, only with the ECT's recorded agreement and the head's advice; then only a final assessment is
 * due (R12). A part-time ECT who has covered two calendar years and meets the Standards is reduced likewise.
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate, requireText } from '../registration/validation.js';
import { statutory } from '../shared/domain-error.js';
import { STANDARD_INDUCTION_TERMS } from './r3-length.js';

/** R6 (3.2): the shortest induction the AB may agree. */
export const MIN_REDUCED_TERMS = 1;

export const reductionCommands: Pick<CommandHandlers, 'ReduceInduction'> = {
  ReduceInduction: ({ data }, state) => {
    requireOpen(state);
    requireText(data.reason, 'reason');
    if (!data.ectAgreedOn)
      throw statutory('R6', 'a reduction needs the ECT’s recorded agreement', 'ectAgreedOn');
    if (!data.headAdvisedOn) throw statutory('R6', 'a reduction needs the head’s advice', 'headAdvisedOn');
    requireDate(data.ectAgreedOn, 'ectAgreedOn');
    requireDate(data.headAdvisedOn, 'headAdvisedOn');
    if (
      typeof data.reducedTo !== 'number' ||
      data.reducedTo < MIN_REDUCED_TERMS ||
      data.reducedTo >= STANDARD_INDUCTION_TERMS ||
      Math.abs(data.reducedTo * 10 - Math.round(data.reducedTo * 10)) > 1e-9
    ) {
      throw statutory(
        'R6',
        'induction can be reduced to 1 FTE term at the least, below 6, to one decimal',
        'reducedTo',
      );
    }
    if (state.recommendation !== null)
      throw statutory('R6', 'a recommendation is already awaiting a decision');
    return [
      ectEvent('InductionReduced', {
        reducedTo: data.reducedTo,
        ectAgreedOn: data.ectAgreedOn,
        headAdvisedOn: data.headAdvisedOn,
        reason: data.reason,
        reducedOn: data.on,
      }),
    ];
  },
};

export const reductionEvents: Pick<EventAppliers, 'InductionReduced'> = {
  InductionReduced: (state, { data }) => ({ ...state, reducedTo: data.reducedTo }),
};
