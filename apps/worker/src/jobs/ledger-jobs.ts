/**
 * The worker's job processors and schedulers (issue 7): reminders, deadline watch, nightly time facts, the
 * notification outbox and long jobs. They run on `runtime.jobs`: BullMQ when REDIS_URL is set, otherwise the
 * in-process adapter (embedded default only) runs the very same handlers.
 *
 * Flow: projections keep the time-independent due facts (`due-items`); daily sweeps read them with the
 * injected clock and enqueue one job per (fact, stage), its id derived from that fact; each job re-checks the
 * fact on the decrypted stream and records its effect idempotently (`notifications_sent`, derived event ids).
 * The outbox relay follows the event log from a cursor and enqueues one `notify` job per (event, recipient).
 */
import type { Logger } from 'pino';
import { comparePositions, type LogPosition, type RecordedEvent } from '#event-store/event-store.port.js';
import { addDays, isIsoDate, type IsoDate } from '#induction/calendar/calendar-date.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { EctPersonalData, ContactPersonalData } from '#induction/induction/ect.events.js';
import {
  jobIdOf,
  PermanentJobError,
  type JobHandler,
  type Json,
  type RunningJob,
} from '#jobs/job-queue.port.js';
import { systemClock, londonDate, type Clock } from '#platform/clock/clock.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import type { Projection } from '#read-models/projection.js';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import {
  dueFacts,
  REMINDER_KINDS,
  type Audience,
  type StatutoryRule,
} from '#read-models/reminders/due-facts.js';
import { migrateNotificationTables } from '#read-models/notifications/notifications-sent.table.js';
import { earlyHelpCausesAt } from '#induction/early-help/early-help-causes.js';
import { academicYearLabel, type RespondentRole } from '#induction/survey/annual-survey.decider.js';
import { surveyLinkPath, surveyToken } from '../../../api/src/surveys/survey-links.js';
import type { LedgerDomain } from '../../../api/src/domain/ledger-domain.js';
import { notificationIntents, recipientKey, type RecipientRole } from './notification-rules.js';
import { Notifier, notifyEmailSender, type EmailSender } from './notifier.js';
import { SurveyFolds } from './survey-folds.js';
import { ALL_QUEUES, JOB_NAMES, QUEUES, RETRY, schedulerDefinitions } from './queues.js';
import { alertStage, reminderStage } from './stages.js';
import {
  decideFailBecameFinal,
  DEADLINE_WATCH_STREAM,
  EARLY_HELP_CAUSE_DETECTED,
  FAIL_BECAME_FINAL,
  STATUTORY_DEADLINE_MISSED,
  timeFactEventId,
  type EarlyHelpCausesAt,
} from './time-facts.js';

export interface LedgerJobsOptions {
  domain: LedgerDomain;
  projections: readonly Projection[];
  logger: Logger;
  /** Today for the sweeps is `londonDate(clock.now())`. Default: the system clock. */
  clock?: Clock;
  /** Register the schedulers (default true). The processors run either way. */
  schedule?: boolean;
  relayEveryMs?: number;
  /** GOV.UK Notify: key and generic template id; without a key, the log adapter records sends. */
  notify?: { apiKey: string; templateId: string } | { sender: EmailSender; templateId: string } | null;
  /** Early-help causes on a date (time-facts.ts). Default: the domain's `earlyHelpCausesAt`; `null`: none. */
  earlyHelpCausesAt?: EarlyHelpCausesAt | null;
}

export interface SweepResult {
  today: IsoDate;
  enqueued: number;
  alreadyKnown: number;
}

export type LongJobHandler = JobHandler;

export interface LedgerJobs {
  readonly notifier: Notifier;
  /** The daily reminder sweep: one `reminder` job per (due item, stage) due today. */
  sweepReminders(today?: IsoDate): Promise<SweepResult>;
  /** The daily deadline watch: one `deadline-alert` job per (statutory deadline, stage). */
  watchDeadlines(today?: IsoDate): Promise<SweepResult>;
  /** The nightly sweep of facts time alone creates (fail final, early-help causes). */
  recordTimeFacts(today?: IsoDate): Promise<{ today: IsoDate; appended: number }>;
  /** Follows the log from the relay's cursor and enqueues `notify` jobs; returns the events read. */
  relayOutbox(): Promise<number>;
  /** Report generation and bulk upload register their handlers on the long-jobs queue here. */
  registerLongJob(name: string, handler: LongJobHandler): void;
}

