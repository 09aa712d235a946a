/**
 * The hub's training programme for one academic year (stream `training-programme-<year>`), from its plan
 * (shared/context 003; domain.md "The hub's own service"): every event date set at the start of the year; a
 * September induction conference for year-1 and year-2 ECTs and mentors; year-1 sessions in phase groups of
 * about 20 with one facilitator for the year; year-2 subject/phase development cycles; a lighter mentor year 2;
 * optional leadership modules in the final term of year 2. Attendance is recorded per event and participant.
 */
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid, notFound } from '../shared/domain-error.js';

export const trainingProgrammeStreamId = (academicYear: number) => `training-programme-${academicYear}`;
/** The plan's group size ("approximately 20"). */
export const TARGET_GROUP_SIZE = 20;

export const TRAINING_EVENT_KINDS = [
  'induction-conference',
  'year-1-session',
  'year-2-development-cycle',
  'mentor-session',
  'leadership-module',
] as const;
export type TrainingEventKind = (typeof TRAINING_EVENT_KINDS)[number];
export const AUDIENCES = ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const PHASE_GROUP_PHASES = ['primary', 'secondary', 'special', 'early-years', 'all-through'] as const;
export type GroupPhase = (typeof PHASE_GROUP_PHASES)[number];

export interface TrainingEventInput {
  readonly eventId: string;
  readonly kind: TrainingEventKind;
  readonly title: string;
  readonly date: IsoDate;
  /** 'HH:MM' local times; an all-day event without them. */
  readonly startTime?: string;
  readonly endTime?: string;
  readonly audiences: readonly Audience[];
  /** Year-1 sessions run per phase group: one event per group. */
  readonly groupId?: string;
  readonly optional?: boolean;
  readonly online?: boolean;
  readonly location?: string;
}
export interface TrainingEvent extends Required<
  Omit<TrainingEventInput, 'startTime' | 'endTime' | 'groupId' | 'location'>
> {
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly groupId: string | null;
  readonly location: string | null;
}

type Command<Type extends string, Data extends object> = {
  readonly type: Type;
  readonly data: Readonly<Data> & { readonly on: IsoDate };
};
export type FormPhaseGroup = Command<
  'FormPhaseGroup',
  { groupId: string; name: string; phase: GroupPhase; facilitator: { personId: string; name: string } }
>;
export type PublishTrainingProgramme = Command<
  'PublishTrainingProgramme',
  { academicYear: number; events: readonly TrainingEventInput[] }
>;
export type AllocateEctToGroup = Command<'AllocateEctToGroup', { ectId: string; groupId: string }>;
export type RecordAttendance = Command<
  'RecordAttendance',
  { eventId: string; participantId: string; role: 'ect' | 'mentor'; attended: boolean }
>;
export type TrainingCommand =
  FormPhaseGroup | PublishTrainingProgramme | AllocateEctToGroup | RecordAttendance;

export type PhaseGroupFormed = DomainEvent<
  'PhaseGroupFormed',
  {
    academicYear: number;
    groupId: string;
    phase: GroupPhase;
    facilitatorId: string;
    formedOn: IsoDate;
    personal: Record<string, { name: string } | null>;
    /** The group's name is not personal. */
    name: string;
  }
>;
export type TrainingProgrammePublished = DomainEvent<
  'TrainingProgrammePublished',
  { academicYear: number; events: TrainingEvent[]; publishedOn: IsoDate }
>;
export type EctAllocatedToGroup = DomainEvent<
  'EctAllocatedToGroup',
  {
    academicYear: number;
    ectId: string;
    groupId: string;
    previousGroupId: string | null;
    allocatedOn: IsoDate;
  }
>;
export type AttendanceRecorded = DomainEvent<
  'AttendanceRecorded',
  {
    academicYear: number;
    eventId: string;
    participantId: string;
    role: 'ect' | 'mentor';
    attended: boolean;
    recordedOn: IsoDate;
  }
>;
export type TrainingEventRecord =
  PhaseGroupFormed | TrainingProgrammePublished | EctAllocatedToGroup | AttendanceRecorded;
export const TRAINING_EVENT_TYPES = [
  'PhaseGroupFormed',
  'TrainingProgrammePublished',
  'EctAllocatedToGroup',
  'AttendanceRecorded',
] as const;

export interface TrainingProgrammeState {
  readonly academicYear: number | null;
  readonly published: boolean;
  readonly events: readonly TrainingEvent[];
  readonly groups: readonly { groupId: string; phase: GroupPhase; facilitatorId: string }[];
  readonly allocations: Readonly<Record<string, string>>;
  readonly attendance: Readonly<Record<string, boolean>>;
}

