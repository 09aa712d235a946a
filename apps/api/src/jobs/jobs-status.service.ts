import { Inject, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  JOB_QUEUE,
  JOB_STATES,
  jobIdOf,
  type JobQueue,
  type JobState,
  type JobView,
} from '#jobs/job-queue.port.js';
import {
  countNotifications,
  listNotifications,
  migrateNotificationTables,
  type SentNotification,
} from '#read-models/notifications/notifications-sent.table.js';
import { QUERY_PROJECTIONS } from '../http/read-your-writes.interceptor.js';
import { ALL_QUEUES, JOB_NAMES, QUEUES } from '../../../worker/src/jobs/queues.js';

export interface QueueStatus {
  name: string;
  counts: Record<JobState, number>;
  schedulers: Awaited<ReturnType<JobQueue['schedulers']>>;
  /** Newest first: failed jobs with their reasons, and what is running now (with progress). */
  failed: JobView[];
  active: JobView[];
}

/** What hub staff see of the jobs (issue 7): queues, counts, failures with reasons, progress; retry a failure. */
@Injectable()
export class JobsStatusService implements OnModuleInit {
  constructor(
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly dataSource: DataSource,
    @Inject(QUERY_PROJECTIONS) private readonly projectionNames: string[],
  ) {}

  async onModuleInit(): Promise<void> {
    // The worker creates the table too; an api-only process must still answer before it has run.
    await migrateNotificationTables(this.dataSource).catch(() => undefined);
  }

  assertQueue(queue: string): void {
    if (!(ALL_QUEUES as readonly string[]).includes(queue))
      throw new NotFoundException(`No queue called ${queue}`);
  }

  async overview(): Promise<{ queues: QueueStatus[] }> {
    const queues = await Promise.all(
      ALL_QUEUES.map(async (name) => ({
        name,
        counts: await this.jobs.counts(name),
        schedulers: await this.jobs.schedulers(name),
        failed: await this.jobs.list(name, { states: ['failed'], start: 0, end: 49 }),
        active: await this.jobs.list(name, { states: ['active'], start: 0, end: 49 }),
      })),
    );
    return { queues };
  }

  async list(queue: string, states: JobState[], start: number, end: number): Promise<JobView[]> {
    this.assertQueue(queue);
    return this.jobs.list(queue, { states: states.length > 0 ? states : [...JOB_STATES], start, end });
  }

  async get(queue: string, id: string): Promise<JobView> {
    this.assertQueue(queue);
    const all = await this.jobs.list(queue, { states: [...JOB_STATES], start: 0, end: -1 });
    const job = all.find((j) => j.id === id);
    if (!job) throw new NotFoundException(`No job ${id} in ${queue}`);
    return job;
  }

  async retry(queue: string, id: string): Promise<boolean> {
    this.assertQueue(queue);
    return this.jobs.retry(queue, id);
  }

  notifications(options: { ectId?: string; limit?: number; offset?: number }): Promise<SentNotification[]> {
    return listNotifications(this.dataSource, options);
  }

  notificationCount(options: { ectId?: string } = {}): Promise<number> {
    return countNotifications(this.dataSource, options);
  }

  /** Enqueues a rebuild; the id is derived from the request (Idempotency-Key), so a resent request adds nothing. */
  async enqueueRebuild(
    name: string,
    requestKey: string,
  ): Promise<{ queue: string; jobId: string; added: boolean }> {
    if (!this.projectionNames.includes(name)) throw new NotFoundException(`No projection called ${name}`);
    const jobId = jobIdOf('rebuild', name, requestKey);
    const { added } = await this.jobs.enqueue(
      QUEUES.long,
      JOB_NAMES.rebuildProjection,
      { projection: name },
      {
        jobId,
        attempts: 3,
        backoffMs: 5000,
      },
    );
    return { queue: QUEUES.long, jobId, added };
  }
}
