/**
 * R16 decision (2.66–2.68, 4.8): the AB decides pass, extend or fail within 20 working days of receiving the
 * recommendation. It never passes or fails before the full (or agreed reduced, R6) length has been served.
 * The decision fixes the R17 notification deadline and, for fail or extend, the R18 appeal window. R21: a
 * panel member from the ECT's own school may not decide; R22 (2.28): nor may the ECT's named AB contact.
 */
import { addWorkingDays } from '../calendar/r2-working-days.js';
import { EPSILON } from '../accrual/intervals.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { termsRequired } from '../accrual/r3-length.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { openPosts } from '../induction/ect.state.js';
import { requireDate, requireText } from '../registration/validation.js';
import { invalid, notFound, statutory } from '../shared/domain-error.js';
import { NOTIFICATION_WORKING_DAYS } from './r17-notification.js';
import { APPEAL_WORKING_DAYS } from './r18-appeal.js';
import { validateExtensionTerms } from './r19-extension.js';

/** R16 (2.66): working days the AB has to decide after receiving the recommendation. */
export const DECISION_WORKING_DAYS = 20;

export const decisionCommands: Pick<CommandHandlers, 'DecideOutcome'> = {
  DecideOutcome: ({ data }, state, deps) => {
    if (state.phase === 'unregistered') throw notFound('No induction is registered for this ECT');
    requireDate(data.decidedOn, 'decidedOn');
    requireText(data.rationale, 'rationale');
    requireText(data.decidedBy?.personId, 'decidedBy.personId');
    if (!['pass', 'fail', 'extend'].includes(data.decision))
      throw invalid('Decision must be pass, fail or extend', 'decision');
    const recommendation = state.recommendation;
    if (state.phase !== 'awaiting-decision' || recommendation === null) {
      throw statutory('R16', 'the AB decides on the head’s recommendation, and none is awaiting a decision');
    }
    if (data.decidedOn < recommendation.receivedOn) {
      throw invalid('The decision cannot predate the recommendation', 'decidedOn');
    }
    const ownSchools = openPosts(state).map((post) => post.schoolUrn);
    if (data.decidedBy.schoolUrn !== undefined && ownSchools.includes(data.decidedBy.schoolUrn)) {
      throw statutory('R21', 'a panel member cannot decide a case from their own school', 'decidedBy');
    }
    if (
      data.decidedBy.personId === state.abContactId ||
      (state.abContactAccountId != null && data.decidedBy.personId === state.abContactAccountId)
    ) {
      throw statutory('R22', 'the ECT’s named AB contact takes no part in decisions (2.28)', 'decidedBy');
    }
    if (data.decision === 'extend') {
      validateExtensionTerms(data.extensionTerms, 'extensionTerms');
    } else if (
      termsServed(state, data.decidedOn, deps.calendar) <
      termsRequired(state, deps.calendar) - EPSILON
    ) {
      throw statutory('R16', 'induction not yet served');
    }
    return [
      ectEvent('OutcomeDecided', {
        outcome: data.decision,
        decidedOn: data.decidedOn,
        decidedBy: data.decidedBy.personId,
        rationale: data.rationale,
        extensionTerms: data.decision === 'extend' ? (data.extensionTerms ?? null) : null,
        decisionDueBy: recommendation.decisionDueBy,
        notifyBy: addWorkingDays(data.decidedOn, NOTIFICATION_WORKING_DAYS),
        appealBy: data.decision === 'pass' ? null : addWorkingDays(data.decidedOn, APPEAL_WORKING_DAYS),
        late: data.decidedOn > recommendation.decisionDueBy,
      }),
    ];
  },
};

export const decisionEvents: Pick<EventAppliers, 'OutcomeDecided'> = {
  OutcomeDecided: (state, { data }) => {
    const decision = {
      outcome: data.outcome,
      decidedOn: data.decidedOn,
      decisionDueBy: data.decisionDueBy,
      notifyBy: data.notifyBy,
      appealBy: data.appealBy,
      extensionTerms: data.extensionTerms,
    };
    const decided = {
      ...state,
      decision,
      recommendation: null,
      notifications: [],
      appeal: null,
      // R22 (2.28): who decided, so the AB contact can be checked against it.
      deciders: [...(state.deciders ?? []), { decidedBy: data.decidedBy, decidedOn: data.decidedOn }],
    };
    if (data.outcome === 'pass') return { ...decided, phase: 'passed' };
    if (data.outcome === 'fail') return { ...decided, phase: 'failed' };
    // R19: an extension adds FTE terms and a further final assessment at its end.
    return {
      ...decided,
      phase: 'open',
      finalRound: state.finalRound + 1,
      extensions: [
        ...state.extensions,
        { terms: data.extensionTerms ?? 0, grantedOn: data.decidedOn, reason: data.rationale },
      ],
    };
  },
};
