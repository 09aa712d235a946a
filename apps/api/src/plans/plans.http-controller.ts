import { Controller, Get, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Clock } from '#platform/clock/clock.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CLOCK } from '../domain/clock.token.js';
import { toCsv } from '../http/csv.js';
import { planCalendar, PlanQueries, type PlanView } from './plan-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { AsAtQuery } from '../audit/as-at.query.js';

export const CSV_COLUMNS = [
  { header: 'Date', value: (e: PlanView['entries'][number]) => e.date },
  { header: 'From', value: (e: PlanView['entries'][number]) => e.opensOn },
  { header: 'What', value: (e: PlanView['entries'][number]) => e.title },
  { header: 'Kind', value: (e: PlanView['entries'][number]) => e.kind },
  { header: 'Who', value: (e: PlanView['entries'][number]) => e.who },
  { header: 'Name', value: (e: PlanView['entries'][number]) => e.personName },
  { header: 'ECT id', value: (e: PlanView['entries'][number]) => e.ectId },
  { header: 'Start time', value: (e: PlanView['entries'][number]) => e.startTime },
  { header: 'End time', value: (e: PlanView['entries'][number]) => e.endTime },
  { header: 'Where', value: (e: PlanView['entries'][number]) => e.location },
  { header: 'Optional', value: (e: PlanView['entries'][number]) => (e.optional ? 'yes' : 'no') },
  { header: 'Done', value: (e: PlanView['entries'][number]) => (e.done ? 'yes' : 'no') },
];

/** `?asAt=` on a plan (R23 audit): the plan as the log stood then. */
export class PlanQueryDto {
  @AsAtQuery()
  asAt?: string;
}

const PLAN_PROJECTIONS = ['induction-plan', 'training-programme'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The induction plan (api.md): JSON, `Accept: text/csv` or `Accept: text/calendar` (iCalendar). */
@ApiTags('Induction plan')
@ApiBearerAuth()
@Controller()
export class PlansHttpController {
  constructor(
    private readonly queries: PlanQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly asAt: AsAtReplays,
  ) {}

  @Get('ects/:id/plan')
  @ApiOperation({
    summary: 'Every date an induction tutor needs for this ECT and their mentor, years 1 and 2',
  })
  @ApiProduces('application/json', 'text/csv', 'text/calendar')
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async ect(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: PlanQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!UUID.test(id)) throw new NotFoundException([`No ECT with id ${id}`]);
    const plan = await this.asAt.read(PLAN_PROJECTIONS, query.asAt, (view) =>
      this.queries.forEct(principal, id.toLowerCase(), view.manager),
    );
    return this.respond(plan, `induction-plan-${id}`, request, response);
  }

  @Get('schools/:urn/plan')
  @ApiOperation({
    summary: 'The school’s induction plan: every date for every ECT and mentor, years 1 and 2',
  })
  @ApiProduces('application/json', 'text/csv', 'text/calendar')
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async school(
    @CurrentPrincipal() principal: Principal,
    @Param('urn') urn: string,
    @Query() query: PlanQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!/^\d{6}$/.test(urn)) throw new NotFoundException([`No school with URN ${urn}`]);
    const plan = await this.asAt.read(PLAN_PROJECTIONS, query.asAt, (view) =>
      this.queries.forSchool(principal, urn, view.manager),
    );
    return this.respond(plan, `induction-plan-${urn}`, request, response);
  }

  private respond(plan: PlanView, name: string, request: Request, response: Response) {
    const format = request.accepts(['application/json', 'text/csv', 'text/calendar']);
    if (format === 'text/calendar') {
      response.setHeader('Content-Type', 'text/calendar; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="${name}.ics"`);
      return planCalendar(plan, name, this.clock.now()).toString();
    }
    if (format === 'text/csv') {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      return toCsv(CSV_COLUMNS, plan.entries);
    }
    return plan;
  }
}
