import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DataSource, type EntityManager } from 'typeorm';
import { JOB_QUEUE, jobIdOf, type JobQueue } from '#jobs/job-queue.port.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { Public, Roles } from '../auth/auth.decorators.js';
import type { Role } from '../auth/principal.js';
import { CLOCK } from '../domain/clock.token.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { AsAtQuery } from '../audit/as-at.query.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { PageQueryDto, pageBounds, setPageLinks } from '../http/pagination.js';
import { QUEUES } from '../../../worker/src/jobs/queues.js';
import { SURVEY_JOB_NAMES } from '../../../worker/src/jobs/survey-jobs.js';
import { tokenHash } from './survey-links.js';
import {
  DefineSurveyCommand,
  InviteRespondentsCommand,
  SubmitSurveyResponseCommand,
} from './survey.handlers.js';
import {
  DefineSurveyRequestDto,
  InviteRespondentsRequestDto,
  SubmitSurveyResponseRequestDto,
} from './survey.requests.dto.js';

export class RespondentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'only those who have (or have not) responded',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'responded must be true or false' })
  responded?: 'true' | 'false';

  @AsAtQuery()
  asAt?: string;
}

/** `GET /surveys/:year`: the survey, optionally as it stood at a past time (R23). */
export class SurveyQueryDto {
  @AsAtQuery()
  asAt?: string;
}

export const surveyYear = new ParseIntPipe({
  exceptionFactory: () =>
    new BadRequestException(['year must be the year the academic year starts, like 2025']),
});

export interface RespondentView {
  schoolUrn: string;
  schoolName: string | null;
  role: string;
  invitedOn: string;
  expiresOn: string;
  remindersSent: number;
  respondedOn: string | null;
}

const RESPONDENT_CSV = [
  { header: 'School URN', value: (r: RespondentView) => r.schoolUrn },
  { header: 'School', value: (r: RespondentView) => r.schoolName },
  { header: 'Role', value: (r: RespondentView) => r.role },
  { header: 'Invited on', value: (r: RespondentView) => r.invitedOn },
  { header: 'Link expires on', value: (r: RespondentView) => r.expiresOn },
  { header: 'Reminders sent', value: (r: RespondentView) => r.remindersSent },
  { header: 'Responded on', value: (r: RespondentView) => r.respondedOn },
];

/** Respondents of a year's survey with whether each has answered, for the admin page and the API. */
export async function listRespondents(
  dataSource: DataSource | EntityManager,
  year: number,
  options: { skip: number; take: number; responded?: boolean },
): Promise<{ items: RespondentView[]; total: number }> {
  const where = `i.year = $1${options.responded === undefined ? '' : options.responded ? ' AND i.responded_on IS NOT NULL' : ' AND i.responded_on IS NULL'}`;
  const [{ total }] = (await dataSource.query(
    `SELECT count(*)::int AS total FROM survey_invitations i WHERE ${where}`,
    [year],
  )) as [{ total: number }];
  const items = (await dataSource.query(
    `SELECT i.school_urn AS "schoolUrn", s.name AS "schoolName", i.role, i.invited_on AS "invitedOn",
            i.expires_on AS "expiresOn", i.reminders_sent AS "remindersSent", i.responded_on AS "respondedOn"
       FROM survey_invitations i LEFT JOIN schools s ON s.urn = i.school_urn
      WHERE ${where} ORDER BY s.name NULLS LAST, i.school_urn, i.role OFFSET $2 LIMIT $3`,
    [year, options.skip, options.take],
  )) as RespondentView[];
  return { items, total };
}

