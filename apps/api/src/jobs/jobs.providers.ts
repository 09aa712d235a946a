import { AdminProjectionsHttpController, JobsHttpController } from './jobs.http-controller.js';
import { JobsStatusService } from './jobs-status.service.js';

/** The jobs status API for hub staff (issue 7), registered in api.module.ts. */
export const JOBS_CONTROLLERS = [JobsHttpController, AdminProjectionsHttpController];
export const JOBS_PROVIDERS = [JobsStatusService];
