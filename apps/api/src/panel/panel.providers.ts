import type { Provider, Type } from '@nestjs/common';
import { AddPanelMembersHandler } from './add-panel-members/add-panel-members.handler.js';
import { PanelHttpController } from './panel.http-controller.js';
import { PanelMeetingWrites } from './panel-meeting-writes.js';
import { PanelQueries } from './panel-queries.js';
import { RecordPanelDecisionHandler } from './record-panel-decision/record-panel-decision.handler.js';
import { SchedulePanelMeetingHandler } from './schedule-panel-meeting/schedule-panel-meeting.handler.js';

/** The AB panel slice: one list each, so api.module.ts needs only a small edit. */
export const PANEL_CONTROLLERS: Type[] = [PanelHttpController];
export const PANEL_PROVIDERS: Provider[] = [
  PanelQueries,
  PanelMeetingWrites,
  SchedulePanelMeetingHandler,
  AddPanelMembersHandler,
  RecordPanelDecisionHandler,
];
