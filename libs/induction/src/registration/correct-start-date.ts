/**
 * Corrections are new events, never edits: a wrong start date is corrected by `StartDateCorrected`, which keeps
 * the previous value and the reason for the audit trail. The corrected date still obeys R20 (QTS on or before
 * the start) and re-evaluates the late-registration flag.
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { requireOpen } from '../posts/working-pattern.js';
import { invalid, statutory } from '../shared/domain-error.js';
import { PRIMARY_POST_ID } from './register-ect.js';
import { requireDate, requireText } from './validation.js';

export const correctionCommands: Pick<CommandHandlers, 'CorrectStartDate'> = {
  CorrectStartDate: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.startDate, 'startDate');
    requireText(data.reason, 'reason');
    if (state.startDate === null || data.startDate === state.startDate) {
      throw invalid('The corrected start date must differ from the recorded one', 'startDate');
    }
    if (state.qtsAwardedOn !== null && state.qtsAwardedOn > data.startDate) {
      throw statutory('R20', 'QTS must be awarded on or before the induction start date', 'startDate');
    }
    const main = state.posts.find((post) => post.postId === PRIMARY_POST_ID);
    const secondPattern = main?.patterns[1];
    if (
      !main ||
      (main.leftOn !== null && main.leftOn < data.startDate) ||
      (secondPattern && secondPattern.from <= data.startDate)
    ) {
      throw invalid('The corrected start date must fall before any later change to the post', 'startDate');
    }
    return [
      ectEvent('StartDateCorrected', {
        previousStartDate: state.startDate,
        startDate: data.startDate,
        reason: data.reason,
        correctedOn: data.on,
      }),
    ];
  },
};

export const correctionEvents: Pick<EventAppliers, 'StartDateCorrected'> = {
  StartDateCorrected: (state, { data }) => ({
    ...state,
    startDate: data.startDate,
    lateRegistration: state.registeredOn !== null && data.startDate < state.registeredOn,
    posts: state.posts.map((post) =>
      post.postId === PRIMARY_POST_ID
        ? {
            ...post,
            startDate: data.startDate,
            patterns: post.patterns.map((pattern, i) =>
              i === 0 ? { ...pattern, from: data.startDate } : pattern,
            ),
          }
        : post,
    ),
  }),
};
