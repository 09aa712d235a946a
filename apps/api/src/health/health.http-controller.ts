import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import { JOB_QUEUE, type JobQueue } from '#jobs/job-queue.port.js';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import { Public } from '../auth/auth.decorators.js';
import { PROJECTION_STATUS, type ProjectionStatusSource } from './projection-status.js';

/** `GET /health` (api.md): liveness and readiness with each dependency, for a load balancer and for people. */
@ApiTags('Operations')
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_STATUS) private readonly projections: ProjectionStatusSource,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Each dependency: read-model database, event store, job queue, projections' })
  check() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.dataSource.query('SELECT 1');
            return { adapter: this.config.databaseUrl ? 'postgres' : 'pglite' };
          })
          .withTimeout(3000),
      () =>
        this.indicators
          .check('eventStore')
          .attempt(async () => {
            const head = await this.store.headPosition();
            return { adapter: this.config.eventStoreAdapter, head: head ? head.prepare.toString() : null };
          })
          .withTimeout(3000),
      () =>
        this.indicators
          .check('jobs')
          .attempt(async () => {
            await this.jobs.counts('health');
            return { adapter: this.config.redisUrl ? 'bullmq' : 'in-process' };
          })
          .withTimeout(3000),
      async () => {
        const status = this.projections.status();
        const failing = status.filter((p) => p.lastError);
        const data = {
          running: status.length,
          failing: failing.map((p) => ({ name: p.name, error: p.lastError })),
        };
        const session = this.indicators.check('projections');
        return failing.length === 0 ? session.up(data) : session.degraded(data);
      },
    ]);
  }
}
