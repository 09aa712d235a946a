import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { PageQueryDto, setPageLinks } from '../http/pagination.js';
import { AddPanelMembersCommand } from './add-panel-members/add-panel-members.handler.js';
import { AddPanelMembersRequestDto } from './add-panel-members/add-panel-members.request.dto.js';
import { ListPanelCasesQueryDto } from './list-panel-cases.query.dto.js';
import { PanelQueries, type PanelCase } from './panel-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { AssessmentAccessLog } from '../audit/assessment-access-log.js';
import { RecordPanelDecisionCommand } from './record-panel-decision/record-panel-decision.handler.js';
import { RecordPanelDecisionRequestDto } from './record-panel-decision/record-panel-decision.request.dto.js';
import { SchedulePanelMeetingCommand } from './schedule-panel-meeting/schedule-panel-meeting.handler.js';
import { SchedulePanelMeetingRequestDto } from './schedule-panel-meeting/schedule-panel-meeting.request.dto.js';

const CASE_CSV = [
  { header: 'ECT id', value: (c: PanelCase) => c.ectId },
  { header: 'First name', value: (c: PanelCase) => c.firstName },
  { header: 'Last name', value: (c: PanelCase) => c.lastName },
  { header: 'School URN', value: (c: PanelCase) => c.schoolUrn },
  { header: 'Status', value: (c: PanelCase) => c.status },
  { header: 'Recommendation', value: (c: PanelCase) => c.recommendation },
  { header: 'Received on', value: (c: PanelCase) => c.receivedOn },
  { header: 'Representations by', value: (c: PanelCase) => c.representationsBy },
  { header: 'Decision due by (R16)', value: (c: PanelCase) => c.decisionDueBy },
  { header: 'Overdue', value: (c: PanelCase) => (c.overdue ? 'yes' : 'no') },
  { header: 'Outcome', value: (c: PanelCase) => c.outcome },
  { header: 'Decided on', value: (c: PanelCase) => c.decidedOn },
  { header: 'Notify by (R17)', value: (c: PanelCase) => c.notifyBy },
  { header: 'Appeal by (R18)', value: (c: PanelCase) => c.appealBy },
];

/**
 * The AB panel (R15–R18, R21): the cases awaiting a decision with their statutory deadlines, the panel's
 * meetings, and its decisions. Panel members and hub staff only; hub staff schedule meetings.
 */
@ApiTags('AB panel')
@ApiBearerAuth()
@Controller('panel')
export class PanelHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: PanelQueries,
    private readonly asAt: AsAtReplays,
    private readonly access: AssessmentAccessLog,
  ) {}

  @Get('cases')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({
    summary: 'Cases awaiting an AB decision, with R16 decision-due, R17 notify-by and R18 appeal-by dates',
  })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async cases(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListPanelCasesQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['panel-cases'], query.asAt, (view) => this.queries.cases(query, view));
    await this.access.record(
      principal,
      page.items.map((c) => c.ectId),
      'panel-cases-list',
      request,
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="panel-cases.csv"');
      return toCsv(CASE_CSV, page.items);
    }
    return page;
  }

  @Get('cases/:ectId')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({
    summary: 'One ECT’s case: every review, assessment, recommendation and representation the panel reads',
  })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async caseFile(
    @CurrentPrincipal() principal: Principal,
    @Param('ectId') ectId: string,
    @Req() request: Request,
  ) {
    const file = await this.queries.caseFile(ectId);
    await this.access.record(principal, [file.case.ectId], 'panel-case-file', request);
    return file;
  }

  @Get('meetings')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({ summary: 'Panel meetings, latest first, with members, quorum and decisions' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async meetings(
    @Query() query: PageQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.queries.meetings(query);
    setPageLinks(request, response, page);
    return page;
  }

  @Get('meetings/:id')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({ summary: 'One panel meeting' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  meeting(@Param('id') id: string) {
    return this.queries.meeting(id);
  }

  @Post('meetings')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Schedule a panel meeting with its members and quorum (default 3)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  schedule(@Body() body: SchedulePanelMeetingRequestDto, @CommandCtx() ctx: CommandContext) {
    return this.commands.execute(new SchedulePanelMeetingCommand(body, ctx));
  }

  @Post('meetings/:id/members')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Add members to a panel meeting' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  addMembers(
    @Param('id') id: string,
    @Body() body: AddPanelMembersRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new AddPanelMembersCommand(id, body, ctx));
  }

  @Post('meetings/:id/decisions')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({
    summary:
      'Record the panel’s decision on an ECT (R16): quorum present, none from the ECT’s school (R21, 422), rationale and dissent',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The meeting’s revision' })
  recordDecision(
    @Param('id') id: string,
    @Body() body: RecordPanelDecisionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordPanelDecisionCommand(id, body, ctx));
  }
}
