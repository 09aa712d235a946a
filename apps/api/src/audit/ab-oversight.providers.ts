import type { Provider, Type } from '@nestjs/common';
import { AsAtReplays } from './as-at-replays.js';
import { EntitlementQueries } from '../entitlements/entitlement-queries.js';
import { EntitlementsHttpController } from '../entitlements/entitlements.http-controller.js';
import { PlanQueries } from '../plans/plan-queries.js';
import { PlansHttpController } from '../plans/plans.http-controller.js';

/** The AB's oversight read side (issue 5): one list, so api.module.ts needs only a small edit. */
export const AB_OVERSIGHT_CONTROLLERS: Type[] = [EntitlementsHttpController, PlansHttpController];
export const AB_OVERSIGHT_PROVIDERS: Provider[] = [EntitlementQueries, AsAtReplays, PlanQueries];
