/**
 * Deterministic scale data (issue 9): schools and ECT inductions at hub or national scale, produced by the
 * domain's deciders with a simulated calendar (simulate-ect.ts) and turned into the event store's `NewEvent`s
 * with ids derived from the seed. Pure: no I/O and no clock, so the same seed and the same id secret always
 * give the same events (write-scale-data.ts appends them; the benchmark and tests reuse them).
 */
import { v5 as uuidv5 } from 'uuid';
import type { Json, NewEvent } from '#event-store/event-store.port.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import type { ContactInput } from '#induction/induction/ect.commands.js';
import { ectStreamId } from '#induction/induction/ect.decider.js';
import { schoolStreamId, type SchoolPhase, type SchoolEvent } from '#induction/schools/school.decider.js';
import type { DomainEvent } from '#induction/shared/decider.js';
import type { LedgerDomain } from '../../../api/src/domain/ledger-domain.js';
import { keyedPersonId } from '../../../api/src/domain/person-identity.js';
import { forkRng } from './prng.js';
import type { ScaleProfile } from './scale-profiles.js';
import { simulateEct, type EctPlan, type EctSimulationOptions } from './simulate-ect.js';

/** Namespace of generated event ids (a fixed random UUID): ids are uuidv5(seed|stream|revision). */
const GENERATED_EVENT_NAMESPACE = '5d0c7c2e-9a1b-4f57-8d43-2b7e1f0a6c19';
export const GENERATOR_ACTOR = 'system:generator';

export interface GeneratedStream {
  readonly streamId: string;
  readonly kind: 'school' | 'ect';
  readonly events: NewEvent[];
}

export interface GenerateOptions {
  readonly profile: ScaleProfile;
  readonly seed: number;
  /** The key that derives person ids (keyed-id.ts): the runtime's, so ids match what the API derives. */
  readonly idSecret: Buffer;
  readonly domain: Pick<LedgerDomain, 'ect' | 'school' | 'calendar'>;
  readonly attendancePerTerm?: EctSimulationOptions['attendancePerTerm'];
}

export interface GenerationStats {
  schools: number;
  ects: number;
  events: number;
  byType: Record<string, number>;
  rejected: Record<string, number>;
}

const FIRST_NAMES = [
  'Alex',
  'Sam',
  'Priya',
  'Tom',
  'Aisha',
  'Chloe',
  'Daniel',
  'Grace',
  'Hamza',
  'Isla',
  'Jack',
  'Maya',
  'Noah',
  'Olivia',
  'Ravi',
  'Zara',
];
const LAST_NAMES = [
  'Patel',
  'Smith',
  'Jones',
  'Khan',
  'Williams',
  'Brown',
  'Taylor',
  'Davies',
  'Evans',
  'Wilson',
  'Okafor',
  'Nowak',
  'Murphy',
  'Chen',
  'Ahmed',
  'Lloyd',
];
const PHASES: readonly SchoolPhase[] = [
  'primary',
  'primary',
  'primary',
  'secondary',
  'secondary',
  'special',
  'all-through',
];
const AUTHORITIES = [
  'Cambridgeshire',
  'Peterborough',
  'Norfolk',
  'Suffolk',
  'Essex',
  'Hertfordshire',
  'Bedford',
  'Luton',
];
const MENTORS_PER_SCHOOL = 4;

/** Six-digit URN of the school at `index`. */
export const schoolUrn = (index: number): string => String(200_000 + index);
/**
 * A 7-digit TRN for the ECT at `index`, unique for every index below 9,000,000 (7919 is coprime with
 * 9,000,000). The benchmark registers new ECTs from index `profile.ects` on, which never collide.
 */
export const trnFor = (index: number): string => String(1_000_000 + ((index * 7919) % 9_000_000));

interface SchoolPeople {
  urn: string;
  head: ContactInput;
  tutor: ContactInput;
  mentors: ContactInput[];
}

function contact(secret: Buffer, name: string, email: string): ContactInput {
  return { personId: keyedPersonId(secret, 'contact', email.toLowerCase()), name, email, hasQts: true };
}

function schoolPeople(secret: Buffer, index: number): SchoolPeople {
  const urn = schoolUrn(index);
  const person = (role: string, k: number) => {
    const name = `${FIRST_NAMES[(index + k * 5) % FIRST_NAMES.length]} ${LAST_NAMES[(index * 3 + k) % LAST_NAMES.length]}`;
    return contact(secret, name, `${role}${k === 0 ? '' : k}@school-${urn}.example`);
  };
  return {
    urn,
    head: person('head', 0),
    tutor: person('induction-tutor', 0),
    mentors: Array.from({ length: MENTORS_PER_SCHOOL }, (_, k) => person('mentor', k + 1)),
  };
}

function toNewEvents(seed: number, streamId: string, events: readonly DomainEvent[]): NewEvent[] {
  const correlationId = `generate:${seed}:${streamId}`;
  return events.map((event, revision) => ({
    eventId: uuidv5(`${seed}|${streamId}|${revision}`, GENERATED_EVENT_NAMESPACE),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as { [key: string]: Json },
    metadata: { actor: GENERATOR_ACTOR, actorRole: 'hub_staff', correlationId, causationId: correlationId },
  }));
}

