import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { JOB_QUEUE, jobIdOf, type JobQueue } from '#jobs/job-queue.port.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { toCsv } from '../http/csv.js';
import { AS_AT_DESCRIPTION, isAsAt } from '../audit/as-at.query.js';
import { QUEUES } from '../../../worker/src/jobs/queues.js';
import { SURVEY_JOB_NAMES } from '../../../worker/src/jobs/survey-jobs.js';
import { surveyYear } from '../surveys/surveys.http-controller.js';
import { annualSurveyPdf } from './annual-survey-pdf.js';
import { AnnualSurveyReportService } from './annual-survey-report.service.js';
import { REPORT_TABLES, reportTable, type ReportTable } from './annual-survey-tables.js';

@ApiTags('Annual survey')
@ApiBearerAuth()
@Controller('reports/annual-survey')
export class AnnualSurveyReportHttpController {
  constructor(
    private readonly reports: AnnualSurveyReportService,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
  ) {}

  @Get(':year')
  @Roles('hub_staff', 'induction_tutor')
  @ApiOperation({
    summary:
      'The annual survey report for the AB and each school: JSON; Accept text/csv (one table, ?table=) or application/pdf',
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiQuery({ name: 'school', required: false, description: "only this school's section" })
  @ApiQuery({
    name: 'table',
    required: false,
    enum: REPORT_TABLES,
    description: 'CSV: which table (default service)',
  })
  @ApiQuery({
    name: 'run',
    required: false,
    description: '"latest": the newest report the generation job made',
  })
  @ApiQuery({
    name: 'asAt',
    required: false,
    example: '2025-12-01',
    description:
      `${AS_AT_DESCRIPTION} The report is built from that replay: its own asAt field (the date its service ` +
      "figures describe) is then the earlier of that date and the year's end. Not with run=latest (400).",
  })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('year', surveyYear) year: number,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('school') school?: string,
    @Query('table') table?: string,
    @Query('run') run?: string,
    @Query('asAt') asAt?: string,
  ) {
    if (asAt !== undefined && !isAsAt(asAt))
      throw new BadRequestException([
        'asAt must be a real date YYYY-MM-DD or a date-time like 2026-01-31T17:00:00Z',
      ]);
    if (table !== undefined && !(REPORT_TABLES as readonly string[]).includes(table))
      throw new BadRequestException([`table must be one of: ${REPORT_TABLES.join(', ')}`]);
    const report = await this.reports.report(principal, year, { school, run, asAt });
    const wanted = request.accepts(['application/json', 'text/csv', 'application/pdf']);
    const name = `annual-survey-${year}${school ? `-${school}` : ''}`;
    if (wanted === 'text/csv') {
      const which = (table ?? 'service') as ReportTable;
      const csv = reportTable(report, which);
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="${name}-${which}.csv"`);
      return toCsv(csv.columns, csv.rows);
    }
    if (wanted === 'application/pdf') {
      const pdf = await annualSurveyPdf(report);
      response.setHeader('Content-Type', 'application/pdf');
      response.setHeader('Content-Disposition', `attachment; filename="${name}.pdf"`);
      response.end(pdf);
      return undefined;
    }
    return report;
  }

  @Post(':year/generations')
  @Roles('hub_staff')
  @HttpCode(202)
  @ApiOperation({ summary: 'Generate the report as a job with progress; read it then with ?run=latest' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async generate(@Param('year', surveyYear) year: number, @Req() request: Request) {
    const key = request.headers['idempotency-key'];
    const requestKey = typeof key === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(key) ? key : randomUUID();
    const jobId = jobIdOf('annual-survey-report', String(year), requestKey);
    const { added } = await this.jobs.enqueue(
      QUEUES.long,
      SURVEY_JOB_NAMES.report,
      { year, today: this.reports.today() },
      { jobId, attempts: 3, backoffMs: 5000 },
    );
    return { queue: QUEUES.long, jobId, added, location: `/api/v1/jobs/${QUEUES.long}/${jobId}` };
  }
}
