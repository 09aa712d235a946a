/**
 * R19 extension (3.8–3.9): the AB sets the length of an extension in FTE terms; there is no statutory maximum,
 * and like the DfE service we accept 0.1 to 16 terms to one decimal. An extension served elsewhere still needs
 * the R5 minimum of one term in post, which accrual already applies.
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate, requireText } from '../registration/validation.js';
import { statutory } from '../shared/domain-error.js';

export const MIN_EXTENSION_TERMS = 0.1;
export const MAX_EXTENSION_TERMS = 16;

export function validateExtensionTerms(terms: unknown, field = 'terms'): asserts terms is number {
  if (
    typeof terms !== 'number' ||
    !Number.isFinite(terms) ||
    terms < MIN_EXTENSION_TERMS ||
    terms > MAX_EXTENSION_TERMS ||
    Math.abs(terms * 10 - Math.round(terms * 10)) > 1e-9
  ) {
    throw statutory('R19', 'an extension is 0.1 to 16 FTE terms, to one decimal', field);
  }
}

export const extensionCommands: Pick<CommandHandlers, 'ExtendInduction'> = {
  ExtendInduction: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.grantedOn, 'grantedOn');
    requireText(data.reason, 'reason');
    validateExtensionTerms(data.terms);
    return [
      ectEvent('InductionExtended', { terms: data.terms, reason: data.reason, grantedOn: data.grantedOn }),
    ];
  },
};

export const extensionEvents: Pick<EventAppliers, 'InductionExtended'> = {
  InductionExtended: (state, { data }) => ({
    ...state,
    extensions: [...state.extensions, { terms: data.terms, grantedOn: data.grantedOn, reason: data.reason }],
  }),
};
