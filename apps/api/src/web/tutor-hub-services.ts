/**
 * What the tutor's and hub staff's pages use beyond `WebServices`: the plan, entitlement, jobs and bulk-upload
 * services the JSON API uses, taken from the same Nest container (so the pages answer exactly as the API).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '#platform/config/app-config.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import {
  EntitlementEntity,
  entitlementsOn,
  type EntitlementStatus,
} from '#read-models/entitlements/entitlement-view.projection.js';
import { BulkUploadService } from '../bulk-upload/bulk-upload.service.js';
import { EntitlementQueries } from '../entitlements/entitlement-queries.js';
import { JobsStatusService } from '../jobs/jobs-status.service.js';
import { PlanQueries } from '../plans/plan-queries.js';
import { PanelQueries } from '../panel/panel-queries.js';
import { EarlyHelpQueries } from '../early-help/early-help-queries.js';
import { ModerationQueries } from '../moderation/moderation-queries.js';

export interface TutorHubServices {
  readonly plans: PlanQueries;
  readonly entitlements: EntitlementQueries;
  readonly jobs: JobsStatusService;
  readonly uploads: BulkUploadService;
  /** The hub's queues, for the dashboard's counts: panel cases, early help, moderation. */
  readonly panel: PanelQueries;
  readonly earlyHelp: EarlyHelpQueries;
  readonly moderation: ModerationQueries;
  /** One ECT's R22 checks on `today` from the entitlement view; the caller has already checked scope. */
  entitlementsOf(ectId: string, today: string): Promise<EntitlementStatus[]>;
  /** Waits (bounded) until the read models show a write outside the command bus (a confirmed upload). */
  waitFor(logPosition: bigint | null): Promise<void>;
}

export function tutorHubServices(
  app: INestApplicationContext,
  config: AppConfig,
  projectionNames: readonly string[],
): TutorHubServices {
  const dataSource = app.get(DataSource);
  const freshness = app.get(ReadModelFreshness);
  return {
    plans: app.get(PlanQueries),
    entitlements: app.get(EntitlementQueries),
    jobs: app.get(JobsStatusService),
    uploads: app.get(BulkUploadService),
    panel: app.get(PanelQueries),
    earlyHelp: app.get(EarlyHelpQueries),
    moderation: app.get(ModerationQueries),
    async entitlementsOf(ectId, today) {
      const row = await dataSource.getRepository(EntitlementEntity).findOne({ where: { ectId } });
      return row ? entitlementsOn(row, today) : [];
    },
    async waitFor(logPosition) {
      if (logPosition !== null)
        await freshness.waitFor(logPosition, projectionNames, config.readWaitTimeoutMs);
    },
  };
}
