/**
 * An early-help case (stream `early-help-<ectId>`): the hub's owner for it, a log of what the hub did (calls,
 * emails, visits, meetings), a due date and a resolution. Whether a case is open is not stored: it is open
 * while an early-help cause stands that arose after the last resolution, so it reopens by itself when a cause
 * returns (`caseStatus`).
 */
import { addWorkingDays } from '../calendar/r2-working-days.js';
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid } from '../shared/domain-error.js';
import type { EarlyHelpCause } from './early-help-causes.js';

export const earlyHelpStreamId = (ectId: string) => `early-help-${ectId}`;
/** Working days the hub gives itself to act on a newly opened case unless its owner sets a due date. */
export const DEFAULT_CASE_WORKING_DAYS = 10;

/** How the hub contacted the school (call … letter), a support plan agreed with it, or a note. */
export const CASE_ACTION_KINDS = [
  'call',
  'email',
  'visit',
  'meeting',
  'letter',
  'support-plan',
  'note',
] as const;
export type CaseActionKind = (typeof CASE_ACTION_KINDS)[number];

type Command<Type extends string, Data extends object> = {
  readonly type: Type;
  readonly data: Readonly<Data> & { readonly on: IsoDate };
};
export type AssignCaseOwner = Command<'AssignCaseOwner', { ectId: string; ownerId: string }>;
export type RecordCaseAction = Command<
  'RecordCaseAction',
  { ectId: string; actionId: string; kind: CaseActionKind; note: string; byId: string; dueBy?: IsoDate }
>;
export type ResolveCase = Command<'ResolveCase', { ectId: string; resolution: string; byId: string }>;
export type EarlyHelpCommand = AssignCaseOwner | RecordCaseAction | ResolveCase;

export type CaseOwnerAssigned = DomainEvent<
  'EarlyHelpCaseOwnerAssigned',
  { ectId: string; ownerId: string; assignedOn: IsoDate }
>;
export type CaseActionRecorded = DomainEvent<
  'EarlyHelpActionRecorded',
  {
    ectId: string;
    actionId: string;
    kind: CaseActionKind;
    note: string;
    byId: string;
    recordedOn: IsoDate;
    dueBy: IsoDate | null;
  }
>;
export type CaseResolved = DomainEvent<
  'EarlyHelpCaseResolved',
  { ectId: string; resolution: string; byId: string; resolvedOn: IsoDate }
>;
export type EarlyHelpEvent = CaseOwnerAssigned | CaseActionRecorded | CaseResolved;
export const EARLY_HELP_EVENT_TYPES = [
  'EarlyHelpCaseOwnerAssigned',
  'EarlyHelpActionRecorded',
  'EarlyHelpCaseResolved',
] as const;

export interface CaseAction {
  readonly actionId: string;
  readonly kind: CaseActionKind;
  readonly note: string;
  readonly byId: string;
  readonly recordedOn: IsoDate;
}
export interface EarlyHelpCaseState {
  readonly ectId: string | null;
  readonly ownerId: string | null;
  readonly actions: readonly CaseAction[];
  /** Set by the owner with an action; otherwise 10 working days from when the case opened. */
  readonly dueBy: IsoDate | null;
  readonly resolvedOn: IsoDate | null;
  readonly resolution: string | null;
}

export const initialCaseState = (): EarlyHelpCaseState => ({
  ectId: null,
  ownerId: null,
  actions: [],
  dueBy: null,
  resolvedOn: null,
  resolution: null,
});

const text = (value: unknown, field: string, max = 5000): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
  if (value.length > max) throw invalid(`${field} must be ${max} characters or fewer`, field);
  return value.trim();
};

