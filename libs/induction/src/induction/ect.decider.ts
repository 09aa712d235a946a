/**
 * The ECT induction aggregate: one stream per ECT (`ect-<ectId>`) holding the whole induction, from R20
 * registration to the R16 decision and R18 appeal. Composed from one module per capability; each command is
 * decided on the folded state and rejected with a DomainError naming the rule it would break.
 */
import { TermCalendar } from '../calendar/r1-terms.js';
import type { Decider } from '../shared/decider.js';
import { absenceCommands, absenceEvents } from '../absence/record-absence.js';
import { reductionCommands, reductionEvents } from '../accrual/r6-reduction.js';
import { formalAssessmentCommands, formalAssessmentEvents } from '../assessments/r12-formal-assessments.js';
import { interimAssessmentCommands, interimAssessmentEvents } from '../assessments/r13-interim-assessment.js';
import { atRiskEvents } from '../assessments/r14-at-risk.js';
import { recommendationCommands, recommendationEvents } from '../decision/r15-recommendation.js';
import { decisionCommands, decisionEvents } from '../decision/r16-decision.js';
import { notificationCommands, notificationEvents } from '../decision/r17-notification.js';
import { appealCommands, appealEvents } from '../decision/r18-appeal.js';
import { extensionCommands, extensionEvents } from '../decision/r19-extension.js';
import { entitlementCommands, entitlementEvents } from '../entitlements/r22-entitlements.js';
import { postCommands, postEvents } from '../posts/working-pattern.js';
import { progressReviewCommands, progressReviewEvents } from '../progress-reviews/r11-progress-reviews.js';
import { recordCommands, recordEvents } from '../records/r23-records.js';
import { contactCommands, contactEvents } from '../registration/contacts.js';
import { correctionCommands, correctionEvents } from '../registration/correct-start-date.js';
import { registrationCommands, registrationEvents } from '../registration/register-ect.js';
import { invalid } from '../shared/domain-error.js';
import type { CommandHandlers, EctDeps, EventAppliers } from './ect.capability.js';
import type { EctCommand } from './ect.commands.js';
import type { EctEvent } from './ect.events.js';
import { type EctState, initialEctState } from './ect.state.js';
import { requireDate } from '../registration/validation.js';

export const ectStreamId = (ectId: string): string => `ect-${ectId}`;

const commandHandlers: CommandHandlers = {
  ...registrationCommands,
  ...contactCommands,
  ...correctionCommands,
  ...postCommands,
  ...reductionCommands,
  ...absenceCommands,
  ...progressReviewCommands,
  ...formalAssessmentCommands,
  ...interimAssessmentCommands,
  ...recommendationCommands,
  ...decisionCommands,
  ...extensionCommands,
  ...notificationCommands,
  ...appealCommands,
  ...entitlementCommands,
  ...recordCommands,
};

const eventAppliers: EventAppliers = {
  ...registrationEvents,
  ...contactEvents,
  ...correctionEvents,
  ...postEvents,
  ...reductionEvents,
  ...absenceEvents,
  ...progressReviewEvents,
  ...formalAssessmentEvents,
  ...interimAssessmentEvents,
  ...atRiskEvents,
  ...recommendationEvents,
  ...decisionEvents,
  ...extensionEvents,
  ...notificationEvents,
  ...appealEvents,
  ...entitlementEvents,
  ...recordEvents,
};

export interface EctDeciderDeps {
  /** R1: the AB's term calendar (defaults plus hub overrides). */
  readonly calendar: TermCalendar;
  /** R21: URNs of schools the hub employs at; it cannot be their ECTs' AB. */
  readonly hubSchoolUrns?: readonly string[];
  /** R1: school days in one FTE term, when not the calendar's (65). */
  readonly fteDayTerms?: number;
}

export function createEctDecider(deps: EctDeciderDeps): Decider<EctCommand, EctEvent, EctState> {
  const calendar =
    deps.fteDayTerms === undefined || deps.fteDayTerms === deps.calendar.fteTermDays
      ? deps.calendar
      : deps.calendar.withFteTermDays(deps.fteDayTerms);
  const context: EctDeps = { calendar, hubSchoolUrns: new Set(deps.hubSchoolUrns ?? []) };
  return {
    initialState: initialEctState,
    decide: (command, state) => {
      const handler = commandHandlers[command.type] as (c: EctCommand, s: EctState, d: EctDeps) => EctEvent[];
      if (!handler) throw invalid(`Unknown command ${String((command as { type: unknown }).type)}`);
      requireDate(command.data?.on, 'on');
      return handler(command, state, context);
    },
    evolve: (state, event) => {
      const apply = eventAppliers[event.type] as ((s: EctState, e: EctEvent) => EctState) | undefined;
      // Events from a newer version of the service are skipped rather than failing the whole stream.
      return apply ? apply(state, event) : state;
    },
  };
}
