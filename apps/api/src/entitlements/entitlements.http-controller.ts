import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { setPageLinks } from '../http/pagination.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { EntitlementQueries, type EctEntitlements, type SchoolEntitlements } from './entitlement-queries.js';
import { ENTITLEMENTS, ListEntitlementsQueryDto } from './list-entitlements.query.dto.js';

const CSV_COLUMNS = [
  { header: 'ECT id', value: (e: EctEntitlements) => e.ectId },
  { header: 'School URN', value: (e: EctEntitlements) => e.schoolUrn },
  { header: 'All met', value: (e: EctEntitlements) => (e.allMet ? 'yes' : 'no') },
  ...ENTITLEMENTS.flatMap((entitlement) => [
    {
      header: entitlement,
      value: (e: EctEntitlements) => e.checks.find((c) => c.entitlement === entitlement)?.status,
    },
    {
      header: `${entitlement} since`,
      value: (e: EctEntitlements) => e.checks.find((c) => c.entitlement === entitlement)?.since,
    },
  ]),
];
const SCHOOL_CSV = [
  { header: 'School URN', value: (s: SchoolEntitlements) => s.schoolUrn },
  { header: 'ECTs', value: (s: SchoolEntitlements) => s.ects },
  { header: 'ECTs with all met', value: (s: SchoolEntitlements) => s.ectsWithAllMet },
  ...ENTITLEMENTS.map((entitlement) => ({
    header: `${entitlement} not met`,
    value: (s: SchoolEntitlements) => s.byEntitlement[entitlement]?.notMet ?? 0,
  })),
];

@ApiTags('Entitlements')
@ApiBearerAuth()
@Controller('entitlements')
export class EntitlementsHttpController {
  constructor(
    private readonly queries: EntitlementQueries,
    private readonly asAt: AsAtReplays,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'R22 statutory entitlements per ECT: each check met, not met or unknown, since when, decided by which event',
  })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListEntitlementsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['entitlement-view'], query.asAt, (view) =>
      this.queries.list(principal, query, view),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="entitlements.csv"');
      return toCsv(CSV_COLUMNS, page.items);
    }
    return page;
  }

  @Get('schools')
  @ApiOperation({ summary: 'R22 entitlements per school: how many ECTs meet each check' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async bySchool(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListEntitlementsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['entitlement-view'], query.asAt, (view) =>
      this.queries.bySchool(principal, query, view),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="entitlements-by-school.csv"');
      return toCsv(SCHOOL_CSV, page.items);
    }
    return page;
  }
}