@ApiTags('Annual survey')
@ApiBearerAuth()
@Controller('surveys')
export class SurveysHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly asAt: AsAtReplays,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':year')
  @Roles('hub_staff')
  @ApiOperation({
    summary: "Define a year's survey: questions (rating 1-5, yes/no, free text), open and close dates",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  define(
    @Param('year', surveyYear) year: number,
    @Body() body: DefineSurveyRequestDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.commands.execute(new DefineSurveyCommand(year, body, context));
  }

  @Get(':year')
  @Roles('hub_staff')
  @ApiOperation({
    summary: "A year's survey: its questions, dates and how many have answered; ?asAt= for then",
  })
  async get(@Param('year', surveyYear) year: number, @Query() query: SurveyQueryDto) {
    const [survey] = (await this.asAt.read(['annual-survey'], query.asAt, ({ manager }) =>
      manager.query(
        `SELECT d.year, d.title, d.opens_on AS "opensOn", d.closes_on AS "closesOn", d.questions,
              (SELECT count(*)::int FROM survey_invitations i WHERE i.year = d.year) AS invited,
              (SELECT count(*)::int FROM survey_invitations i WHERE i.year = d.year AND i.responded_on IS NOT NULL) AS responded
         FROM survey_definitions d WHERE d.year = $1`,
        [year],
      ),
    )) as unknown[];
    if (!survey) throw new BadRequestException([`No survey is defined for ${year}`]);
    return survey;
  }

  @Post(':year/invitations')
  @Roles('hub_staff')
  @ApiOperation({
    summary:
      "Invite every school's head and induction tutor (personal links); repeating adds only new schools",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  invite(
    @Param('year', surveyYear) year: number,
    @Body() body: InviteRespondentsRequestDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.commands.execute(new InviteRespondentsCommand(year, body, context));
  }

  @Get(':year/respondents')
  @Roles('hub_staff')
  @ApiOperation({
    summary: 'Who was invited and who has responded (paged; CSV with Accept: text/csv); ?asAt= for then',
  })
  async respondents(
    @Param('year', surveyYear) year: number,
    @Query() query: RespondentsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { page, pageSize, skip } = pageBounds(query);
    const filter = query.responded === undefined ? undefined : query.responded === 'true';
    const { items, total } = await this.asAt.read(['annual-survey', 'school-directory'], query.asAt, (view) =>
      listRespondents(view.manager, year, {
        skip,
        take: pageSize,
        ...(filter === undefined ? {} : { responded: filter }),
      }),
    );
    const result = { items, page, pageSize, total };
    setPageLinks(request, response, result);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', `attachment; filename="survey-${year}-respondents.csv"`);
      return toCsv(RESPONDENT_CSV, items);
    }
    return result;
  }

  @Post(':year/reminders')
  @Roles('hub_staff')
  @HttpCode(202)
  @ApiOperation({ summary: 'Remind everyone who has not answered (a job; once per day per survey)' })
  async remind(@Param('year', surveyYear) year: number) {
    const today = londonDate(this.clock.now());
    const jobId = jobIdOf('survey-reminders', String(year), today);
    const { added } = await this.jobs.enqueue(
      QUEUES.long,
      SURVEY_JOB_NAMES.reminders,
      { year, today },
      {
        jobId,
        attempts: 3,
        backoffMs: 2000,
      },
    );
    return { queue: QUEUES.long, jobId, added, location: `/api/v1/jobs/${QUEUES.long}/${jobId}` };
  }

  @Post(':year/responses')
  @Public()
  @ApiOperation({
    summary: "A response sent with a personal link: the link's token authenticates it, no account",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  respond(
    @Param('year', surveyYear) year: number,
    @Body() body: SubmitSurveyResponseRequestDto,
    @Req() request: Request,
  ) {
    return this.commands.execute(
      new SubmitSurveyResponseCommand(
        year,
        body,
        respondentContext(body.token, request.headers['idempotency-key']),
      ),
    );
  }
}

/**
 * A respondent has no account: the actor is the invitation's link (by a prefix of its hash, never the token),
 * and the role recorded in the event's metadata says so.
 */
export function respondentContext(token: string, key?: string | string[]): CommandContext {
  const correlationId = randomUUID();
  return {
    principal: {
      userId: `survey-link-${tokenHash(token).slice(0, 16)}`,
      role: 'survey_respondent' as Role,
      schoolUrns: [],
      name: 'Survey respondent',
    },
    correlationId,
    causationId: correlationId,
    idempotencyKey: typeof key === 'string' && key ? key : undefined,
  };
}
