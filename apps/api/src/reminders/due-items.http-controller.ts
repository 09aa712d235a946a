import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { setPageLinks } from '../http/pagination.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { DueItemsQueries, type DueItemView } from './due-items-queries.js';
import { ListDueItemsQueryDto } from './due-items.query.dto.js';

const CSV_COLUMNS = [
  { header: 'ECT id', value: (d: DueItemView) => d.ectId },
  { header: 'School URN', value: (d: DueItemView) => d.schoolUrn },
  { header: 'Kind', value: (d: DueItemView) => d.kind },
  { header: 'Detail', value: (d: DueItemView) => d.detail },
  { header: 'Due by', value: (d: DueItemView) => d.dueBy },
  { header: 'Audience', value: (d: DueItemView) => d.audience },
  { header: 'Overdue', value: (d: DueItemView) => (d.overdue ? 'yes' : 'no') },
];

@ApiTags('Due items')
@ApiBearerAuth()
@Controller('due-items')
export class DueItemsHttpController {
  constructor(
    private readonly queries: DueItemsQueries,
    private readonly asAt: AsAtReplays,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'What is outstanding for open ECTs in your scope (reviews, assessments, R12–R18 deadlines)',
  })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListDueItemsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['due-items'], query.asAt, (view) =>
      this.queries.list(principal, query, view),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="due-items.csv"');
      return toCsv(CSV_COLUMNS, page.items);
    }
    return page;
  }
}
