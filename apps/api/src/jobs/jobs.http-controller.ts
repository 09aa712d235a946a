import { Controller, Get, Headers, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { JOB_STATES, type JobState } from '#jobs/job-queue.port.js';
import { Roles } from '../auth/auth.decorators.js';
import { JobsStatusService } from './jobs-status.service.js';

const int = (value: string | undefined, fallback: number, min: number, max: number) => {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : fallback;
};

@ApiTags('Jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsHttpController {
  constructor(private readonly jobs: JobsStatusService) {}

  @Get()
  @Roles('hub_staff')
  @ApiOperation({
    summary: 'Queues, job counts, schedulers, failed jobs with reasons and running jobs with progress',
  })
  overview() {
    return this.jobs.overview();
  }

  @Get('notifications')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Notifications sent or recorded (no addresses), newest first' })
  @ApiQuery({ name: 'ectId', required: false })
  notifications(
    @Query('ectId') ectId?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    return this.jobs
      .notifications({
        ...(ectId ? { ectId } : {}),
        limit: int(limit, 50, 1, 500),
        offset: int(offset, 0, 0, 1_000_000),
      })
      .then((items) => ({ items }));
  }

  @Get(':queue')
  @Roles('hub_staff')
  @ApiOperation({ summary: "A queue's jobs in the given states (comma separated), newest first" })
  @ApiQuery({ name: 'state', required: false, description: JOB_STATES.join(', ') })
  async list(
    @Param('queue') queue: string,
    @Query('state') state?: string,
    @Query('start') start?: string,
    @Query('end') end?: string,
  ) {
    const states = (state ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s): s is JobState => (JOB_STATES as readonly string[]).includes(s));
    return {
      items: await this.jobs.list(queue, states, int(start, 0, 0, 100_000), int(end, 49, 0, 100_000)),
    };
  }

  @Get(':queue/:id')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'One job: state, progress, attempts, failure reason' })
  get(@Param('queue') queue: string, @Param('id') id: string) {
    return this.jobs.get(queue, id);
  }

  @Post(':queue/:id/retry')
  @Roles('hub_staff')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry a failed job with a fresh set of attempts' })
  async retry(@Param('queue') queue: string, @Param('id') id: string) {
    if (!(await this.jobs.retry(queue, id))) throw new NotFoundException(`No failed job ${id} in ${queue}`);
    return { queue, id, state: 'waiting' };
  }
}

@ApiTags('Jobs')
@ApiBearerAuth()
@Controller('admin/projections')
export class AdminProjectionsHttpController {
  constructor(private readonly jobs: JobsStatusService) {}

  @Post(':name/rebuild')
  @Roles('hub_staff')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild a read model from the log, as a job reporting its progress' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async rebuild(@Param('name') name: string, @Headers('idempotency-key') key?: string) {
    const requestKey = key && /^[A-Za-z0-9._-]{1,100}$/.test(key) ? key : randomUUID();
    const { queue, jobId, added } = await this.jobs.enqueueRebuild(name, requestKey);
    return { queue, jobId, added, location: `/api/v1/jobs/${queue}/${jobId}` };
  }
}
