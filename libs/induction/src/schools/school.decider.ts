/**
 * A school on the AB's register (stream `school-<urn>`): added once (a second add is a duplicate, 409), with
 * its contacts for induction (induction tutors, head, mentors) named from a date. Contacts' names and emails
 * live only under `personal`, keyed by their person id (docs/conventions.md).
 */
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid, notFound } from '../shared/domain-error.js';
import type { ContactPersonalData } from '../induction/ect.events.js';

export const SCHOOL_PHASES = [
  'nursery',
  'primary',
  'middle',
  'secondary',
  'all-through',
  'special',
  'alternative-provision',
  'sixteen-plus',
] as const;
export type SchoolPhase = (typeof SCHOOL_PHASES)[number];
export const SCHOOL_CONTACT_ROLES = ['head', 'induction-tutor', 'mentor'] as const;
export type SchoolContactRole = (typeof SCHOOL_CONTACT_ROLES)[number];
const CONTACT_ROLES: readonly SchoolContactRole[] = SCHOOL_CONTACT_ROLES;

export type AddSchool = {
  readonly type: 'AddSchool';
  readonly data: { urn: string; name: string; phase: SchoolPhase; localAuthority: string; on: IsoDate };
};
export type NameSchoolContact = {
  readonly type: 'NameSchoolContact';
  readonly data: {
    role: SchoolContactRole;
    contact: { personId: string; name: string; email: string; hasQts?: boolean };
    on: IsoDate;
  };
};
export type RemoveSchoolContact = {
  readonly type: 'RemoveSchoolContact';
  readonly data: { role: SchoolContactRole; personId: string; on: IsoDate };
};
export type SchoolCommand = AddSchool | NameSchoolContact | RemoveSchoolContact;

export type SchoolAdded = DomainEvent<
  'SchoolAdded',
  { urn: string; name: string; phase: SchoolPhase; localAuthority: string; addedOn: IsoDate }
>;
export type SchoolContactNamed = DomainEvent<
  'SchoolContactNamed',
  {
    role: SchoolContactRole;
    personId: string;
    namedOn: IsoDate;
    personal: Readonly<Record<string, ContactPersonalData | null>>;
  }
>;
export type SchoolContactRemoved = DomainEvent<
  'SchoolContactRemoved',
  { role: SchoolContactRole; personId: string; removedOn: IsoDate }
>;
export type SchoolEvent = SchoolAdded | SchoolContactNamed | SchoolContactRemoved;

export interface SchoolContact {
  readonly role: SchoolContactRole;
  readonly personId: string;
  readonly since: IsoDate;
}
export interface SchoolState {
  readonly added: boolean;
  readonly urn: string | null;
  readonly name: string | null;
  readonly phase: SchoolPhase | null;
  readonly localAuthority: string | null;
  readonly contacts: readonly SchoolContact[];
  /** Person id → name and email, or null once erased. */
  readonly people: Readonly<Record<string, ContactPersonalData | null>>;
}

const URN = /^\d{6}$/;

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required`, field);
  return value.trim();
};

function decide(command: SchoolCommand, state: SchoolState): SchoolEvent[] {
  if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  switch (command.type) {
    case 'AddSchool': {
      const { urn, phase, on } = command.data;
      if (typeof urn !== 'string' || !URN.test(urn)) throw invalid('urn must be 6 digits', 'urn');
      if (!SCHOOL_PHASES.includes(phase))
        throw invalid(`phase must be one of: ${SCHOOL_PHASES.join(', ')}`, 'phase');
      const name = text(command.data.name, 'name');
      const localAuthority = text(command.data.localAuthority, 'localAuthority');
      if (state.added) throw conflict(`School ${urn} is already on the register`);
      return [
        { type: 'SchoolAdded', schemaVersion: 1, data: { urn, name, phase, localAuthority, addedOn: on } },
      ];
    }
    case 'NameSchoolContact': {
      const { role, contact, on } = command.data;
      if (!state.added) throw notFound('No such school on the register');
      if (!CONTACT_ROLES.includes(role))
        throw invalid(`role must be one of: ${CONTACT_ROLES.join(', ')}`, 'role');
      const personId = text(contact?.personId, 'contact.personId');
      const name = text(contact.name, 'contact.name');
      const email = text(contact.email, 'contact.email');
      if (state.contacts.some((c) => c.role === role && c.personId === personId)) {
        throw conflict(`That person is already a ${role} contact`);
      }
      const personal = {
        [personId]: { name, email, ...(contact.hasQts === undefined ? {} : { hasQts: contact.hasQts }) },
      };
      return [
        { type: 'SchoolContactNamed', schemaVersion: 1, data: { role, personId, namedOn: on, personal } },
      ];
    }
    case 'RemoveSchoolContact': {
      const { role, personId, on } = command.data;
      if (!state.contacts.some((c) => c.role === role && c.personId === personId)) {
        throw notFound(`That person is not a ${role} contact`);
      }
      return [{ type: 'SchoolContactRemoved', schemaVersion: 1, data: { role, personId, removedOn: on } }];
    }
    default:
      throw invalid(`Unknown command ${(command as { type: string }).type}`);
  }
}

function evolve(state: SchoolState, event: SchoolEvent): SchoolState {
  switch (event.type) {
    case 'SchoolAdded':
      return {
        ...state,
        added: true,
        urn: event.data.urn,
        name: event.data.name,
        phase: event.data.phase,
        localAuthority: event.data.localAuthority,
      };
    case 'SchoolContactNamed':
      return {
        ...state,
        contacts: [
          ...state.contacts,
          { role: event.data.role, personId: event.data.personId, since: event.data.namedOn },
        ],
        people: { ...state.people, ...event.data.personal },
      };
    case 'SchoolContactRemoved':
      return {
        ...state,
        contacts: state.contacts.filter(
          (c) => !(c.role === event.data.role && c.personId === event.data.personId),
        ),
      };
    default:
      return state;
  }
}

export const schoolDecider: Decider<SchoolCommand, SchoolEvent, SchoolState> = {
  initialState: () => ({
    added: false,
    urn: null,
    name: null,
    phase: null,
    localAuthority: null,
    contacts: [],
    people: {},
  }),
  decide,
  evolve,
};

export const schoolStreamId = (urn: string): string => `school-${urn}`;
