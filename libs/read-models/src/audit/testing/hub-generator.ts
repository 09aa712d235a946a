/**
 * A small seeded generator of a hub's log, made with the domain's own deciders (so every event obeys the
 * rules), for read-model tests until bench/'s generator lands. Same seed, same log.
 */
import type { EventStore } from '#event-store/event-store.port.js';
import type { Json } from '#event-store/event-store.port.js';
import { addDays, type IsoDate } from '#induction/calendar/calendar-date.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import { ectSchedule } from '#induction/early-help/ect-schedule.js';
import type { EctCommand } from '#induction/induction/ect.commands.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { DomainError } from '#induction/shared/domain-error.js';
import type { Decider } from '#induction/shared/decider.js';
import type { SchoolCommand, SchoolEvent, SchoolState } from '#induction/schools/school.decider.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedEct {
  ectId: string;
  schoolUrn: string;
  events: EctEvent[];
  state: EctState;
  refused: number;
}
export interface GeneratedHub {
  schools: { urn: string; phase: 'primary' | 'secondary' }[];
  ects: GeneratedEct[];
}

const ALL_MET = {
  TS1: 'met',
  TS2: 'met',
  TS3: 'met',
  TS4: 'met',
  TS5: 'met',
  TS6: 'met',
  TS7: 'met',
  TS8: 'met',
  PartTwo: 'met',
} as const;

export function generateHub(options: {
  seed: number;
  schools: number;
  ects: number;
  ect: Decider<EctCommand, EctEvent, EctState>;
  school: Decider<SchoolCommand, SchoolEvent, SchoolState>;
  /** Only commands decided on or before this date are issued. */
  today: IsoDate;
  calendar: TermCalendar;
  urnBase?: number;
}): GeneratedHub & { schoolEvents: Map<string, SchoolEvent[]> } {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const uuid = () =>
    'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(random() * 16).toString(16));
  const schools = Array.from({ length: options.schools }, (_, i) => ({
    urn: String((options.urnBase ?? 300000) + i),
    phase: (i % 2 === 0 ? 'primary' : 'secondary') as 'primary' | 'secondary',
  }));
  const schoolEvents = new Map<string, SchoolEvent[]>();
  for (const s of schools) {
    schoolEvents.set(
      s.urn,
      options.school.decide(
        {
          type: 'AddSchool',
          data: {
            urn: s.urn,
            name: `School ${s.urn}`,
            phase: s.phase,
            localAuthority: 'Cambridgeshire',
            on: '2024-06-01',
          },
        },
        options.school.initialState(),
      ),
    );
  }
  const ects: GeneratedEct[] = [];
  for (let i = 0; i < options.ects; i += 1) {
    const school = schools[i % schools.length]!;
    const ectId = uuid();
    const tutorId = uuid();
    const mentorId = random() < 0.03 ? tutorId : uuid();
    const startDate = pick([
      '2024-09-01',
      '2024-09-01',
      '2025-01-06',
      '2025-04-22',
      '2025-09-01',
      '2025-09-01',
    ]);
    const fte = pick([1, 1, 1, 1, 1, 0.8, 0.6, 0.5]);
    const programme = random() < 0.3 ? 'school-led' : 'provider-led';
    const late = random() < 0.05;
    const commands: EctCommand[] = [
      {
        type: 'RegisterEct',
        data: {
          ectId,
          trn: String(4000000 + i),
          firstName: `First${i}`,
          lastName: `Last${i}`,
          dateOfBirth: '1998-01-01',
          email: `ect${i}@example.org`,
          schoolUrn: school.urn,
          qtsAwardedOn: '2024-07-15',
          startDate,
          fte,
          programme,
          mentor: {
            personId: mentorId,
            name: `Mentor ${i}`,
            email: `m${i}@example.org`,
            ...(random() < 0.95 ? { hasQts: random() < 0.97 } : {}),
          },
          inductionTutor: { personId: tutorId, name: `Tutor ${i}`, email: `t${i}@example.org`, hasQts: true },
          on: late ? addDays(startDate, 20) : addDays(startDate, -10),
        },
      },
    ];
    const reduced = startDate === '2025-04-22' && random() < 0.3;
    if (reduced)
      commands.push({
        type: 'ReduceInduction',
        data: {
          reducedTo: 1,
          ectAgreedOn: '2025-04-01',
          headAdvisedOn: '2025-04-01',
          reason: 'Prior experience',
          on: '2025-04-25',
        },
      });
    if (random() < 0.8)
      commands.push({
        type: 'AssignAbContact',
        data: {
          contact: { personId: uuid(), name: 'AB Contact', email: 'ab@hub.example' },
          on: addDays(startDate, 5),
        },
      });
    if (programme === 'school-led' && random() < 0.7)
      commands.push({
        type: 'RecordFidelityCheck',
        data: {
          checkedOn: addDays(startDate, 14),
          coversFramework: random() < 0.9,
          notes: 'Checked',
          on: addDays(startDate, 14),
        },
      });
    const t = random();
    if (t < 0.5)
      commands.push({
        type: 'RecordTimetable',
        data: { from: startDate, percentOfMainPayRangeTimetable: 85, on: addDays(startDate, 3) },
      });
    else if (t < 0.56)
      commands.push({
        type: 'RecordTimetable',
        data: { from: startDate, percentOfMainPayRangeTimetable: 93, on: addDays(startDate, 3) },
      });
    const a = random();
    if (a < 0.12)
      commands.push({
        type: 'RecordAbsence',
        data: {
          absenceId: uuid(),
          from: addDays(startDate, 30),
          to: addDays(startDate, 60),
          days: a < 0.05 ? 31 : 22,
          reason: 'illness',
          on: addDays(startDate, 61),
        },
      });
    // Reviews for every term that has ended, mostly on time, some missed, some not on track.
    let offTrack = false;
    for (let term = 1; term <= 8; term += 1) {
      if (random() < 0.08) continue;
      const onTrack = random() < 0.85;
      commands.push({
        type: 'SubmitProgressReview',
        data: {
          term,
          reviewedOn: 'TERM_END',
          onTrack,
          strengths: 'Planning',
          areasForDevelopment: 'Behaviour',
          ...(onTrack && !offTrack ? {} : { supportPlan: 'Weekly coaching' }),
          on: 'TERM_END',
        },
      } as EctCommand);
      offTrack ||= !onTrack;
    }
    for (const point of ['year-1', 'final'] as const) {
      if (random() < 0.1) continue;
      commands.push({
        type: 'RecordFormalAssessment',
        data: {
          point,
          assessedOn: 'ASSESS',
          assessor: { personId: tutorId, role: 'induction-tutor' },
          standards: ALL_MET,
          recommendation: random() < 0.07 ? 'unsatisfactory' : 'satisfactory',
          evidence: 'Observations',
          signedOn: { inductionTutor: 'ASSESS', head: 'ASSESS', ect: 'ASSESS' },
          on: 'ASSESS',
        },
      } as EctCommand);
    }
    ects.push(runCommands(options.ect, ectId, school.urn, commands, options.today, options.calendar));
  }
  return { schools, ects, schoolEvents };
}

