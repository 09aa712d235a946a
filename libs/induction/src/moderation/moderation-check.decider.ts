/**
 * A moderation check on one sampled form (stream `moderation-<formId>`): moderators record whether they agree
 * with the school's judgement, with feedback, and can return the form to the school for amendment.
 */
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid } from '../shared/domain-error.js';

export const moderationStreamId = (formId: string) => `moderation-${formId}`;
export type Verdict = 'agree' | 'disagree';

type Command<Type extends string, Data extends object> = {
  readonly type: Type;
  readonly data: Readonly<Data> & { readonly on: IsoDate };
};
export type RecordModerationFinding = Command<
  'RecordModerationFinding',
  { formId: string; ectId: string; verdict: Verdict; feedback: string; moderatorId: string }
>;
export type ReturnFormForAmendment = Command<
  'ReturnFormForAmendment',
  { formId: string; ectId: string; reason: string; moderatorId: string }
>;
export type ModerationCommand = RecordModerationFinding | ReturnFormForAmendment;

export type ModerationFindingRecorded = DomainEvent<
  'ModerationFindingRecorded',
  {
    formId: string;
    ectId: string;
    verdict: Verdict;
    feedback: string;
    moderatorId: string;
    checkedOn: IsoDate;
  }
>;
export type FormReturnedForAmendment = DomainEvent<
  'FormReturnedForAmendment',
  { formId: string; ectId: string; reason: string; moderatorId: string; returnedOn: IsoDate }
>;
export type ModerationEvent = ModerationFindingRecorded | FormReturnedForAmendment;
export const MODERATION_EVENT_TYPES = ['ModerationFindingRecorded', 'FormReturnedForAmendment'] as const;

export interface ModerationCheckState {
  readonly verdict: Verdict | null;
  readonly returned: boolean;
}

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
  return value.trim();
};

function decide(command: ModerationCommand, state: ModerationCheckState): ModerationEvent[] {
  if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  const { formId, ectId, moderatorId, on } = command.data;
  switch (command.type) {
    case 'RecordModerationFinding': {
      if (command.data.verdict !== 'agree' && command.data.verdict !== 'disagree')
        throw invalid('verdict must be agree or disagree', 'verdict');
      if (state.verdict !== null) throw conflict('A finding is already recorded for this form');
      return [
        {
          type: 'ModerationFindingRecorded',
          schemaVersion: 1,
          data: {
            formId,
            ectId,
            verdict: command.data.verdict,
            feedback: text(command.data.feedback, 'feedback'),
            moderatorId,
            checkedOn: on,
          },
        },
      ];
    }
    case 'ReturnFormForAmendment':
      if (state.returned) throw conflict('The form is already returned to the school');
      return [
        {
          type: 'FormReturnedForAmendment',
          schemaVersion: 1,
          data: { formId, ectId, reason: text(command.data.reason, 'reason'), moderatorId, returnedOn: on },
        },
      ];
    default:
      throw invalid(`Unknown command ${String((command as { type: unknown }).type)}`);
  }
}

export const moderationCheckDecider: Decider<ModerationCommand, ModerationEvent, ModerationCheckState> = {
  initialState: () => ({ verdict: null, returned: false }),
  decide,
  evolve: (state, event) =>
    event.type === 'ModerationFindingRecorded'
      ? { ...state, verdict: event.data.verdict }
      : event.type === 'FormReturnedForAmendment'
        ? { ...state, returned: true }
        : state,
};
