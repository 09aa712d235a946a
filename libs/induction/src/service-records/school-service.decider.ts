/**
 * The hub's service record with one school (stream `school-service-<urn>`), from its plan (domain.md, "The
 * hub's own service"): a two-year service level agreement with its commitments (turnaround times and the
 * like), each commitment reviewed as met or not in an academic year, and the school's bookings of
 * induction-tutor training sessions and drop-in clinics with how many attended.
 */
import { daysBetween, isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, invalid, notFound } from '../shared/domain-error.js';

export const SESSION_KINDS = ['tutor-training', 'clinic'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
/** A two-year agreement: at most this many days from start to end (two years and a leap day). */
export const SLA_MAX_DAYS = 731;

export interface SlaCommitment {
  readonly id: string;
  readonly description: string;
  /** A turnaround time, where the commitment has one. */
  readonly turnaroundWorkingDays?: number;
}

export type AgreeSla = {
  readonly type: 'AgreeSla';
  readonly data: {
    slaId: string;
    startsOn: IsoDate;
    endsOn: IsoDate;
    commitments: SlaCommitment[];
    on: IsoDate;
  };
};
export type ReviewSlaCommitment = {
  readonly type: 'ReviewSlaCommitment';
  readonly data: {
    slaId: string;
    commitmentId: string;
    year: number;
    met: boolean;
    note?: string;
    on: IsoDate;
  };
};
export type BookServiceSession = {
  readonly type: 'BookServiceSession';
  readonly data: {
    sessionId: string;
    kind: SessionKind;
    title: string;
    heldOn: IsoDate;
    places: number;
    on: IsoDate;
  };
};
export type RecordSessionAttendance = {
  readonly type: 'RecordSessionAttendance';
  readonly data: { sessionId: string; attended: number; on: IsoDate };
};
export type SchoolServiceCommand =
  AgreeSla | ReviewSlaCommitment | BookServiceSession | RecordSessionAttendance;

export type SlaAgreed = DomainEvent<
  'SlaAgreed',
  {
    schoolUrn: string;
    slaId: string;
    startsOn: IsoDate;
    endsOn: IsoDate;
    commitments: SlaCommitment[];
    agreedOn: IsoDate;
  }
>;
export type SlaCommitmentReviewed = DomainEvent<
  'SlaCommitmentReviewed',
  {
    schoolUrn: string;
    slaId: string;
    commitmentId: string;
    year: number;
    met: boolean;
    note: string | null;
    reviewedOn: IsoDate;
  }
>;
export type ServiceSessionBooked = DomainEvent<
  'ServiceSessionBooked',
  {
    schoolUrn: string;
    sessionId: string;
    kind: SessionKind;
    title: string;
    heldOn: IsoDate;
    places: number;
    bookedOn: IsoDate;
  }
>;
export type SessionAttendanceRecorded = DomainEvent<
  'SessionAttendanceRecorded',
  {
    schoolUrn: string;
    sessionId: string;
    kind: SessionKind;
    heldOn: IsoDate;
    places: number;
    attended: number;
    recordedOn: IsoDate;
  }
>;
export type SchoolServiceEvent =
  SlaAgreed | SlaCommitmentReviewed | ServiceSessionBooked | SessionAttendanceRecorded;

export interface SchoolServiceState {
  readonly schoolUrn: string | null;
  readonly slas: readonly SlaAgreed['data'][];
  /** slaId|commitmentId|year → met. */
  readonly reviews: Readonly<Record<string, boolean>>;
  readonly sessions: Readonly<Record<string, ServiceSessionBooked['data'] & { attended: number | null }>>;
}

export const schoolServiceStreamId = (urn: string): string => `school-service-${urn}`;

const date = (value: unknown, field: string): IsoDate => {
  if (!isIsoDate(value)) throw invalid(`${field} must be a date (YYYY-MM-DD)`, field);
  return value;
};

/** The decider for one school; its URN comes from the stream, so events say whose record they are. */
export function createSchoolServiceDecider(
  schoolUrn: string,
): Decider<SchoolServiceCommand, SchoolServiceEvent, SchoolServiceState> {
  function decide(command: SchoolServiceCommand, state: SchoolServiceState): SchoolServiceEvent[] {
    const on = date(command.data?.on, 'on');
    switch (command.type) {
      case 'AgreeSla': {
        const { slaId, commitments } = command.data;
        const startsOn = date(command.data.startsOn, 'startsOn');
        const endsOn = date(command.data.endsOn, 'endsOn');
        if (endsOn <= startsOn) throw invalid('endsOn must be after startsOn', 'endsOn');
        if (daysBetween(startsOn, endsOn) > SLA_MAX_DAYS)
          throw invalid('a service level agreement runs for at most two years', 'endsOn');
        if (!Array.isArray(commitments) || commitments.length === 0)
          throw invalid('commitments must list at least one commitment', 'commitments');
        if (state.slas.some((s) => s.slaId === slaId)) throw conflict('That agreement is already recorded');
        if (state.slas.some((s) => s.startsOn <= endsOn && startsOn <= s.endsOn))
          throw conflict('The school already has an agreement covering those dates');
        return [
          {
            type: 'SlaAgreed',
            schemaVersion: 1,
            data: { schoolUrn, slaId, startsOn, endsOn, commitments, agreedOn: on },
          },
        ];
      }
      case 'ReviewSlaCommitment': {
        const { slaId, commitmentId, year, met } = command.data;
        const sla = state.slas.find((s) => s.slaId === slaId);
        if (!sla) throw notFound('No such agreement with this school');
        if (!sla.commitments.some((c) => c.id === commitmentId))
          throw notFound(`The agreement has no commitment ${commitmentId}`);
        if (typeof met !== 'boolean') throw invalid('met must be true or false', 'met');
        const key = `${slaId}|${commitmentId}|${year}`;
        if (state.reviews[key] === met) return [];
        return [
          {
            type: 'SlaCommitmentReviewed',
            schemaVersion: 1,
            data: {
              schoolUrn,
              slaId,
              commitmentId,
              year,
              met,
              note: command.data.note ?? null,
              reviewedOn: on,
            },
          },
        ];
      }
      case 'BookServiceSession': {
        const { sessionId, kind, title, places } = command.data;
        const heldOn = date(command.data.heldOn, 'heldOn');
        if (!SESSION_KINDS.includes(kind))
          throw invalid(`kind must be one of: ${SESSION_KINDS.join(', ')}`, 'kind');
        if (!Number.isInteger(places) || places < 1 || places > 50)
          throw invalid('places must be a whole number from 1 to 50', 'places');
        if (state.sessions[sessionId]) throw conflict('The school has already booked that session');
        return [
          {
            type: 'ServiceSessionBooked',
            schemaVersion: 1,
            data: { schoolUrn, sessionId, kind, title, heldOn, places, bookedOn: on },
          },
        ];
      }
      case 'RecordSessionAttendance': {
        const session = state.sessions[command.data.sessionId];
        if (!session) throw notFound('The school has not booked that session');
        const { attended } = command.data;
        if (!Number.isInteger(attended) || attended < 0 || attended > session.places)
          throw invalid(
            `attended must be a whole number from 0 to ${session.places} (places booked)`,
            'attended',
          );
        if (session.attended === attended) return [];
        return [
          {
            type: 'SessionAttendanceRecorded',
            schemaVersion: 1,
            data: {
              schoolUrn,
              sessionId: session.sessionId,
              kind: session.kind,
              heldOn: session.heldOn,
              places: session.places,
              attended,
              recordedOn: on,
            },
          },
        ];
      }
      default:
        throw invalid(`Unknown command ${(command as { type: string }).type}`);
    }
  }

  function evolve(state: SchoolServiceState, event: SchoolServiceEvent): SchoolServiceState {
    switch (event.type) {
      case 'SlaAgreed':
        return { ...state, schoolUrn: event.data.schoolUrn, slas: [...state.slas, event.data] };
      case 'SlaCommitmentReviewed': {
        const { slaId, commitmentId, year, met } = event.data;
        return { ...state, reviews: { ...state.reviews, [`${slaId}|${commitmentId}|${year}`]: met } };
      }
      case 'ServiceSessionBooked':
        return {
          ...state,
          sessions: { ...state.sessions, [event.data.sessionId]: { ...event.data, attended: null } },
        };
      case 'SessionAttendanceRecorded': {
        const session = state.sessions[event.data.sessionId];
        if (!session) return state;
        return {
          ...state,
          sessions: {
            ...state.sessions,
            [event.data.sessionId]: { ...session, attended: event.data.attended },
          },
        };
      }
      default:
        return state;
    }
  }

  return {
    initialState: () => ({ schoolUrn, slas: [], reviews: {}, sessions: {} }),
    decide,
    evolve,
  };
}