const RELAY_CURSOR = 'outbox-relay';
const RELAY_BATCH = 500;
/** A missed deadline is still alerted (and recorded) when the sweep runs up to this many days late. */
const DEADLINE_CATCH_UP_DAYS = 14;
/** Reminders look this far ahead (a week before) and deadline alerts up to 5 working days (+ holidays) ahead. */
const DEADLINE_LOOKAHEAD_DAYS = 21;

const ectStream = (ectId: string) => `ect-${ectId}`;
const schoolStream = (urn: string) => `school-${urn}`;
const str = (data: Json, key: string): string => {
  const value = (data as Record<string, Json>)?.[key];
  if (typeof value !== 'string') throw new PermanentJobError(`job data needs ${key}`);
  return value;
};

export async function startLedgerJobs(
  runtime: LedgerRuntime,
  options: LedgerJobsOptions,
): Promise<LedgerJobs> {
  const { domain, logger } = options;
  const clock = options.clock ?? systemClock;
  const jobs = runtime.jobs;
  const db = runtime.dataSource;
  await migrateNotificationTables(db);

  let email: { sender: EmailSender; templateId: string } | null = null;
  if (options.notify && 'sender' in options.notify) email = options.notify;
  else if (options.notify)
    email = { sender: await notifyEmailSender(options.notify.apiKey), templateId: options.notify.templateId };
  const notifier = new Notifier(db, logger, email);
  const surveyFolds = new SurveyFolds(runtime.eventStore);
  const longJobs = new Map<string, LongJobHandler>();
  const causesAt: EarlyHelpCausesAt | null =
    options.earlyHelpCausesAt === undefined
      ? (state, today) => earlyHelpCausesAt(state, today, domain.calendar)
      : options.earlyHelpCausesAt;
  const todayOf = (data?: Json): IsoDate => {
    const given = (data as Record<string, Json> | null)?.['today'];
    return isIsoDate(given) ? given : londonDate(clock.now());
  };

  // ---- reading the decrypted log --------------------------------------------------------------------------
  async function ectAt(ectId: string, upToEventId?: string) {
    const events = await runtime.eventStore.readStream(ectStream(ectId));
    const end = upToEventId ? events.findIndex((e) => e.eventId === upToEventId) : events.length - 1;
    let state = domain.ect.initialState();
    let failFinalRecorded = false;
    for (const event of events.slice(0, end + 1)) {
      if (event.type === FAIL_BECAME_FINAL) failFinalRecorded = true;
      else state = domain.ect.evolve(state, domain.toEctEvent(event));
    }
    return { events, found: end >= 0, state, failFinalRecorded };
  }

  const emailOf = (state: { people: Readonly<Record<string, unknown>> }, personId: string | null) => {
    if (personId === null) return null;
    const person = state.people[personId] as EctPersonalData | ContactPersonalData | null | undefined;
    return person?.email ?? null;
  };

  /** The address of the school's current contact in a role (head, induction tutor), from its decrypted stream. */
  async function contactEmail(urn: string | null, role: RespondentRole): Promise<string | null> {
    if (urn === null) return null;
    const events = await runtime.eventStore.readStream(schoolStream(urn));
    const school = events
      .map((e) => domain.toSchoolEvent(e))
      .reduce(domain.school.evolve, domain.school.initialState());
    const contact = school.contacts.filter((c) => c.role === role).at(-1);
    return contact ? emailOf(school, contact.personId) : null;
  }
  const headEmail = (urn: string | null) => contactEmail(urn, 'head');

  /** An address (string), none on record (null), or an in-app recipient (undefined). */
  async function addressOf(role: RecipientRole, state: EctState): Promise<string | null | undefined> {
    switch (role) {
      case 'tutor':
        return emailOf(state, state.inductionTutorId);
      case 'ect':
        return emailOf(state, state.ectId);
      case 'head':
        return headEmail(state.leadSchoolUrn);
      case 'employer':
        return null; // R17: no employer contact is on record yet (the AB notifies the head as the school)
      case 'panel':
      case 'hub':
        return undefined;
      case 'respondent':
        return null; // survey respondents are resolved from the survey stream (surveyNotifyJob)
    }
  }

  // ---- sweeps ---------------------------------------------------------------------------------------------
  async function enqueueAll(
    today: IsoDate,
    items: { queue: string; name: string; jobId: string; data: Json }[],
  ) {
    const result: SweepResult = { today, enqueued: 0, alreadyKnown: 0 };
    for (const item of items) {
      const { added } = await jobs.enqueue(item.queue, item.name, item.data, { jobId: item.jobId, ...RETRY });
      if (added) result.enqueued += 1;
      else result.alreadyKnown += 1;
    }
    return result;
  }

  interface DueRow {
    ect_id: string;
    item_key: string;
    kind: string;
    detail: string;
    due_by: string;
    audience: Audience;
    school_urn: string | null;
  }
  const DUE_COLUMNS = `ect_id::text AS ect_id, item_key, kind, detail, to_char(due_by, 'YYYY-MM-DD') AS due_by, audience, school_urn`;

  async function sweepReminders(today = todayOf()): Promise<SweepResult> {
    const rows = (await db.query(
      `SELECT ${DUE_COLUMNS} FROM due_items WHERE kind = ANY($1::text[]) AND due_by <= $2::date ORDER BY due_by, ect_id, item_key`,
      [REMINDER_KINDS, addDays(today, 7)],
    )) as DueRow[];
    const items = rows.flatMap((row) => {
      const stage = reminderStage(row.due_by, today);
      if (stage === null) return [];
      const data = {
        ectId: row.ect_id,
        itemKey: row.item_key,
        kind: row.kind,
        detail: row.detail,
        dueBy: row.due_by,
        audience: row.audience,
        stage,
      };
      const jobId = jobIdOf('reminder', row.ect_id, row.item_key, row.due_by, stage);
      return [{ queue: QUEUES.reminders, name: JOB_NAMES.reminder, jobId, data }];
    });
    return enqueueAll(today, items);
  }

  async function watchDeadlines(today = todayOf()): Promise<SweepResult> {
    const rows = (await db.query(
      `SELECT ${DUE_COLUMNS} FROM due_items WHERE kind = 'statutory-deadline' AND due_by BETWEEN $1::date AND $2::date
       ORDER BY due_by, ect_id, item_key`,
      [addDays(today, -DEADLINE_CATCH_UP_DAYS), addDays(today, DEADLINE_LOOKAHEAD_DAYS)],
    )) as DueRow[];
    const items = rows.flatMap((row) => {
      const stage = alertStage(row.due_by, today);
      if (stage === null) return [];
      const data = {
        ectId: row.ect_id,
        itemKey: row.item_key,
        rule: row.detail,
        dueBy: row.due_by,
        stage,
        schoolUrn: row.school_urn,
      };
      const jobId = jobIdOf('deadline', row.ect_id, row.item_key, row.due_by, stage);
      return [{ queue: QUEUES.reminders, name: JOB_NAMES.deadlineAlert, jobId, data }];
    });
    return enqueueAll(today, items);
  }

  async function recordTimeFacts(today = todayOf()): Promise<{ today: IsoDate; appended: number }> {
    let appended = 0;
    const failures: string[] = [];
    const rows = (await db.query(
      `SELECT ${DUE_COLUMNS} FROM due_items WHERE kind = 'fail-final' AND due_by < $1::date ORDER BY due_by, ect_id`,
      [today],
    )) as DueRow[];
    for (const row of rows) {
      try {
        const { events, state, failFinalRecorded } = await ectAt(row.ect_id);
        const decided = decideFailBecameFinal(state, today, failFinalRecorded);
        if (decided.length === 0) continue;
        const fact = decided[0]!;
        const id = timeFactEventId('fail-final', row.ect_id, fact.data.appealBy);
        await runtime.eventStore.append(
          ectStream(row.ect_id),
          [
            {
              eventId: id,
              type: fact.type,
              schemaVersion: fact.schemaVersion,
              data: fact.data,
              metadata: systemMeta(id),
            },
          ],
          { expectedRevision: events.at(-1)!.streamRevision },
        );
        appended += 1;
      } catch (err) {
        failures.push(row.ect_id);
        logger.warn({ err, ectId: row.ect_id }, 'time facts: fail-final not recorded; the job will retry');
      }
    }
    if (causesAt) {
      const states = (await db.query(
        `SELECT ect_id::text AS ect_id, state FROM due_item_ects WHERE phase IN ('open', 'awaiting-decision')`,
      )) as { ect_id: string; state: EctState }[];
      for (const { ect_id: ectId, state } of states) {
        const events = causesAt(state, today).map((cause) => {
          const id = timeFactEventId('early-help', ectId, cause.cause, cause.since);
          return {
            eventId: id,
            type: EARLY_HELP_CAUSE_DETECTED,
            schemaVersion: 1,
            data: {
              ectId,
              cause: cause.cause,
              rule: cause.rule ?? null,
              since: cause.since,
              detail: cause.detail ?? null,
              detectedOn: today,
              schoolUrn: state.leadSchoolUrn,
            },
            metadata: systemMeta(id),
          };
        });
        for (const event of events) {
          await runtime.eventStore.append(DEADLINE_WATCH_STREAM, [event], { expectedRevision: 'any' });
        }
        appended += events.length;
      }
    }
    if (failures.length > 0) throw new Error(`time facts: ${failures.length} ECT(s) not recorded; retrying`);
    return { today, appended };
  }

  const systemMeta = (id: string) => ({ actor: 'system:jobs', correlationId: id, causationId: id });

  // ---- the outbox relay -----------------------------------------------------------------------------------
  async function readCursor(): Promise<LogPosition | undefined> {
    const rows = (await db.query(
      `SELECT commit_position, prepare_position FROM job_cursors WHERE name = $1`,
      [RELAY_CURSOR],
    )) as { commit_position: string | null; prepare_position: string | null }[];
    const row = rows[0];
    return row?.commit_position && row.prepare_position
      ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }
      : undefined;
  }
  async function writeCursor(position: LogPosition): Promise<void> {
    await db.query(
      `INSERT INTO job_cursors (name, commit_position, prepare_position, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET commit_position = $2, prepare_position = $3, updated_at = now()`,
      [RELAY_CURSOR, position.commit.toString(), position.prepare.toString()],
    );
  }
  // The first start does not notify the history that is already in the log: it starts at its head.
  const head = await runtime.storedEventStore.headPosition();
  await db.query(
    `INSERT INTO job_cursors (name, commit_position, prepare_position) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
    [RELAY_CURSOR, head?.commit.toString() ?? null, head?.prepare.toString() ?? null],
  );

  async function relayOutbox(): Promise<number> {
    let read = 0;
    for (let batch = 0; batch < 20; batch += 1) {
      const after = await readCursor();
      const events: RecordedEvent[] = await runtime.storedEventStore.readAll({
        ...(after ? { after } : {}),
        limit: RELAY_BATCH,
      });
      const fresh = after ? events.filter((e) => comparePositions(e.position, after) > 0) : events;
      if (fresh.length === 0) break;
      for (const event of fresh) {
        for (const intent of notificationIntents(event)) {
          const recipient = recipientKey(intent);
          await jobs.enqueue(
            QUEUES.notifications,
            JOB_NAMES.notify,
            {
              eventId: event.eventId,
              streamId: event.streamId,
              eventType: event.type,
              recipient,
              role: intent.recipient,
              template: intent.template,
            },
            { jobId: jobIdOf('notify', event.eventId, recipient), ...RETRY },
          );
        }
      }
      await writeCursor(fresh.at(-1)!.position);
      read += fresh.length;
      if (events.length < RELAY_BATCH) break;
    }
    return read;
  }

  // ---- handlers -------------------------------------------------------------------------------------------
  async function reminderJob(job: RunningJob): Promise<Json> {
    const ectId = str(job.data, 'ectId');
    const itemKey = str(job.data, 'itemKey');
    const dueBy = str(job.data, 'dueBy');
    const { state, failFinalRecorded } = await ectAt(ectId);
    const fact = dueFacts(state, domain.calendar, failFinalRecorded).find(
      (f) => f.itemKey === itemKey && f.dueBy === dueBy,
    );
    if (!fact) return { skipped: 'no longer due' };
    const details = { itemKey, detail: fact.detail, dueBy, stage: str(job.data, 'stage'), kind: fact.kind };
    const role: RecipientRole = fact.audience === 'school' ? 'tutor' : 'hub';
    const result = await notifier.deliver({
      eventId: job.id,
      recipient: role,
      template: `reminder-${fact.kind}`,
      email: await addressOf(role, state),
      ectId,
      details,
    });
    return { [role]: result };
  }

  const ALERTED: Record<StatutoryRule, RecipientRole[]> = {
    R12: ['tutor', 'hub'],
    R16: ['panel', 'hub'],
    R17: ['hub'],
    R18: ['hub'],
  };

  async function deadlineAlertJob(job: RunningJob): Promise<Json> {
    const ectId = str(job.data, 'ectId');
    const itemKey = str(job.data, 'itemKey');
    const dueBy = str(job.data, 'dueBy');
    const stage = str(job.data, 'stage');
    const rule = str(job.data, 'rule') as StatutoryRule;
    const { state, failFinalRecorded } = await ectAt(ectId);
    const fact = dueFacts(state, domain.calendar, failFinalRecorded).find(
      (f) => f.itemKey === itemKey && f.dueBy === dueBy,
    );
    if (!fact) return { skipped: 'deadline met' };
    const outcome: Record<string, Json> = {};
    if (stage === 'missed' && rule !== 'R18') {
      const id = timeFactEventId('missed', ectId, itemKey, dueBy);
      await runtime.eventStore.append(
        DEADLINE_WATCH_STREAM,
        [
          {
            eventId: id,
            type: STATUTORY_DEADLINE_MISSED,
            schemaVersion: 1,
            data: { rule, ectId, itemKey, dueBy, detectedOn: todayOf(), schoolUrn: state.leadSchoolUrn },
            metadata: systemMeta(job.id),
          },
        ],
        { expectedRevision: 'any' },
      );
      outcome['recorded'] = STATUTORY_DEADLINE_MISSED;
    }
    for (const role of ALERTED[rule] ?? ['hub']) {
      outcome[role] = await notifier.deliver({
        eventId: job.id,
        recipient: role,
        template: `deadline-${rule}`,
        email: await addressOf(role, state),
        ectId,
        details: { rule, itemKey, dueBy, stage },
      });
    }
    return outcome;
  }

  /**
   * A survey invitation or reminder (issue 8): to the invited head or induction tutor, with their personal
   * link, unless they have answered by the time the job runs. One row per (event, recipient) as for the rest.
   */
  async function surveyNotifyJob(job: RunningJob, streamId: string, eventId: string): Promise<Json> {
    const { state, events } = await surveyFolds.at(streamId);
    const event = events.get(eventId);
    if (!event) return { skipped: 'event not in this ledger' };
    const invitation = event.invitationId ? state.invitations[event.invitationId] : undefined;
    if (!invitation || !state.definition) return { skipped: 'no such invitation' };
    if (state.responses[invitation.invitationId] !== undefined) return { skipped: 'already responded' };
    const token = surveyToken(runtime.config.apiTokenSecret, invitation.invitationId);
    const result = await notifier.deliver({
      eventId,
      recipient: str(job.data, 'recipient'),
      template: str(job.data, 'template'),
      email: await contactEmail(invitation.schoolUrn, invitation.role),
      ectId: null,
      details: {
        eventType: event.type,
        year: academicYearLabel(state.definition.year),
        invitationId: invitation.invitationId,
        schoolUrn: invitation.schoolUrn,
        role: invitation.role,
        closesOn: state.definition.closesOn,
      },
      secretDetails: { link: `${runtime.config.publicUrl}${surveyLinkPath(token)}` },
    });
    return { result };
  }

  async function notifyJob(job: RunningJob): Promise<Json> {
    const eventId = str(job.data, 'eventId');
    const streamId = str(job.data, 'streamId');
    const role = str(job.data, 'role') as RecipientRole;
    if (/^survey-\d+$/.test(streamId)) return surveyNotifyJob(job, streamId, eventId);
    const match = /^ect-(.+)$/.exec(streamId);
    if (!match) return { skipped: 'not an ECT stream' };
    const { found, state } = await ectAt(match[1]!, eventId);
    if (!found) return { skipped: 'event not in this ledger' };
    const details: Record<string, string> = { eventType: str(job.data, 'eventType') };
    if (state.decision?.appealBy) details['appealBy'] = state.decision.appealBy;
    const result = await notifier.deliver({
      eventId,
      recipient: str(job.data, 'recipient'),
      template: str(job.data, 'template'),
      email: await addressOf(role, state),
      ectId: match[1]!,
      details,
    });
    return { result };
  }

  async function rebuildJob(job: RunningJob): Promise<Json> {
    const name = str(job.data, 'projection');
    const projection = options.projections.find((p) => p.name === name);
    if (!projection) throw new PermanentJobError(`no projection called ${name}`);
    const result = await rebuildProjection(db, runtime.eventStore, projection, {
      rowCacheRows: runtime.config.rebuildRowCacheRows,
      onProgress: (p) =>
        job.updateProgress({ phase: p.phase, eventsRead: p.eventsRead, eventsApplied: p.eventsApplied }),
    });
    await job.updateProgress({
      phase: 'done',
      eventsRead: result.eventsRead,
      eventsApplied: result.eventsApplied,
    });
    return { eventsRead: result.eventsRead, eventsApplied: result.eventsApplied, seconds: result.seconds };
  }

  const byName =
    (handlers: Record<string, (job: RunningJob) => Promise<Json>>): JobHandler =>
    async (job) => {
      const handler = handlers[job.name];
      if (!handler) throw new PermanentJobError(`no handler for job ${job.name}`);
      return handler(job);
    };

  await jobs.process(
    QUEUES.sweeps,
    byName({
      [JOB_NAMES.reminderSweep]: async (job) => ({ ...(await sweepReminders(todayOf(job.data))) }),
      [JOB_NAMES.deadlineWatch]: async (job) => ({ ...(await watchDeadlines(todayOf(job.data))) }),
      [JOB_NAMES.timeFacts]: async (job) => ({ ...(await recordTimeFacts(todayOf(job.data))) }),
    }),
  );
  await jobs.process(
    QUEUES.reminders,
    byName({ [JOB_NAMES.reminder]: reminderJob, [JOB_NAMES.deadlineAlert]: deadlineAlertJob }),
    {
      concurrency: 4,
    },
  );
  await jobs.process(
    QUEUES.outbox,
    byName({ [JOB_NAMES.relay]: async () => ({ read: await relayOutbox() }) }),
  );
  await jobs.process(QUEUES.notifications, byName({ [JOB_NAMES.notify]: notifyJob }), { concurrency: 4 });
  longJobs.set(JOB_NAMES.rebuildProjection, rebuildJob);
  await jobs.process(
    QUEUES.long,
    async (job) => {
      const handler = longJobs.get(job.name);
      if (!handler) throw new PermanentJobError(`no handler for long job ${job.name}`);
      return (await handler(job)) ?? null;
    },
    { concurrency: 1 },
  );

  if (options.schedule ?? true)
    await registerSchedulers(runtime.jobs, { relayEveryMs: options.relayEveryMs });
  logger.info({ queues: ALL_QUEUES, notify: notifier.channel }, 'job processors running');

  return {
    notifier,
    sweepReminders,
    watchDeadlines,
    recordTimeFacts,
    relayOutbox,
    registerLongJob: (name, handler) => {
      longJobs.set(name, handler);
    },
  };
}

/** Upserts every scheduler: the same ids after a restart replace, never duplicate. */
export async function registerSchedulers(
  jobs: LedgerRuntime['jobs'],
  options: { relayEveryMs?: number | undefined } = {},
): Promise<void> {
  for (const s of schedulerDefinitions(options.relayEveryMs ? { relayEveryMs: options.relayEveryMs } : {})) {
    await jobs.schedule(s.queue, s.id, s.spec, s.name, {});
  }
}
