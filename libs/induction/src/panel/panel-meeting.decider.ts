/**
 * The AB's representative panel (domain.md, "The hub's own service"; R16, R21): a meeting with its members
 * and a quorum (3 unless the hub sets another), at which the panel decides cases. A decision needs a quorum
 * of members present, none of them from the ECT's school (R21), a rationale, and records any dissent. The AB's
 * decision itself is the ECT's `OutcomeDecided` event; the meeting keeps who decided and why.
 */
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Outcome } from '../induction/ect.events.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';

export const panelMeetingStreamId = (meetingId: string) => `panel-meeting-${meetingId}`;
export const DEFAULT_QUORUM = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PanelMemberInput {
  readonly personId: string;
  readonly name: string;
  /** The member's own school, if any (R21). */
  readonly schoolUrn?: string | null;
}

type Command<Type extends string, Data extends object> = {
  readonly type: Type;
  readonly data: Readonly<Data> & { readonly on: IsoDate };
};
export type SchedulePanelMeeting = Command<
  'SchedulePanelMeeting',
  { meetingId: string; heldOn: IsoDate; members: readonly PanelMemberInput[]; quorum?: number }
>;
export type RecordPanelDecision = Command<
  'RecordPanelDecision',
  {
    ectId: string;
    /** The ECT's schools (their open posts): R21 refuses a member from any of them. */
    ectSchoolUrns: readonly string[];
    decision: Outcome;
    extensionTerms?: number;
    rationale: string;
    present: readonly string[];
    dissent?: readonly { personId: string; reason: string }[];
  }
>;
export type AddPanelMembers = Command<'AddPanelMembers', { members: readonly PanelMemberInput[] }>;
export type PanelCommand = SchedulePanelMeeting | AddPanelMembers | RecordPanelDecision;

export type PanelMeetingScheduled = DomainEvent<
  'PanelMeetingScheduled',
  {
    meetingId: string;
    heldOn: IsoDate;
    quorum: number;
    members: { personId: string; schoolUrn: string | null }[];
    scheduledOn: IsoDate;
    personal: Record<string, { name: string } | null>;
  }
>;
export type PanelDecisionRecorded = DomainEvent<
  'PanelDecisionRecorded',
  {
    meetingId: string;
    ectId: string;
    decision: Outcome;
    extensionTerms: number | null;
    rationale: string;
    present: string[];
    dissent: { personId: string; reason: string }[];
    decidedOn: IsoDate;
  }
>;
export type PanelMembersAdded = DomainEvent<
  'PanelMembersAdded',
  {
    meetingId: string;
    members: { personId: string; schoolUrn: string | null }[];
    addedOn: IsoDate;
    personal: Record<string, { name: string } | null>;
  }
>;
export type PanelEvent = PanelMeetingScheduled | PanelMembersAdded | PanelDecisionRecorded;
export const PANEL_EVENT_TYPES = [
  'PanelMeetingScheduled',
  'PanelMembersAdded',
  'PanelDecisionRecorded',
] as const;

export interface PanelMeetingState {
  readonly meetingId: string | null;
  readonly heldOn: IsoDate | null;
  readonly quorum: number;
  readonly members: readonly { personId: string; schoolUrn: string | null }[];
  readonly decisions: readonly { ectId: string; decision: Outcome; decidedOn: IsoDate }[];
}

const initialState = (): PanelMeetingState => ({
  meetingId: null,
  heldOn: null,
  quorum: DEFAULT_QUORUM,
  members: [],
  decisions: [],
});

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
  return value.trim();
};