const initialState = (): TrainingProgrammeState => ({
  academicYear: null,
  published: false,
  events: [],
  groups: [],
  allocations: {},
  attendance: {},
});

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
  return value.trim();
};
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the decider for one academic year with the AB's term calendar (R1: the final term is summer). */
export function createTrainingProgrammeDecider(
  calendar: TermCalendar,
  academicYear: number,
): Decider<TrainingCommand, TrainingEventRecord, TrainingProgrammeState> {
  const terms = calendar.academicYearTerms(academicYear);
  const validateEvent = (
    input: TrainingEventInput,
    groups: TrainingProgrammeState['groups'],
  ): TrainingEvent => {
    const eventId = text(input.eventId, 'eventId');
    const where = `event ${eventId}`;
    if (!TRAINING_EVENT_KINDS.includes(input.kind))
      throw invalid(`${where}: kind must be one of ${TRAINING_EVENT_KINDS.join(', ')}`, 'kind');
    if (!isIsoDate(input.date) || input.date < terms.autumn.start || input.date > terms.summer.end)
      throw invalid(
        `${where}: the date must fall in academic year ${academicYear}/${(academicYear + 1) % 100}`,
        'date',
      );
    for (const time of [input.startTime, input.endTime])
      if (time !== undefined && !TIME.test(time)) throw invalid(`${where}: times are HH:MM`, 'startTime');
    if (input.startTime && input.endTime && input.endTime <= input.startTime)
      throw invalid(`${where}: it must end after it starts`, 'endTime');
    const audiences = [...new Set(input.audiences ?? [])];
    if (audiences.length === 0 || audiences.some((a) => !AUDIENCES.includes(a)))
      throw invalid(`${where}: audiences are some of ${AUDIENCES.join(', ')}`, 'audiences');
    const september = input.date.slice(5, 7) === '09';
    switch (input.kind) {
      case 'induction-conference':
        if (!september) throw invalid(`${where}: the induction conference is held in September`, 'date');
        for (const a of ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'] as const)
          if (!audiences.includes(a))
            throw invalid(`${where}: the conference is for year-1 and year-2 ECTs and mentors`, 'audiences');
        break;
      case 'year-1-session':
        if (audiences.join() !== 'ect-year-1')
          throw invalid(`${where}: year-1 sessions are for year-1 ECTs`, 'audiences');
        if (!input.groupId || !groups.some((g) => g.groupId === input.groupId))
          throw invalid(`${where}: year-1 sessions belong to a phase group formed first`, 'groupId');
        break;
      case 'year-2-development-cycle':
        if (audiences.join() !== 'ect-year-2')
          throw invalid(`${where}: development cycles are for year-2 ECTs`, 'audiences');
        break;
      case 'mentor-session':
        if (audiences.some((a) => !a.startsWith('mentor-')))
          throw invalid(`${where}: mentor sessions are for mentors`, 'audiences');
        break;
      case 'leadership-module':
        if (audiences.join() !== 'ect-year-2')
          throw invalid(`${where}: leadership modules are for year-2 ECTs`, 'audiences');
        if (input.date < terms.summer.start)
          throw invalid(
            `${where}: leadership modules run in the final term of year 2 (from ${terms.summer.start})`,
            'date',
          );
        break;
    }
    return {
      eventId,
      kind: input.kind,
      title: text(input.title, 'title'),
      date: input.date,
      startTime: input.startTime ?? null,
      endTime: input.endTime ?? null,
      audiences,
      groupId: input.kind === 'year-1-session' ? input.groupId! : null,
      optional: input.kind === 'leadership-module' ? true : (input.optional ?? false),
      online: input.online ?? false,
      location: input.location ?? null,
    };
  };

  const decide = (command: TrainingCommand, state: TrainingProgrammeState): TrainingEventRecord[] => {
    if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
    const on = command.data.on;
    switch (command.type) {
      case 'FormPhaseGroup': {
        const { groupId, phase, facilitator } = command.data;
        if (state.groups.some((g) => g.groupId === groupId))
          throw conflict(`Group ${groupId} already exists`);
        if (!PHASE_GROUP_PHASES.includes(phase))
          throw invalid(`phase must be one of ${PHASE_GROUP_PHASES.join(', ')}`, 'phase');
        const facilitatorId = text(facilitator?.personId, 'facilitator.personId');
        if (!UUID.test(facilitatorId))
          throw invalid('facilitator.personId must be a UUID', 'facilitator.personId');
        return [
          {
            type: 'PhaseGroupFormed',
            schemaVersion: 1,
            data: {
              academicYear,
              groupId: text(groupId, 'groupId'),
              name: text(command.data.name, 'name'),
              phase,
              facilitatorId,
              formedOn: on,
              personal: { [facilitatorId]: { name: text(facilitator.name, 'facilitator.name') } },
            },
          },
        ];
      }
      case 'PublishTrainingProgramme': {
        if (command.data.academicYear !== academicYear)
          throw invalid('academicYear does not match', 'academicYear');
        if (state.published)
          throw conflict(
            `The ${academicYear} programme is already published: all dates are set at the start of the year`,
          );
        if (on > terms.autumn.start)
          throw invalid(`publish the programme by the start of the year (${terms.autumn.start})`, 'on');
        const events = (command.data.events ?? []).map((e) => validateEvent(e, state.groups));
        if (new Set(events.map((e) => e.eventId)).size !== events.length)
          throw invalid('event ids must be unique', 'events');
        if (!events.some((e) => e.kind === 'induction-conference'))
          throw invalid('the programme opens with a September induction conference', 'events');
        const mentor = (year: Audience) => events.filter((e) => e.audiences.includes(year)).length;
        if (mentor('mentor-year-2') > mentor('mentor-year-1'))
          throw invalid('the mentor year 2 is lighter than year 1', 'events');
        return [
          {
            type: 'TrainingProgrammePublished',
            schemaVersion: 1,
            data: { academicYear, events, publishedOn: on },
          },
        ];
      }
      case 'AllocateEctToGroup': {
        const { ectId, groupId } = command.data;
        if (!state.groups.some((g) => g.groupId === groupId)) throw notFound(`No group ${groupId}`);
        const previous = state.allocations[ectId] ?? null;
        if (previous === groupId) return [];
        return [
          {
            type: 'EctAllocatedToGroup',
            schemaVersion: 1,
            data: {
              academicYear,
              ectId: text(ectId, 'ectId'),
              groupId,
              previousGroupId: previous,
              allocatedOn: on,
            },
          },
        ];
      }
      case 'RecordAttendance': {
        const { eventId, participantId, role, attended } = command.data;
        const event = state.events.find((e) => e.eventId === eventId);
        if (!event) throw notFound(`No training event ${eventId}`);
        if (event.date > on) throw invalid('attendance is recorded on or after the event', 'on');
        if (role !== 'ect' && role !== 'mentor') throw invalid('role must be ect or mentor', 'role');
        if (typeof attended !== 'boolean') throw invalid('attended must be true or false', 'attended');
        if (state.attendance[`${eventId}|${participantId}`] === attended) return [];
        return [
          {
            type: 'AttendanceRecorded',
            schemaVersion: 1,
            data: {
              academicYear,
              eventId,
              participantId: text(participantId, 'participantId'),
              role,
              attended,
              recordedOn: on,
            },
          },
        ];
      }
      default:
        throw invalid(`Unknown command ${String((command as { type: unknown }).type)}`);
    }
  };

  const evolve = (state: TrainingProgrammeState, event: TrainingEventRecord): TrainingProgrammeState => {
    switch (event.type) {
      case 'PhaseGroupFormed':
        return {
          ...state,
          academicYear,
          groups: [
            ...state.groups,
            { groupId: event.data.groupId, phase: event.data.phase, facilitatorId: event.data.facilitatorId },
          ],
        };
      case 'TrainingProgrammePublished':
        return { ...state, academicYear, published: true, events: event.data.events };
      case 'EctAllocatedToGroup':
        return { ...state, allocations: { ...state.allocations, [event.data.ectId]: event.data.groupId } };
      case 'AttendanceRecorded':
        return {
          ...state,
          attendance: {
            ...state.attendance,
            [`${event.data.eventId}|${event.data.participantId}`]: event.data.attended,
          },
        };
      default:
        return state;
    }
  };
  return { initialState, decide, evolve };
}

export interface AllocationCandidate {
  readonly ectId: string;
  readonly phase: GroupPhase;
}
export interface SuggestedGroup {
  readonly phase: GroupPhase;
  readonly index: number;
  readonly ectIds: string[];
}

/**
 * Suggested year-1 groups: by phase, as few groups as keep them at about 20, sizes balanced (differing by at
 * most one), ECTs in a stable order so the same cohort gives the same suggestion. Staff adjust from there.
 */
export function suggestPhaseGroups(
  candidates: readonly AllocationCandidate[],
  targetSize: number = TARGET_GROUP_SIZE,
): SuggestedGroup[] {
  const byPhase = new Map<GroupPhase, string[]>();
  for (const c of candidates) byPhase.set(c.phase, [...(byPhase.get(c.phase) ?? []), c.ectId]);
  const groups: SuggestedGroup[] = [];
  for (const phase of [...byPhase.keys()].sort()) {
    const ids = byPhase.get(phase)!.sort();
    const count = Math.max(1, Math.round(ids.length / targetSize));
    for (let index = 0; index < count; index += 1) groups.push({ phase, index: index + 1, ectIds: [] });
    const mine = groups.slice(groups.length - count);
    ids.forEach((id, i) => mine[i % count]!.ectIds.push(id));
  }
  return groups;
}
