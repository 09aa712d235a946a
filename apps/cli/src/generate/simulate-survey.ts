/**
 * `ledger simulate-survey [--year 2025] [--seed N]`: a simulated annual survey on whatever schools are on the
 * register (e.g. after `generate --scale hub`), for trying the report at scale: last year's and this year's
 * survey, invitations to every head and induction tutor (links from the same secret as the service's, so they
 * work), responses from about 70% with seeded answers and comments, and each school's SLA, commitment reviews,
 * tutor training and clinic bookings with attendance. Events go through the deciders; ids derive from the seed,
 * so a second run appends nothing.
 */
import { v5 as uuidv5 } from 'uuid';
import type { EventStore, Json, NewEvent } from '#event-store/event-store.port.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import type { Decider, DomainEvent } from '#induction/shared/decider.js';
import {
  createSchoolServiceDecider,
  schoolServiceStreamId,
  type SchoolServiceCommand,
} from '#induction/service-records/school-service.decider.js';
import {
  RESPONDENT_ROLES,
  surveyDecider,
  surveyStreamId,
  type Answer,
  type SurveyCommand,
  type SurveyQuestion,
} from '#induction/survey/annual-survey.decider.js';
import { STANDARD_SURVEY_QUESTIONS } from '#induction/survey/standard-questions.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import { invitationIdOf, surveyToken, tokenHash } from '../../../api/src/surveys/survey-links.js';
import { forkRng, type Rng } from './prng.js';

const NAMESPACE = '5d3c1e52-8f0b-4b8e-9a3c-2f6e1d7b4a90';

export const SIMULATED_QUESTIONS: SurveyQuestion[] = STANDARD_SURVEY_QUESTIONS;

const COMMENTS = [
  'More drop-in clinics in the summer term please',
  'Workload for induction tutors is high; fewer forms would help',
  'Very helpful and supportive team, thank you',
  'Communication about deadlines could be clearer',
  'Mentor training clashes with our timetable',
  'The portal is slow and the paperwork is repetitive',
  'More SEND examples in the training sessions',
  '',
];

export interface SimulateSurveyOptions {
  year: number;
  seed: number;
  /** Share of invitations that respond (default 0.7). */
  responseShare?: number;
}

export interface SimulateSurveyResult {
  schools: number;
  invitations: number;
  responses: number;
  events: number;
}

async function appendDecided<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  commands: C[],
  seedKey: string,
): Promise<number> {
  const existing = await store.readStream(streamId);
  let state = existing
    .map((e) => ({ type: e.type, schemaVersion: e.schemaVersion, data: e.data }) as unknown as E)
    .reduce(decider.evolve, decider.initialState());
  const events: E[] = [];
  for (const command of commands) {
    try {
      const decided = decider.decide(command, state);
      state = decided.reduce(decider.evolve, state);
      events.push(...decided);
    } catch {
      // already there (a re-run) or not allowed: the simulation keeps only what the domain accepts
    }
  }
  if (events.length === 0) return 0;
  const toAppend: NewEvent[] = events.map((event, i) => ({
    eventId: uuidv5(`${seedKey}|${streamId}|${existing.length + i}`, NAMESPACE),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data as { [key: string]: Json },
    metadata: { actor: 'simulate-survey', correlationId: seedKey, causationId: seedKey },
  }));
  await store.append(streamId, toAppend, {
    expectedRevision: existing.length === 0 ? 'no_stream' : existing[existing.length - 1]!.streamRevision,
  });
  return events.length;
}

function answersFor(rng: Rng, schoolBias: number): Record<string, Answer> {
  const rating = () => Math.min(5, Math.max(1, Math.round(schoolBias + rng.next() * 2 - 1)));
  const comment = rng.pick(COMMENTS);
  return {
    overall: rating(),
    advice: rating(),
    training: rating(),
    'sla-clear': rng.chance(0.8),
    recommend: rng.chance(schoolBias / 5),
    ...(comment ? { improve: comment } : {}),
  };
}