function decide(command: PanelCommand, state: PanelMeetingState): PanelEvent[] {
  if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  switch (command.type) {
    case 'SchedulePanelMeeting': {
      const { meetingId, heldOn, members } = command.data;
      const quorum = command.data.quorum ?? DEFAULT_QUORUM;
      if (state.meetingId !== null) throw conflict(`Panel meeting ${meetingId} is already scheduled`);
      if (!isIsoDate(heldOn)) throw invalid('heldOn must be a date (YYYY-MM-DD)', 'heldOn');
      if (!Number.isInteger(quorum) || quorum < 1)
        throw invalid('quorum must be a whole number from 1', 'quorum');
      if (!Array.isArray(members) || members.length < quorum)
        throw invalid(`a panel of ${quorum} needs at least ${quorum} members`, 'members');
      if (members.some((m) => !UUID.test(m.personId ?? '')))
        throw invalid('each member’s personId must be a UUID', 'members');
      const ids = new Set(members.map((m) => m.personId));
      if (ids.size !== members.length) throw invalid('each member appears once', 'members');
      return [
        {
          type: 'PanelMeetingScheduled',
          schemaVersion: 1,
          data: {
            meetingId,
            heldOn,
            quorum,
            members: members.map((m) => ({
              personId: text(m.personId, 'personId'),
              schoolUrn: m.schoolUrn ?? null,
            })),
            scheduledOn: command.data.on,
            personal: Object.fromEntries(members.map((m) => [m.personId, { name: text(m.name, 'name') }])),
          },
        },
      ];
    }
    case 'AddPanelMembers': {
      const { members } = command.data;
      if (state.meetingId === null) throw invalid('No such panel meeting', 'meetingId');
      if (!Array.isArray(members) || members.length === 0)
        throw invalid('add at least one member', 'members');
      if (members.some((m) => !UUID.test(m.personId ?? '')))
        throw invalid('each member’s personId must be a UUID', 'members');
      const ids = new Set(members.map((m) => m.personId));
      if (ids.size !== members.length || state.members.some((m) => ids.has(m.personId)))
        throw conflict('each member appears once on the panel');
      return [
        {
          type: 'PanelMembersAdded',
          schemaVersion: 1,
          data: {
            meetingId: state.meetingId,
            members: members.map((m) => ({ personId: m.personId, schoolUrn: m.schoolUrn ?? null })),
            addedOn: command.data.on,
            personal: Object.fromEntries(members.map((m) => [m.personId, { name: text(m.name, 'name') }])),
          },
        },
      ];
    }
    case 'RecordPanelDecision': {
      const { ectId, ectSchoolUrns, decision, present, on } = command.data;
      if (state.meetingId === null) throw invalid('No such panel meeting', 'meetingId');
      if (!['pass', 'fail', 'extend'].includes(decision))
        throw invalid('decision must be pass, fail or extend', 'decision');
      const rationale = text(command.data.rationale, 'rationale');
      if (state.heldOn !== null && on < state.heldOn)
        throw invalid(`the panel meets on ${state.heldOn}: it cannot decide before`, 'decidedOn');
      const presentMembers = [...new Set(present ?? [])].map((id) => {
        const member = state.members.find((m) => m.personId === id);
        if (!member) throw invalid(`${id} is not a member of this panel`, 'present');
        return member;
      });
      const conflicted = presentMembers.filter(
        (m) => m.schoolUrn !== null && ectSchoolUrns.includes(m.schoolUrn),
      );
      if (conflicted.length > 0) {
        throw statutory(
          'R21',
          `a panel member cannot decide a case from their own school (${conflicted.map((m) => m.personId).join(', ')})`,
          'present',
        );
      }
      if (presentMembers.length < state.quorum) {
        throw invalid(
          `quorum not met: ${presentMembers.length} of the ${state.quorum} members needed are present`,
          'present',
        );
      }
      const dissent = (command.data.dissent ?? []).map((d) => {
        if (!presentMembers.some((m) => m.personId === d.personId))
          throw invalid('dissent comes from members present', 'dissent');
        return { personId: d.personId, reason: text(d.reason, 'dissent.reason') };
      });
      if (dissent.length * 2 >= presentMembers.length)
        throw invalid('a decision needs a majority of the members present', 'dissent');
      if (state.decisions.some((d) => d.ectId === ectId && d.decidedOn === on))
        throw conflict(`This panel has already decided ECT ${ectId}`);
      return [
        {
          type: 'PanelDecisionRecorded',
          schemaVersion: 1,
          data: {
            meetingId: state.meetingId,
            ectId,
            decision,
            extensionTerms: decision === 'extend' ? (command.data.extensionTerms ?? null) : null,
            rationale,
            present: presentMembers.map((m) => m.personId),
            dissent,
            decidedOn: on,
          },
        },
      ];
    }
    default:
      throw invalid(`Unknown command ${String((command as { type: unknown }).type)}`);
  }
}

function evolve(state: PanelMeetingState, event: PanelEvent): PanelMeetingState {
  switch (event.type) {
    case 'PanelMeetingScheduled':
      return {
        ...state,
        meetingId: event.data.meetingId,
        heldOn: event.data.heldOn,
        quorum: event.data.quorum,
        members: event.data.members,
      };
    case 'PanelMembersAdded':
      return { ...state, members: [...state.members, ...event.data.members] };
    case 'PanelDecisionRecorded':
      return {
        ...state,
        decisions: [
          ...state.decisions,
          { ectId: event.data.ectId, decision: event.data.decision, decidedOn: event.data.decidedOn },
        ],
      };
    default:
      return state;
  }
}

export const panelMeetingDecider: Decider<PanelCommand, PanelEvent, PanelMeetingState> = {
  initialState,
  decide,
  evolve,
};