function decide(command: EarlyHelpCommand, state: EarlyHelpCaseState): EarlyHelpEvent[] {
  if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  const { ectId, on } = command.data;
  text(ectId, 'ectId');
  switch (command.type) {
    case 'AssignCaseOwner':
      if (state.ownerId === command.data.ownerId) return [];
      return [
        {
          type: 'EarlyHelpCaseOwnerAssigned',
          schemaVersion: 1,
          data: { ectId, ownerId: text(command.data.ownerId, 'ownerId'), assignedOn: on },
        },
      ];
    case 'RecordCaseAction': {
      const { kind, dueBy } = command.data;
      if (!CASE_ACTION_KINDS.includes(kind))
        throw invalid(`kind must be one of: ${CASE_ACTION_KINDS.join(', ')}`, 'kind');
      if (dueBy !== undefined && (!isIsoDate(dueBy) || dueBy < on))
        throw invalid('dueBy must be a date (YYYY-MM-DD) on or after today', 'dueBy');
      if (state.actions.some((a) => a.actionId === command.data.actionId))
        throw conflict(`Action ${command.data.actionId} is already recorded`);
      return [
        {
          type: 'EarlyHelpActionRecorded',
          schemaVersion: 1,
          data: {
            ectId,
            actionId: text(command.data.actionId, 'actionId'),
            kind,
            note: text(command.data.note, 'note'),
            byId: command.data.byId,
            recordedOn: on,
            dueBy: dueBy ?? null,
          },
        },
      ];
    }
    case 'ResolveCase':
      if (
        state.resolvedOn !== null &&
        state.resolvedOn === on &&
        state.resolution === command.data.resolution
      )
        return [];
      return [
        {
          type: 'EarlyHelpCaseResolved',
          schemaVersion: 1,
          data: {
            ectId,
            resolution: text(command.data.resolution, 'resolution'),
            byId: command.data.byId,
            resolvedOn: on,
          },
        },
      ];
    default:
      throw invalid(`Unknown command ${String((command as { type: unknown }).type)}`);
  }
}

function evolve(state: EarlyHelpCaseState, event: EarlyHelpEvent): EarlyHelpCaseState {
  switch (event.type) {
    case 'EarlyHelpCaseOwnerAssigned':
      return { ...state, ectId: event.data.ectId, ownerId: event.data.ownerId };
    case 'EarlyHelpActionRecorded': {
      const { actionId, kind, note, byId, recordedOn, dueBy } = event.data;
      return {
        ...state,
        ectId: event.data.ectId,
        ownerId: state.ownerId ?? byId,
        actions: [...state.actions, { actionId, kind, note, byId, recordedOn }],
        dueBy: dueBy ?? state.dueBy,
      };
    }
    case 'EarlyHelpCaseResolved':
      return {
        ...state,
        ectId: event.data.ectId,
        resolvedOn: event.data.resolvedOn,
        resolution: event.data.resolution,
        dueBy: null,
      };
    default:
      return state;
  }
}

export const earlyHelpCaseDecider: Decider<EarlyHelpCommand, EarlyHelpEvent, EarlyHelpCaseState> = {
  initialState: initialCaseState,
  decide,
  evolve,
};

export type CaseStatus = 'open' | 'resolved' | 'none';

export interface CaseView {
  readonly status: CaseStatus;
  /** When the case (re)opened: the earliest cause that arose after the last resolution. */
  readonly openedOn: IsoDate | null;
  readonly dueBy: IsoDate | null;
  /** Causes that keep it open (arose after the last resolution). */
  readonly openCauses: readonly EarlyHelpCause[];
}

/** Open while a cause stands that arose after the last resolution: a returning cause reopens the case. */
export function caseStatus(state: EarlyHelpCaseState, causes: readonly EarlyHelpCause[]): CaseView {
  const openCauses = causes.filter((c) => state.resolvedOn === null || c.since > state.resolvedOn);
  if (openCauses.length === 0) {
    return {
      status: state.resolvedOn === null ? 'none' : 'resolved',
      openedOn: null,
      dueBy: null,
      openCauses,
    };
  }
  const openedOn = openCauses.map((c) => c.since).sort()[0]!;
  const ownDue = state.dueBy !== null && (state.resolvedOn === null || state.dueBy > state.resolvedOn);
  return {
    status: 'open',
    openedOn,
    dueBy: ownDue ? state.dueBy : addWorkingDays(openedOn, DEFAULT_CASE_WORKING_DAYS),
    openCauses,
  };
}
