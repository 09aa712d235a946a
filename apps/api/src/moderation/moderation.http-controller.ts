import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { toCsv, wantsCsv } from '../http/csv.js';
import { setPageLinks } from '../http/pagination.js';
import { AgreementRatesQueryDto, ListModerationQueueQueryDto } from './list-moderation-queue.query.dto.js';
import { ModerationQueries, type AgreementRate, type ModerationForm } from './moderation-queries.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { AssessmentAccessLog } from '../audit/assessment-access-log.js';
import { RecordModerationFindingCommand } from './record-moderation-finding/record-moderation-finding.handler.js';
import { RecordModerationFindingRequestDto } from './record-moderation-finding/record-moderation-finding.request.dto.js';
import { ReturnFormForAmendmentCommand } from './return-form-for-amendment/return-form-for-amendment.handler.js';
import { ReturnFormForAmendmentRequestDto } from './return-form-for-amendment/return-form-for-amendment.request.dto.js';

const QUEUE_CSV = [
  { header: 'Form id', value: (f: ModerationForm) => f.formId },
  { header: 'ECT id', value: (f: ModerationForm) => f.ectId },
  { header: 'First name', value: (f: ModerationForm) => f.firstName },
  { header: 'Last name', value: (f: ModerationForm) => f.lastName },
  { header: 'School URN', value: (f: ModerationForm) => f.schoolUrn },
  { header: 'Kind', value: (f: ModerationForm) => f.kind },
  { header: 'Term', value: (f: ModerationForm) => f.term },
  { header: 'Submitted on', value: (f: ModerationForm) => f.submittedOn },
  { header: 'Why sampled', value: (f: ModerationForm) => f.reason },
  { header: 'Verdict', value: (f: ModerationForm) => f.verdict },
  { header: 'Returned', value: (f: ModerationForm) => (f.returned ? 'yes' : 'no') },
];
const RATES_CSV = [
  { header: 'School URN', value: (r: AgreementRate) => r.schoolUrn },
  { header: 'Term', value: (r: AgreementRate) => r.term },
  { header: 'Checked', value: (r: AgreementRate) => r.checked },
  { header: 'Agreed', value: (r: AgreementRate) => r.agreed },
  { header: 'Disagreed', value: (r: AgreementRate) => r.disagreed },
  { header: 'Agreement rate', value: (r: AgreementRate) => r.rate },
];

/**
 * Moderation (domain.md, "The hub's own service"): each term's sample of submitted reviews and assessments,
 * moderators' findings, forms returned to schools, and agreement rates per school and per term.
 */
@ApiTags('Moderation')
@ApiBearerAuth()
@Controller('moderation')
export class ModerationHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ModerationQueries,
    private readonly asAt: AsAtReplays,
    private readonly access: AssessmentAccessLog,
  ) {}

  @Get('queue')
  @Roles('moderator', 'hub_staff')
  @ApiOperation({ summary: 'The moderation sample: forms to check (filter by status, term, school, kind)' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async queue(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListModerationQueueQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['moderation-sample'], query.asAt, (view) =>
      this.queries.queue(query, view.manager),
    );
    await this.access.record(
      principal,
      page.items.map((f) => f.ectId),
      'moderation-queue',
      request,
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="moderation-queue.csv"');
      return toCsv(QUEUE_CSV, page.items);
    }
    return page;
  }

  @Get('agreement-rates')
  @Roles('moderator', 'hub_staff')
  @ApiOperation({ summary: 'How often moderators agree with schools, per school, per term or both' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async agreementRates(
    @Query() query: AgreementRatesQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.asAt.read(['moderation-sample'], query.asAt, (view) =>
      this.queries.agreementRates(query, view.manager),
    );
    setPageLinks(request, response, page);
    if (wantsCsv(request)) {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="moderation-agreement-rates.csv"');
      return toCsv(RATES_CSV, page.items);
    }
    return page;
  }

  @Get('checks/:id')
  @Roles('moderator', 'hub_staff')
  @ApiOperation({ summary: 'One sampled form with the school’s judgement and any finding' })
  @ApiHeader({ name: 'X-Min-Log-Position', required: false })
  async check(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: Request) {
    const form = await this.queries.form(id);
    await this.access.record(principal, [form.ectId], 'moderation-form', request);
    return form;
  }

  @Post('checks/:id')
  @Roles('moderator', 'hub_staff')
  @ApiOperation({ summary: 'Record a moderator’s finding: agree or disagree, with feedback' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  recordFinding(
    @Param('id') id: string,
    @Body() body: RecordModerationFindingRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordModerationFindingCommand(id, body, ctx));
  }

  @Post('checks/:id/return')
  @Roles('moderator', 'hub_staff')
  @ApiOperation({ summary: 'Return a sampled form to the school for amendment' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  returnForm(
    @Param('id') id: string,
    @Body() body: ReturnFormForAmendmentRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ReturnFormForAmendmentCommand(id, body, ctx));
  }
}
