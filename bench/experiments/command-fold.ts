/**
 * Times the command path on a long stream and on short ones (README, "Architecture": kept folds): a survey
 * response at a national survey stream (1 definition, 6,000 invitations, ~6,000 responses: 12,000 events), and
 * ECT registrations and progress reviews at small scale, through the runtime's command runner on a scratch
 * PostgreSQL database that it creates and drops. Not part of `npm run bench`; run it after `npm run build`:
 *
 *   node dist/bench/experiments/command-fold.js [server-url]
 *
 * With COMMAND_FOLD_CACHE_EVENTS=0 the runner keeps no folds, as before they were kept. It also runs on a
 * build of an older commit (which has no `commandRunnerFor`: every command read its whole stream).
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '#event-store/event-store.port.js';
import { loadConfig } from '#platform/config/app-config.js';
import { openLedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import * as runnerModule from '../../apps/api/src/commands/stream-command-runner.js';
import { createBenchDatabase, DEFAULT_SERVER_URL } from '../support/database.js';

const INVITED_SCHOOLS = 3_000; // two invitations each (head, induction tutor)
const RESPONDED = 5_990; // responses already in the stream: 1 + 6,000 + 5,990 = 11,991 events
const TIMED_RESPONSES = 10;
const SMALL_ECTS = 20;

type Runner = InstanceType<typeof runnerModule.StreamCommandRunner>;

async function main(): Promise<void> {
  const server = process.argv[2] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL;
  const database = await createBenchDatabase(server, `bench_fold_${Date.now()}`);
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: database.url, REDIS_URL: '' });
  const runtime = await openLedgerRuntime(config, { projections: [] });
  try {
    const made = runnerModule as unknown as { commandRunnerFor?: (r: typeof runtime) => Runner };
    const runner: Runner = made.commandRunnerFor
      ? made.commandRunnerFor(runtime)
      : new runnerModule.StreamCommandRunner(runtime.eventStore);
    const { surveyDecider } = await import('#induction/survey/annual-survey.decider.js');
    const toSurveyEvent = (event: { type: string; schemaVersion: number; data: unknown }) =>
      ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as never;
    const context = () => ({
      principal: { userId: 'bench', role: 'hub_staff' as const, schoolUrns: [], name: 'Bench' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
    });

    // The survey stream, written in batches straight to the store (what the service would have written).
    const stream = 'survey-2025';
    const metadata = { actor: 'bench', correlationId: 'seed', causationId: 'seed' };
    const event = (type: string, data: NewEvent['data']): NewEvent => ({
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata,
    });
    const invitations = Array.from({ length: INVITED_SCHOOLS }, (_, n) => String(300000 + n)).flatMap((urn) =>
      ['head', 'induction-tutor'].map((role) => ({ invitationId: `${urn}-${role}`, schoolUrn: urn, role })),
    );
    const seed: NewEvent[] = [
      event('SurveyDefined', {
        year: 2025,
        title: 'Annual survey 2025/26',
        opensOn: '2026-06-01',
        closesOn: '2026-07-10',
        questions: [{ id: 'overall', text: 'Overall?', kind: 'rating' }],
        definedOn: '2026-05-20',
      }),
      ...invitations.map((i) =>
        event('SurveyRespondentInvited', {
          ...i,
          tokenHash: `hash-${i.invitationId}`,
          expiresOn: '2026-07-10',
          invitedOn: '2026-06-01',
        }),
      ),
      ...invitations
        .slice(0, RESPONDED)
        .map((i) =>
          event('SurveyResponseSubmitted', { ...i, answers: { overall: 4 }, submittedOn: '2026-06-05' }),
        ),
    ];
    for (let at = 0; at < seed.length; at += 1_000)
      await runtime.eventStore.append(stream, seed.slice(at, at + 1_000));

    const respond = (i: { invitationId: string }) =>
      runner.run({
        streamId: stream,
        id: '2025',
        decider: surveyDecider,
        toDomainEvent: toSurveyEvent,
        context: context(),
        command: {
          type: 'SubmitSurveyResponse',
          data: { tokenHash: `hash-${i.invitationId}`, answers: { overall: 5 }, on: '2026-06-10' },
        },
      });
    const survey = await time(invitations.slice(RESPONDED, RESPONDED + TIMED_RESPONSES), respond);

    // Small streams: an ECT registered, then a progress review on it (the ECT decider, upcasters and all).
    const { createLedgerDomain, ectStreamId } = await import('../../apps/api/src/domain/ledger-domain.js');
    const domain = createLedgerDomain({ hubSchoolUrns: [] });
    const ects = Array.from({ length: SMALL_ECTS }, () => randomUUID());
    const ectRun = (ectId: string, command: unknown) =>
      runner.run({
        streamId: ectStreamId(ectId),
        id: ectId,
        decider: domain.ect,
        toDomainEvent: domain.toEctEvent,
        context: context(),
        command: command as never,
      });
    const register = await time(ects, (ectId) => ectRun(ectId, registration(ectId)));
    const review = await time(ects, (ectId) => ectRun(ectId, progressReview()));

    const streamLength = (await runtime.eventStore.readStream(stream)).length;
    console.log(
      JSON.stringify({
        keptFolds:
          made.commandRunnerFor !== undefined &&
          ((config as { commandFoldCacheEvents?: number }).commandFoldCacheEvents ?? 0) > 0,
        surveyStreamEvents: streamLength,
        surveyResponseMs: survey,
        registerEctMs: register,
        progressReviewMs: review,
      }),
    );
  } finally {
    await runtime.close();
    await database.drop();
  }
}

/** Each call timed in turn; the first is reported apart (it folds the stream from nothing). */
async function time<T>(items: T[], call: (item: T) => Promise<unknown>) {
  const ms: number[] = [];
  for (const item of items) {
    const started = process.hrtime.bigint();
    await call(item);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    process.stderr.write(`${Math.round(ms.at(-1)!)} ms\n`);
  }
  const rest = ms.slice(1).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    first: round(ms[0]!),
    median: round(rest[Math.floor(rest.length / 2)]!),
    max: round(rest.at(-1)!),
  };
}

function registration(ectId: string) {
  return {
    type: 'RegisterEct',
    data: {
      ectId,
      trn: String(1_000_000 + Math.floor(Math.random() * 8_999_999)),
      firstName: 'Bench',
      lastName: 'Teacher',
      dateOfBirth: '1995-03-04',
      email: 'bench@example.org',
      schoolUrn: '100001',
      qtsAwardedOn: '2025-07-15',
      startDate: '2025-09-01',
      fte: 1,
      programme: 'provider-led',
      mentor: { personId: randomUUID(), name: 'Mo Mentor', email: 'mo@example.org', hasQts: true },
      inductionTutor: { personId: randomUUID(), name: 'Tu Tutor', email: 'tu@example.org', hasQts: true },
      on: '2025-08-20',
    },
  };
}

function progressReview() {
  return {
    type: 'SubmitProgressReview',
    data: {
      term: 1,
      reviewedOn: '2025-12-10',
      onTrack: true,
      strengths: 'Planning',
      areasForDevelopment: 'Behaviour',
      on: '2025-12-10',
    },
  };
}

await main();
