/** The statuses of api.md's `GET /ects/:id`, also the `status` filter of `GET /ects`. */
export const ECT_STATUSES = [
  'registered',
  'in-progress',
  'paused',
  'awaiting-decision',
  'extended',
  'passed',
  'failed',
  'released',
] as const;
export type EctStatus = (typeof ECT_STATUSES)[number];