async function simulateYear(
  runtime: LedgerRuntime,
  urns: string[],
  year: number,
  seed: number,
  responseShare: number,
): Promise<Omit<SimulateSurveyResult, 'schools'>> {
  const opensOn = `${year + 1}-05-01`;
  const closesOn = `${year + 1}-07-31`;
  const secret = runtime.config.apiTokenSecret;
  const commands: SurveyCommand[] = [
    {
      type: 'DefineSurvey',
      data: {
        year,
        title: `Annual survey to schools ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
        opensOn,
        closesOn,
        questions: SIMULATED_QUESTIONS,
        on: addDays(opensOn, -14),
      },
    },
    {
      type: 'InviteRespondents',
      data: {
        on: opensOn,
        invitations: urns.flatMap((urn) =>
          RESPONDENT_ROLES.map((role) => {
            const invitationId = invitationIdOf(year, urn, role);
            return {
              invitationId,
              schoolUrn: urn,
              role,
              tokenHash: tokenHash(surveyToken(secret, invitationId)),
              expiresOn: closesOn,
            };
          }),
        ),
      },
    },
  ];
  let responses = 0;
  for (const urn of urns) {
    const schoolRng = forkRng(seed, `survey-${year}-${urn}`);
    const bias = 2 + schoolRng.next() * 3;
    for (const role of RESPONDENT_ROLES) {
      if (!schoolRng.chance(responseShare)) continue;
      responses += 1;
      const token = surveyToken(secret, invitationIdOf(year, urn, role));
      commands.push({
        type: 'SubmitSurveyResponse',
        data: {
          tokenHash: tokenHash(token),
          answers: answersFor(schoolRng, bias),
          on: addDays(opensOn, schoolRng.int(0, 40)),
        },
      });
    }
  }
  commands.push({ type: 'RecordSurveyReminders', data: { on: addDays(opensOn, 21) } });
  const events = await appendDecided(
    runtime.eventStore,
    surveyStreamId(year),
    surveyDecider,
    commands,
    `survey-${seed}`,
  );
  return { invitations: urns.length * RESPONDENT_ROLES.length, responses, events };
}

async function simulateServiceRecord(
  runtime: LedgerRuntime,
  urn: string,
  year: number,
  seed: number,
): Promise<number> {
  const rng = forkRng(seed, `service-${year}-${urn}`);
  const slaId = `sla-${year}`;
  const commands: SchoolServiceCommand[] = [
    {
      type: 'AgreeSla',
      data: {
        slaId,
        startsOn: `${year}-09-01`,
        endsOn: `${year + 2}-08-31`,
        commitments: [
          {
            id: 'advice-turnaround',
            description: 'Answer requests for AB advice within 5 working days',
            turnaroundWorkingDays: 5,
          },
          {
            id: 'registration-turnaround',
            description: 'Confirm ECT registrations within 10 working days',
            turnaroundWorkingDays: 10,
          },
          { id: 'tutor-training', description: 'Offer induction-tutor training every term' },
        ],
        on: `${year}-09-01`,
      },
    },
  ];
  for (const commitmentId of ['advice-turnaround', 'registration-turnaround', 'tutor-training'])
    commands.push({
      type: 'ReviewSlaCommitment',
      data: { slaId, commitmentId, year, met: rng.chance(0.85), on: `${year + 1}-07-15` },
    });
  const sessions = rng.int(1, 4);
  for (let i = 0; i < sessions; i += 1) {
    const kind = rng.chance(0.5) ? 'tutor-training' : 'clinic';
    const heldOn = addDays(`${year}-10-01`, rng.int(0, 250));
    const places = rng.int(1, 3);
    const sessionId = `${kind}-${heldOn}-${i}`;
    commands.push({
      type: 'BookServiceSession',
      data: {
        sessionId,
        kind,
        title: kind === 'clinic' ? 'Drop-in clinic' : 'Induction-tutor training',
        heldOn,
        places,
        on: addDays(heldOn, -14),
      },
    });
    commands.push({
      type: 'RecordSessionAttendance',
      data: { sessionId, attended: rng.int(0, places), on: heldOn },
    });
  }
  return appendDecided(
    runtime.eventStore,
    schoolServiceStreamId(urn),
    createSchoolServiceDecider(urn),
    commands,
    `service-${seed}`,
  );
}

export async function simulateSurvey(
  runtime: LedgerRuntime,
  options: SimulateSurveyOptions,
): Promise<SimulateSurveyResult> {
  const urns = (
    (await runtime.dataSource.query(`SELECT urn FROM schools ORDER BY urn`)) as { urn: string }[]
  ).map((r) => r.urn);
  const share = options.responseShare ?? 0.7;
  const last = await simulateYear(runtime, urns, options.year - 1, options.seed, share);
  const current = await simulateYear(runtime, urns, options.year, options.seed, share);
  let events = last.events + current.events;
  for (const urn of urns) events += await simulateServiceRecord(runtime, urn, options.year, options.seed);
  return { schools: urns.length, invitations: current.invitations, responses: current.responses, events };
}
