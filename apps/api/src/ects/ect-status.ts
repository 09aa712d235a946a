import { INDUCTION_STATUSES, type InductionStatus } from '#induction/induction/induction-summary.js';

/** The statuses of api.md's `GET /ects/:id` (the domain's), also the `status` filter of `GET /ects`. */
export const ECT_STATUSES = INDUCTION_STATUSES;
export type EctStatus = InductionStatus;
