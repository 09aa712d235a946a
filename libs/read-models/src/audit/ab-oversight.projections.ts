import type { Projection } from '../projection.js';
import type { EctFoldDeps } from '../entitlements/ect-fold.js';
import { entitlementViewProjection } from '../entitlements/entitlement-view.projection.js';
import { inductionPlanProjection } from '../plans/induction-plan.projection.js';
import { earlyHelpQueueProjection } from '../early-help/early-help-queue.projection.js';
import { trainingProgrammeProjection } from '../training/training-programme.projection.js';
import { panelCasesProjection } from '../panel/panel-cases.projection.js';
import { moderationSampleProjection } from '../moderation/moderation-sample.projection.js';

/** The read models that run the AB (issue 5), each with its own tables and checkpoint. */
export function abOversightProjections(deps: EctFoldDeps): Projection[] {
  return [
    entitlementViewProjection(deps),
    inductionPlanProjection(deps),
    earlyHelpQueueProjection(deps),
    trainingProgrammeProjection,
    panelCasesProjection,
    moderationSampleProjection({ calendar: deps.calendar }),
  ];
}
