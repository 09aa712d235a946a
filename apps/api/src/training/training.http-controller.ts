import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TrainingEvent } from '#induction/training/training-programme.decider.js';
import { Roles } from '../auth/auth.decorators.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { PageQueryDto, setPageLinks, type Page } from '../http/pagination.js';
import { ConfirmGroupsCommand } from './confirm-groups.handler.js';
import { PublishProgrammeCommand } from './publish-programme.handler.js';
import { RecordAttendanceCommand } from './record-attendance.handler.js';
import { TrainingQueries, type TrainingGroupView } from './training-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { ListAttendanceQueryDto, ListTrainingEventsQueryDto } from './training.query.dto.js';
import {
  ConfirmGroupsRequestDto,
  PublishProgrammeRequestDto,
  RecordAttendanceRequestDto,
} from './training.request.dto.js';
import { parseAcademicYear } from './training-writes.js';

const EVENT_CSV = [
  { header: 'Event id', value: (e: TrainingEvent) => e.eventId },
  { header: 'Kind', value: (e: TrainingEvent) => e.kind },
  { header: 'Title', value: (e: TrainingEvent) => e.title },
  { header: 'Date', value: (e: TrainingEvent) => e.date },
  { header: 'Start', value: (e: TrainingEvent) => e.startTime },
  { header: 'End', value: (e: TrainingEvent) => e.endTime },
  { header: 'Audiences', value: (e: TrainingEvent) => e.audiences.join(' ') },
  { header: 'Group', value: (e: TrainingEvent) => e.groupId },
  { header: 'Optional', value: (e: TrainingEvent) => (e.optional ? 'yes' : 'no') },
  { header: 'Where', value: (e: TrainingEvent) => (e.online ? 'Online' : e.location) },
];
const GROUP_CSV = [
  { header: 'Group id', value: (g: TrainingGroupView) => g.groupId },
  { header: 'Name', value: (g: TrainingGroupView) => g.name },
  { header: 'Phase', value: (g: TrainingGroupView) => g.phase },
  { header: 'Facilitator', value: (g: TrainingGroupView) => g.facilitatorName },
  { header: 'ECTs', value: (g: TrainingGroupView) => g.size },
];
type AttendanceItem = {
  eventId: string;
  participantId: string;
  role: string;
  attended: boolean;
  recordedOn: string;
};
const ATTENDANCE_CSV = [
  { header: 'Event id', value: (a: AttendanceItem) => a.eventId },
  { header: 'Participant id', value: (a: AttendanceItem) => a.participantId },
  { header: 'Role', value: (a: AttendanceItem) => a.role },
  { header: 'Attended', value: (a: AttendanceItem) => (a.attended ? 'yes' : 'no') },
  { header: 'Recorded on', value: (a: AttendanceItem) => a.recordedOn },
];

function respond<T>(
  request: Request,
  response: Response,
  page: Page<T>,
  file: string,
  columns: readonly { header: string; value: (row: T) => unknown }[],
) {
  setPageLinks(request, response, page);
  if (!wantsCsv(request)) return page;
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${file}"`);
  return toCsv(columns as never, page.items);
}

/** The hub's training programme (domain.md, last section): events, year-1 phase groups, attendance. */
@ApiTags('Training')
@ApiBearerAuth()
@Controller('training/:year')
export class TrainingHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: TrainingQueries,
    private readonly asAt: AsAtReplays,
  ) {}

  @Post('programme')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Publish the academic year’s events (once, by the start of the year)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  publish(
    @Param('year') year: string,
    @Body() body: PublishProgrammeRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new PublishProgrammeCommand(parseAcademicYear(year), body, ctx));
  }

  @Get('events')
  @ApiOperation({ summary: 'The year’s training events, by date' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async events(
    @Param('year') year: string,
    @Query() query: ListTrainingEventsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.queries.events(parseAcademicYear(year), query);
    return respond(request, response, page, `training-events-${year}.csv`, EVENT_CSV);
  }

  @Get('groups/suggestion')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Suggested year-1 phase groups of about 20 (staff adjust, then confirm)' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  suggestion(@Param('year') year: string) {
    return this.queries.suggestion(parseAcademicYear(year));
  }

  @Post('groups')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Confirm year-1 phase groups: form them with a facilitator, allocate ECTs' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  confirmGroups(
    @Param('year') year: string,
    @Body() body: ConfirmGroupsRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ConfirmGroupsCommand(parseAcademicYear(year), body, ctx));
  }

  @Get('groups')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Year-1 phase groups with their facilitator and ECTs' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async groups(
    @Param('year') year: string,
    @Query() query: PageQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.queries.groups(parseAcademicYear(year), query);
    return respond(request, response, page, `training-groups-${year}.csv`, GROUP_CSV);
  }

  @Post('attendance')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record who attended a training event' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  recordAttendance(
    @Param('year') year: string,
    @Body() body: RecordAttendanceRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordAttendanceCommand(parseAcademicYear(year), body, ctx));
  }

  @Get('attendance')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Attendance recorded, per event and participant' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async attendance(
    @Param('year') year: string,
    @Query() query: ListAttendanceQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const academicYear = parseAcademicYear(year);
    const page = await this.asAt.read(['training-programme'], query.asAt, (view) =>
      this.queries.attendance(academicYear, query, view.manager),
    );
    return respond(request, response, page, `training-attendance-${year}.csv`, ATTENDANCE_CSV);
  }
}
