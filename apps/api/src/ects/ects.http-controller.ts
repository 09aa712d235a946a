import { Body, Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { setPageLinks } from '../http/pagination.js';
import { EctQueries, type EctView } from './ect-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { ListEctsQueryDto } from './list-ects/list-ects.query.dto.js';
import { RegisterEctCommand } from './register-ect/register-ect.command.js';
import { RegisterEctRequestDto } from './register-ect/register-ect.request.dto.js';

const CSV_COLUMNS = [
  { header: 'ECT id', value: (e: EctView) => e.id },
  { header: 'TRN', value: (e: EctView) => e.trn },
  { header: 'First name', value: (e: EctView) => e.firstName },
  { header: 'Last name', value: (e: EctView) => e.lastName },
  { header: 'School URN', value: (e: EctView) => e.schoolUrn },
  { header: 'Cohort', value: (e: EctView) => e.cohort },
  { header: 'Status', value: (e: EctView) => e['status'] },
  { header: 'FTE', value: (e: EctView) => e['fte'] },
  { header: 'Start date', value: (e: EctView) => e['startDate'] },
  { header: 'Terms served', value: (e: EctView) => e['termsServed'] },
  { header: 'Terms required', value: (e: EctView) => e['termsRequired'] },
  { header: 'Expected end date', value: (e: EctView) => e['expectedEndDate'] },
];

@ApiTags('ECTs')
@ApiBearerAuth()
@Controller('ects')
export class EctsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: EctQueries,
    private readonly asAt: AsAtReplays,
  ) {}

  @Post()
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Register an ECT for induction (R20)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  register(@Body() body: RegisterEctRequestDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new RegisterEctCommand(body, context));
  }

  @Get()
  @ApiOperation({ summary: 'ECTs in your scope, filtered and paged; CSV with Accept: text/csv' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListEctsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['ect-register'], query.asAt, (view) =>
      this.queries.list(principal, query, view),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="ects.csv"');
      return toCsv(CSV_COLUMNS, page.items);
    }
    return page;
  }

  @Get(':id')
  @ApiOperation({ summary: 'An ECT’s induction: status, terms served, absence, what is due, the decision' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // The R23 entry is written by the read's own statement (one round trip).
    const view = await this.queries.getRecorded(principal, parseId(id), request);
    response.setHeader('ETag', `"${view.revision}"`);
    return view;
  }
}

/** An id that is not a UUID cannot name an ECT: 404, like any unknown id. */
function parseId(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new NotFoundException([`No ECT with id ${id}`]);
  }
  return id.toLowerCase();
}