/** Issues each command in turn on the state so far (placeholders take dates from the schedule); refusals are skipped. */
function runCommands(
  decider: Decider<EctCommand, EctEvent, EctState>,
  ectId: string,
  schoolUrn: string,
  commands: EctCommand[],
  today: IsoDate,
  calendar: TermCalendar,
): GeneratedEct {
  let state = decider.initialState();
  const events: EctEvent[] = [];
  let refused = 0;
  for (const raw of commands) {
    let command = raw;
    const text = JSON.stringify(raw);
    if (text.includes('TERM_END') || text.includes('ASSESS')) {
      const date = placeholderDate(raw, state, calendar);
      if (date === null) continue;
      command = JSON.parse(
        text.replaceAll('"TERM_END"', JSON.stringify(date)).replaceAll('"ASSESS"', JSON.stringify(date)),
      ) as EctCommand;
    }
    if (command.data.on > today) continue;
    try {
      const decided = decider.decide(command, state);
      for (const event of decided) state = decider.evolve(state, event);
      events.push(...decided);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused += 1;
    }
  }
  return { ectId, schoolUrn, events, state, refused };
}

/** Placeholder dates: a week before the review is due, or ten days before the assessment is. */
function placeholderDate(command: EctCommand, state: EctState, calendar: TermCalendar): IsoDate | null {
  const schedule = ectSchedule(state, calendar);
  if (command.type === 'SubmitProgressReview') {
    const due = schedule.reviews.find((r) => r.term === command.data.term);
    return due ? addDays(due.dueBy, -7) : null;
  }
  if (command.type === 'RecordFormalAssessment') {
    const due = schedule.assessments.find((r) => r.point === command.data.point);
    return due ? (addDays(due.dueBy, -10) < due.opensOn ? due.opensOn : addDays(due.dueBy, -10)) : null;
  }
  return null;
}

/** Appends the generated log: one append per stream, as the command handlers would. */
export async function appendHub(
  store: EventStore,
  hub: GeneratedHub & { schoolEvents: Map<string, SchoolEvent[]> },
  concurrency = 8,
) {
  const metadata = {
    actor: 'system:hub-generator',
    correlationId: 'hub-generator',
    causationId: 'hub-generator',
  };
  const toNew = (
    event: { type: string; schemaVersion: number; data: object },
    index: number,
    stream: string,
  ) => ({
    eventId: uuidFrom(`${stream}:${index}`),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as { [key: string]: Json },
    metadata,
  });
  const streams: [string, { type: string; schemaVersion: number; data: object }[]][] = [
    ...[...hub.schoolEvents].map(([urn, events]) => [`school-${urn}`, events] as [string, SchoolEvent[]]),
    ...hub.ects
      .filter((e) => e.events.length > 0)
      .map((e) => [`ect-${e.ectId}`, e.events] as [string, EctEvent[]]),
  ];
  // Independent streams: append a few at once, as concurrent requests would.
  let next = 0;
  let last = 0n;
  const worker = async () => {
    while (next < streams.length) {
      const [stream, events] = streams[next++]!;
      const result = await store.append(
        stream,
        events.map((e, i) => toNew(e, i, stream)),
        { expectedRevision: 'no_stream' },
      );
      if (result.globalPosition > last) last = result.globalPosition;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return last;
}

function uuidFrom(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x1234567;
  for (const ch of text) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