function generateSchool(options: GenerateOptions, index: number, people: SchoolPeople): GeneratedStream {
  const { school } = options.domain;
  const rng = forkRng(options.seed, `school:${index}`);
  const addedOn = addDays('2023-06-01', rng.int(0, 60));
  const commands = [
    {
      type: 'AddSchool' as const,
      data: {
        urn: people.urn,
        name: `${LAST_NAMES[index % LAST_NAMES.length]} ${rng.pick(['Primary School', 'Academy', 'High School', 'School'])} ${index}`,
        phase: rng.pick(PHASES),
        localAuthority: rng.pick(AUTHORITIES),
        on: addedOn,
      },
    },
    ...[
      ['head', people.head],
      ['induction-tutor', people.tutor],
      ...people.mentors.map((m) => ['mentor', m] as const),
    ].map(([role, person]) => ({
      type: 'NameSchoolContact' as const,
      data: {
        role: role as 'head' | 'induction-tutor' | 'mentor',
        contact: person as ContactInput,
        on: addedOn,
      },
    })),
  ];
  let state = school.initialState();
  const events: SchoolEvent[] = [];
  for (const command of commands) {
    for (const event of school.decide(command, state)) {
      state = school.evolve(state, event);
      events.push(event);
    }
  }
  const streamId = schoolStreamId(people.urn);
  return { streamId, kind: 'school', events: toNewEvents(options.seed, streamId, events) };
}

function cohortOf(profile: ScaleProfile, roll: number): number {
  const total = profile.cohorts.reduce((sum, c) => sum + c.weight, 0);
  let at = roll * total;
  for (const cohort of profile.cohorts) {
    at -= cohort.weight;
    if (at < 0) return cohort.academicYear;
  }
  return profile.cohorts.at(-1)!.academicYear;
}

/**
 * Every stream of the data set, schools first, then ECTs in index order. Lazy: a national data set is never
 * held in memory at once. `stats` is filled in as streams are produced.
 */
export function* generateScaleData(
  options: GenerateOptions,
  stats?: GenerationStats,
): Generator<GeneratedStream> {
  const { profile, seed, idSecret } = options;
  const people: SchoolPeople[] = [];
  for (let i = 0; i < profile.schools; i += 1) people.push(schoolPeople(idSecret, i));
  const count = (stream: GeneratedStream) => {
    if (!stats) return;
    stats.events += stream.events.length;
    for (const event of stream.events) stats.byType[event.type] = (stats.byType[event.type] ?? 0) + 1;
  };
  for (let i = 0; i < profile.schools; i += 1) {
    const stream = generateSchool(options, i, people[i]!);
    if (stats) stats.schools += 1;
    count(stream);
    yield stream;
  }
  const abContacts = Array.from({ length: 6 }, (_, k) =>
    contact(idSecret, `AB Adviser ${k + 1}`, `ab-adviser-${k + 1}@hub.example`),
  );
  for (let i = 0; i < profile.ects; i += 1) {
    const rng = forkRng(seed, `ect:${i}`);
    const schoolIndex = rng.int(0, profile.schools - 1);
    const school = people[schoolIndex]!;
    const otherIndex = (schoolIndex + rng.int(1, Math.max(1, profile.schools - 1))) % profile.schools;
    const panelIndex = [1, 2, 3]
      .map((k) => (otherIndex + k) % profile.schools)
      .find((k) => k !== schoolIndex)!;
    const mentor = rng.int(0, MENTORS_PER_SCHOOL - 1);
    const trn = trnFor(i);
    const firstName = rng.pick(FIRST_NAMES);
    const lastName = rng.pick(LAST_NAMES);
    const ectId = keyedPersonId(idSecret, 'ect', trn);
    const plan: EctPlan = {
      ectId,
      trn,
      firstName,
      lastName,
      dateOfBirth: addDays('1990-01-01', rng.int(0, 365 * 12)),
      email: `${firstName}.${lastName}.${trn}@teacher.example`.toLowerCase(),
      schoolUrn: school.urn,
      transferSchoolUrn: people[otherIndex]!.urn,
      mentor: school.mentors[mentor]!,
      otherMentor: school.mentors[(mentor + 1) % MENTORS_PER_SCHOOL]!,
      inductionTutor: school.tutor,
      head: school.head,
      abContact: rng.pick(abContacts),
      // R21: the panel member comes from neither the ECT's school nor the one they may transfer to.
      panelMember: { personId: people[panelIndex]!.head.personId, schoolUrn: people[panelIndex]!.urn },
    };
    const simulated = simulateEct(plan, rng, {
      decider: options.domain.ect,
      calendar: options.domain.calendar,
      asOf: profile.asOf,
      academicYear: cohortOf(profile, rng.next()),
      absenceEpisodesPerTerm: profile.absenceEpisodesPerTerm,
      attendancePerTerm: options.attendancePerTerm,
    });
    const streamId = ectStreamId(ectId);
    const stream: GeneratedStream = {
      streamId,
      kind: 'ect',
      events: toNewEvents(seed, streamId, simulated.events),
    };
    if (stats) {
      stats.ects += 1;
      for (const [key, n] of Object.entries(simulated.rejected))
        stats.rejected[key] = (stats.rejected[key] ?? 0) + n;
    }
    count(stream);
    yield stream;
  }
}

export const emptyStats = (): GenerationStats => ({
  schools: 0,
  ects: 0,
  events: 0,
  byType: {},
  rejected: {},
});
