import type { Provider, Type } from '@nestjs/common';
import { ModerationCheckWrites } from './moderation-check-writes.js';
import { ModerationHttpController } from './moderation.http-controller.js';
import { ModerationQueries } from './moderation-queries.js';
import { RecordModerationFindingHandler } from './record-moderation-finding/record-moderation-finding.handler.js';
import { ReturnFormForAmendmentHandler } from './return-form-for-amendment/return-form-for-amendment.handler.js';

/** The moderation slice: one list each, so api.module.ts needs only a small edit. */
export const MODERATION_CONTROLLERS: Type[] = [ModerationHttpController];
export const MODERATION_PROVIDERS: Provider[] = [
  ModerationQueries,
  ModerationCheckWrites,
  RecordModerationFindingHandler,
  ReturnFormForAmendmentHandler,
];
