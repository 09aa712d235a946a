import type { Provider, Type } from '@nestjs/common';
import { AsAtReplays } from './as-at-replays.js';
import { EntitlementQueries } from '../entitlements/entitlement-queries.js';
import { EntitlementsHttpController } from '../entitlements/entitlements.http-controller.js';
import { PlanQueries } from '../plans/plan-queries.js';
import { PlansHttpController } from '../plans/plans.http-controller.js';
import { EarlyHelpQueries } from '../early-help/early-help-queries.js';
import { EarlyHelpHttpController } from '../early-help/early-help.http-controller.js';
import { RecordCaseActionHandler } from '../early-help/record-case-action/record-case-action.handler.js';
import { TrainingQueries } from '../training/training-queries.js';
import { TrainingHttpController } from '../training/training.http-controller.js';
import { TrainingWrites } from '../training/training-writes.js';
import { PublishProgrammeHandler } from '../training/publish-programme.handler.js';
import { ConfirmGroupsHandler } from '../training/confirm-groups.handler.js';
import { RecordAttendanceHandler } from '../training/record-attendance.handler.js';
import { DueItemsQueries } from '../reminders/due-items-queries.js';
import { AssessmentAccessLog } from './assessment-access-log.js';
import { AssessmentAccessHttpController } from './assessment-access.http-controller.js';
import { DueItemsHttpController } from '../reminders/due-items.http-controller.js';

/** The AB's oversight read side (issue 5): one list, so api.module.ts needs only a small edit. */
export const AB_OVERSIGHT_CONTROLLERS: Type[] = [
  EntitlementsHttpController,
  PlansHttpController,
  EarlyHelpHttpController,
  TrainingHttpController,
  DueItemsHttpController,
  AssessmentAccessHttpController,
];
export const AB_OVERSIGHT_PROVIDERS: Provider[] = [
  EntitlementQueries,
  AsAtReplays,
  PlanQueries,
  EarlyHelpQueries,
  RecordCaseActionHandler,
  TrainingQueries,
  TrainingWrites,
  PublishProgrammeHandler,
  ConfirmGroupsHandler,
  RecordAttendanceHandler,
  DueItemsQueries,
  AssessmentAccessLog,
];
