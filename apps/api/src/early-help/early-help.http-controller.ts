import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../auth/auth.decorators.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { setPageLinks } from '../http/pagination.js';
import { EarlyHelpQueries, type EarlyHelpCaseSummary } from './early-help-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { ListEarlyHelpQueryDto } from './list-early-help.query.dto.js';
import { RecordCaseActionCommand } from './record-case-action/record-case-action.handler.js';
import { RecordCaseActionRequestDto } from './record-case-action/record-case-action.request.dto.js';

const CSV_COLUMNS = [
  { header: 'Case id', value: (c: EarlyHelpCaseSummary) => c.caseId },
  { header: 'ECT', value: (c: EarlyHelpCaseSummary) => c.ectName },
  { header: 'School URN', value: (c: EarlyHelpCaseSummary) => c.schoolUrn },
  { header: 'Status', value: (c: EarlyHelpCaseSummary) => c.status },
  { header: 'Opened on', value: (c: EarlyHelpCaseSummary) => c.openedOn },
  { header: 'Due by', value: (c: EarlyHelpCaseSummary) => c.dueBy },
  { header: 'Overdue', value: (c: EarlyHelpCaseSummary) => (c.overdue ? 'yes' : 'no') },
  {
    header: 'Causes',
    value: (c: EarlyHelpCaseSummary) =>
      c.openCauses.map((cause) => `${cause.cause} (${cause.rule}) since ${cause.since}`).join('; '),
  },
  { header: 'Last action', value: (c: EarlyHelpCaseSummary) => c.lastAction?.kind },
  { header: 'Last action on', value: (c: EarlyHelpCaseSummary) => c.lastAction?.recordedOn },
  { header: 'Resolved on', value: (c: EarlyHelpCaseSummary) => c.resolvedOn },
  { header: 'Resolution', value: (c: EarlyHelpCaseSummary) => c.resolution },
];

/** The hub's early help (api.md): ECTs at risk and what the hub did about it. Hub staff only. */
@ApiTags('Early help')
@ApiBearerAuth()
@Controller('early-help')
export class EarlyHelpHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: EarlyHelpQueries,
    private readonly asAt: AsAtReplays,
  ) {}

  @Get('queue')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Early-help cases (default: open), oldest first, each with its causes' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async queue(
    @Query() query: ListEarlyHelpQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['early-help-queue'], query.asAt, (view) =>
      this.queries.list(query, view),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="early-help-queue.csv"');
      return toCsv(CSV_COLUMNS, page.items);
    }
    return page;
  }

  @Get('cases/:id')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'One ECT’s early-help case: causes, actions, resolution' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  get(@Param('id') id: string) {
    return this.queries.get(id);
  }

  @Post('cases/:id/actions')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record what the hub did: contact, support plan, note, or close with a reason' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  record(
    @Param('id') id: string,
    @Body() body: RecordCaseActionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordCaseActionCommand(id, body, ctx));
  }
}
