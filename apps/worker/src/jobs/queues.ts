/**
 * The worker's queues, schedulers and job names (shared/design/architecture.md, "Jobs"). Job ids are derived
 * from the fact each job serves (`jobIdOf`), so a sweep that runs twice enqueues nothing new.
 */
import type { ScheduleSpec } from '#jobs/job-queue.port.js';

export const QUEUES = {
  /** Daily and nightly sweeps (job schedulers): reminders, deadline watch, facts time alone creates. */
  sweeps: 'sweeps',
  /** One job per (due item, stage) or (deadline, stage): `reminder`, `deadline-alert`. */
  reminders: 'reminders',
  /** The outbox relay (a scheduler following the event log) and one `notify` job per (event, recipient). */
  outbox: 'outbox',
  notifications: 'notifications',
  /** Projection rebuilds, report generation, bulk uploads: they report progress. */
  long: 'long-jobs',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

export const JOB_NAMES = {
  reminderSweep: 'reminder-sweep',
  deadlineWatch: 'deadline-watch',
  timeFacts: 'time-facts',
  reminder: 'reminder',
  deadlineAlert: 'deadline-alert',
  relay: 'outbox-relay',
  notify: 'notify',
  rebuildProjection: 'rebuild-projection',
} as const;

export const LONDON = 'Europe/London';

export interface SchedulerDefinition {
  queue: QueueName;
  id: string;
  spec: ScheduleSpec;
  name: string;
}

/** Every scheduler the worker keeps. Upserted at start: a restart replaces them, never duplicates. */
export function schedulerDefinitions(options: { relayEveryMs?: number } = {}): SchedulerDefinition[] {
  return [
    {
      queue: QUEUES.sweeps,
      id: 'reminder-sweep.daily',
      spec: { pattern: '0 7 * * *', tz: LONDON },
      name: JOB_NAMES.reminderSweep,
    },
    {
      queue: QUEUES.sweeps,
      id: 'deadline-watch.daily',
      spec: { pattern: '15 7 * * *', tz: LONDON },
      name: JOB_NAMES.deadlineWatch,
    },
    {
      queue: QUEUES.sweeps,
      id: 'time-facts.nightly',
      spec: { pattern: '30 1 * * *', tz: LONDON },
      name: JOB_NAMES.timeFacts,
    },
    {
      queue: QUEUES.outbox,
      id: 'outbox-relay.continuous',
      spec: { everyMs: options.relayEveryMs ?? 2000 },
      name: JOB_NAMES.relay,
    },
  ];
}

/** Tries and back-off of the jobs the sweeps and the relay enqueue: 1 s, 2 s, 4 s, ... (8 tries, about 4 min). */
export const RETRY = { attempts: 8, backoffMs: 1000 } as const;
