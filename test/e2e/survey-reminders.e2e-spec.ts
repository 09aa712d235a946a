import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json, RunningJob } from '#jobs/job-queue.port.js';
import { systemClock } from '#platform/clock/clock.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { createLedgerDomain, schoolStreamId } from '../../apps/api/src/domain/ledger-domain.js';
import { invitationIdOf, surveyToken } from '../../apps/api/src/surveys/survey-links.js';
import type { LedgerJobs } from '../../apps/worker/src/jobs/ledger-jobs.js';
import { registerSurveyJobs, SURVEY_JOB_NAMES } from '../../apps/worker/src/jobs/survey-jobs.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 8: a survey invitation and each survey reminder reach every invited head and induction tutor who has
 * not answered, through the notification outbox (the log adapter here), once per event and recipient; the
 * one who answered hears nothing more, and a retried reminder job or relay sends nothing twice.
 */
const YEAR = 2025;
const TODAY = '2026-05-01';
const SCHOOLS = [
  { urn: '281001', name: 'Alder Primary', phase: 'primary', localAuthority: 'Norfolk' },
  { urn: '281002', name: 'Birch Academy', phase: 'secondary', localAuthority: 'Norfolk' },
];

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  event_id: string;
  recipient: string;
  template: string;
  channel: string;
  invitation_id: string;
  details: Record<string, string>;
}

describe('survey invitations and reminders through the notification outbox (issue 8)', () => {
  let t: TestLedger;
  let hub: string;
  const responder = invitationIdOf(YEAR, SCHOOLS[0]!.urn, 'head');
  const q = <T>(sql: string, params: unknown[] = []) =>
    t.ledger.runtime.dataSource.query(sql, params) as Promise<T[]>;
  const sent = (template: string) =>
    q<Row>(
      `SELECT event_id, recipient, template, channel, details->>'invitationId' AS invitation_id, details
         FROM notifications_sent WHERE template = $1 ORDER BY invitation_id`,
      [template],
    );
  const invitees = () =>
    SCHOOLS.flatMap((s) => ['head', 'induction-tutor'].map((role) => invitationIdOf(YEAR, s.urn, role)))
      .filter((id) => id !== responder)
      .sort();
  const reminderJob = async () => {
    const handlers = new Map<string, (job: RunningJob) => Promise<Json | void>>();
    const jobs = { registerLongJob: (name, handler) => handlers.set(name, handler) } as Pick<
      LedgerJobs,
      'registerLongJob'
    > as LedgerJobs;
    await registerSurveyJobs(jobs, t.ledger.runtime, systemClock);
    return handlers.get(SURVEY_JOB_NAMES.reminders)!;
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    hub = await t.token('hub_staff');
    const domain = createLedgerDomain({ hubSchoolUrns: [] });
    let position = '0';
    for (const school of SCHOOLS) {
      const added = await t.http
        .post('/api/v1/schools')
        .set('Authorization', `Bearer ${hub}`)
        .send(school)
        .expect(201);
      position = added.headers['x-log-position'] as string;
      // Head and induction tutor as the register import names them (the email is sealed in the event).
      const streamId = schoolStreamId(school.urn);
      for (const role of ['head', 'induction-tutor'] as const) {
        const events = await t.ledger.runtime.eventStore.readStream(streamId);
        const state = events
          .map((e) => domain.toSchoolEvent(e))
          .reduce(domain.school.evolve, domain.school.initialState());
        const personId = randomUUID();
        const decided = domain.school.decide(
          {
            type: 'NameSchoolContact',
            data: {
              role,
              contact: { personId, name: `${role} ${school.urn}`, email: `${role}@${school.urn}.example` },
              on: TODAY,
            },
          },
          state,
        );
        await t.ledger.runtime.eventStore.append(
          streamId,
          decided.map((e) => ({
            eventId: randomUUID(),
            type: e.type,
            schemaVersion: e.schemaVersion,
            data: e.data as unknown as Record<string, unknown>,
            metadata: { actor: 'test', correlationId: personId, causationId: personId },
          })) as never,
          { expectedRevision: events.at(-1)!.streamRevision },
        );
      }
    }
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      BigInt(position),
      t.ledger.projections.map((p) => p.name),
      60_000,
    );
    expect(fresh).toBe(true);
    await t.http
      .post(`/api/v1/surveys/${YEAR}`)
      .set('Authorization', `Bearer ${hub}`)
      .send({
        title: 'AB quality survey',
        opensOn: '2026-04-01',
        closesOn: '2026-07-15',
        questions: [{ id: 'overall', text: 'How good is the AB service?', kind: 'rating' }],
      })
      .expect(201);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/invitations`)
      .set('Authorization', `Bearer ${hub}`)
      .send({})
      .expect(201);
    const survey = await t.ledger.runtime.eventStore.readStream(`survey-${YEAR}`);
    expect(survey.filter((e) => e.type === 'SurveyRespondentInvited')).toHaveLength(4);
    const token = surveyToken(t.ledger.runtime.config.apiTokenSecret, responder);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token, answers: { overall: 5 } })
      .expect(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sends one invitation to each invitee who has not answered, with no address or link recorded', async () => {
    await t.worker.jobs!.relayOutbox();
    const rows = await until(async () => {
      const r = await sent('survey-invitation');
      return r.length >= 3 && r;
    }, 'three survey invitations');
    expect(rows.map((r) => r.invitation_id)).toEqual(invitees());
    for (const row of rows) {
      expect(row).toMatchObject({ recipient: 'respondent', channel: 'log' });
      expect(row.details).toMatchObject({ year: '2025/26', closesOn: '2026-07-15' });
    }
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('@');
    expect(stored).not.toContain('/survey/');
  });

  it('sends one reminder per non-responding invitee, none to the one who answered, and nothing twice', async () => {
    const run = await reminderJob();
    const job = {
      id: `survey-reminders.${YEAR}.${TODAY}`,
      name: SURVEY_JOB_NAMES.reminders,
      data: { year: YEAR, today: TODAY },
      attempt: 1,
      updateProgress: async () => {},
    };
    await run(job);
    await t.worker.jobs!.relayOutbox();
    const rows = await until(async () => {
      const r = await sent('survey-reminder');
      return r.length >= 3 && r;
    }, 'three survey reminders');
    expect(rows.map((r) => r.invitation_id)).toEqual(invitees());

    // A retried reminder job appends nothing; a relay replayed from the start re-enqueues, and sends nothing.
    await run({ ...job, attempt: 2 });
    await t.ledger.runtime.dataSource.query(
      `UPDATE job_cursors SET commit_position = NULL, prepare_position = NULL WHERE name = 'outbox-relay'`,
    );
    await t.worker.jobs!.relayOutbox();
    await t.worker.jobs!.relayOutbox();
    await new Promise((r) => setTimeout(r, 1500));
    const stream = await t.ledger.runtime.eventStore.readStream(`survey-${YEAR}`);
    expect(stream.filter((e) => e.type === 'SurveyReminderSent')).toHaveLength(3);
    expect((await sent('survey-reminder')).map((r) => r.invitation_id)).toEqual(invitees());
    expect((await sent('survey-invitation')).map((r) => r.invitation_id)).toEqual(invitees());
    const [{ n }] = (await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM notifications_sent WHERE details->>'invitationId' = $1`,
      [responder],
    )) as [{ n: number }];
    expect(n).toBe(0);
  });
});
