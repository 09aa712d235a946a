import type { ProjectionStatus } from '#read-models/runner/projection-runner.js';

/** Where /health learns how projections run: the in-process runner, or nothing in an api-only process. */
export interface ProjectionStatusSource {
  status(): ProjectionStatus[];
}
export const PROJECTION_STATUS = Symbol('ProjectionStatus');
export const noProjectionsHere: ProjectionStatusSource = { status: () => [] };
