import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { PageQueryDto, setPageLinks } from '../http/pagination.js';
import { AddSimultaneousPostCommand } from './add-simultaneous-post/add-simultaneous-post.handler.js';
import { AddSimultaneousPostRequestDto } from './add-simultaneous-post/add-simultaneous-post.request.dto.js';
import { AssignAbContactCommand } from './assign-ab-contact/assign-ab-contact.handler.js';
import { AssignAbContactRequestDto } from './assign-ab-contact/assign-ab-contact.request.dto.js';
import { ChangeInductionTutorCommand } from './change-induction-tutor/change-induction-tutor.handler.js';
import { ChangeInductionTutorRequestDto } from './change-induction-tutor/change-induction-tutor.request.dto.js';
import { ChangeMentorCommand } from './change-mentor/change-mentor.handler.js';
import { ChangeMentorRequestDto } from './change-mentor/change-mentor.request.dto.js';
import { ChangeWorkingPatternCommand } from './change-working-pattern/change-working-pattern.handler.js';
import { ChangeWorkingPatternRequestDto } from './change-working-pattern/change-working-pattern.request.dto.js';
import { ChooseLeaveExtensionCommand } from './choose-leave-extension/choose-leave-extension.handler.js';
import { ChooseLeaveExtensionRequestDto } from './choose-leave-extension/choose-leave-extension.request.dto.js';
import { CorrectStartDateCommand } from './correct-start-date/correct-start-date.handler.js';
import { CorrectStartDateRequestDto } from './correct-start-date/correct-start-date.request.dto.js';
import { DecideOutcomeCommand } from './decide-outcome/decide-outcome.handler.js';
import { DecideOutcomeRequestDto } from './decide-outcome/decide-outcome.request.dto.js';
import { DetermineAppealCommand } from './determine-appeal/determine-appeal.handler.js';
import { DetermineAppealRequestDto } from './determine-appeal/determine-appeal.request.dto.js';
import { EctAuditTrailQuery } from './ect-audit-trail/ect-audit-trail.query.js';
import { AssessmentAccessLog } from '../audit/assessment-access-log.js';
import { ExtendInductionCommand } from './extend-induction/extend-induction.handler.js';
import { ExtendInductionRequestDto } from './extend-induction/extend-induction.request.dto.js';
import { GrantAssessmentAccessCommand } from './grant-assessment-access/grant-assessment-access.handler.js';
import { GrantAssessmentAccessRequestDto } from './grant-assessment-access/grant-assessment-access.request.dto.js';
import { LodgeAppealCommand } from './lodge-appeal/lodge-appeal.handler.js';
import { LodgeAppealRequestDto } from './lodge-appeal/lodge-appeal.request.dto.js';
import { PauseInductionCommand } from './pause-induction/pause-induction.handler.js';
import { PauseInductionRequestDto } from './pause-induction/pause-induction.request.dto.js';
import { RecordAbsenceCommand } from './record-absence/record-absence.handler.js';
import { RecordAbsenceRequestDto } from './record-absence/record-absence.request.dto.js';
import { RecordFidelityCheckCommand } from './record-fidelity-check/record-fidelity-check.handler.js';
import { RecordFidelityCheckRequestDto } from './record-fidelity-check/record-fidelity-check.request.dto.js';
import { RecordFormalAssessmentCommand } from './record-formal-assessment/record-formal-assessment.handler.js';
import { RecordFormalAssessmentRequestDto } from './record-formal-assessment/record-formal-assessment.request.dto.js';
import { RecordInterimAssessmentCommand } from './record-interim-assessment/record-interim-assessment.handler.js';
import { RecordInterimAssessmentRequestDto } from './record-interim-assessment/record-interim-assessment.request.dto.js';
import { RecordNotificationCommand } from './record-notification/record-notification.handler.js';
import { RecordNotificationRequestDto } from './record-notification/record-notification.request.dto.js';
import { RecordTimetableCommand } from './record-timetable/record-timetable.handler.js';
import { RecordTimetableRequestDto } from './record-timetable/record-timetable.request.dto.js';
import { ReduceInductionCommand } from './reduce-induction/reduce-induction.handler.js';
import { ReduceInductionRequestDto } from './reduce-induction/reduce-induction.request.dto.js';
import { RequestErasureCommand } from './request-erasure/request-erasure.handler.js';
import { RequestErasureRequestDto } from './request-erasure/request-erasure.request.dto.js';
import { ResumeInductionCommand } from './resume-induction/resume-induction.handler.js';
import { ResumeInductionRequestDto } from './resume-induction/resume-induction.request.dto.js';
import { SubmitProgressReviewCommand } from './submit-progress-review/submit-progress-review.handler.js';
import { SubmitProgressReviewRequestDto } from './submit-progress-review/submit-progress-review.request.dto.js';
import { SubmitRepresentationsCommand } from './submit-representations/submit-representations.handler.js';
import { SubmitRepresentationsRequestDto } from './submit-representations/submit-representations.request.dto.js';
import { TransferEctCommand } from './transfer-ect/transfer-ect.handler.js';
import { TransferEctRequestDto } from './transfer-ect/transfer-ect.request.dto.js';
import { WithdrawAbsenceCommand } from './withdraw-absence/withdraw-absence.handler.js';
import { WithdrawAbsenceRequestDto } from './withdraw-absence/withdraw-absence.request.dto.js';

/**
 * Everything that happens to an ECT's induction after registration, one route per domain command
 * (libs/induction/src/induction/ect.commands.ts). Induction tutors act on their own schools' ECTs (another
 * school's ECT is 404, as for reads); the AB's decisions are hub staff's, and the outcome also a panel member's.
 * Every write accepts `Idempotency-Key` and `If-Match` and answers with `ETag` and `X-Log-Position`.
 */
@ApiTags('ECT induction')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The revision you last read, e.g. "3" (412 if stale)',
})
@Controller('ects/:id')
export class EctLifecycleHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly auditTrail: EctAuditTrailQuery,
    private readonly access: AssessmentAccessLog,
  ) {}

  @Post('progress-reviews')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Submit a progress review (R11; support plan when not on track, R14)' })
  submitProgressReview(
    @Param('id') id: string,
    @Body() body: SubmitProgressReviewRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new SubmitProgressReviewCommand(id, body, ctx));
  }

  @Post('assessments')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({
    summary: 'Record a formal assessment (R12); the final one is the head’s recommendation (R15)',
  })
  recordFormalAssessment(
    @Param('id') id: string,
    @Body() body: RecordFormalAssessmentRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordFormalAssessmentCommand(id, body, ctx));
  }

  @Post('interim-assessments')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Record an interim assessment (R13)' })
  recordInterimAssessment(
    @Param('id') id: string,
    @Body() body: RecordInterimAssessmentRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordInterimAssessmentCommand(id, body, ctx));
  }

  @Post('absences')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Record an absence (R8 ad hoc, R9 statutory leave with the ECT’s choice)' })
  recordAbsence(
    @Param('id') id: string,
    @Body() body: RecordAbsenceRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordAbsenceCommand(id, body, ctx));
  }

  @Post('absences/:absenceId/leave-extension-choice')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Record the ECT’s choice to extend by statutory leave (R9)' })
  chooseLeaveExtension(
    @Param('id') id: string,
    @Param('absenceId') absenceId: string,
    @Body() body: ChooseLeaveExtensionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ChooseLeaveExtensionCommand(id, absenceId, body, ctx));
  }

  @Post('absences/:absenceId/withdrawal')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Withdraw a wrongly recorded absence (a correction, never an edit)' })
  withdrawAbsence(
    @Param('id') id: string,
    @Param('absenceId') absenceId: string,
    @Body() body: WithdrawAbsenceRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new WithdrawAbsenceCommand(id, absenceId, body, ctx));
  }

  @Post('pause')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Pause induction (statutory leave or other)' })
  pause(@Param('id') id: string, @Body() body: PauseInductionRequestDto, @CommandCtx() ctx: CommandContext) {
    return this.commands.execute(new PauseInductionCommand(id, body, ctx));
  }

  @Post('resume')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Resume a paused induction' })
  resume(
    @Param('id') id: string,
    @Body() body: ResumeInductionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ResumeInductionCommand(id, body, ctx));
  }

  @Post('extensions')
  @Roles('hub_staff', 'panel_member')
  @ApiOperation({ summary: 'Extend induction by FTE terms (R19)' })
  extend(
    @Param('id') id: string,
    @Body() body: ExtendInductionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ExtendInductionCommand(id, body, ctx));
  }

  @Post('outcome')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({
    summary: 'The AB’s decision: pass, fail or extend (R16; R21 own-school panel members refused)',
  })
  decideOutcome(
    @Param('id') id: string,
    @Body() body: DecideOutcomeRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new DecideOutcomeCommand(id, body, ctx));
  }

  @Post('transfers')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'The ECT leaves a post: to another school with this AB, or released' })
  transfer(@Param('id') id: string, @Body() body: TransferEctRequestDto, @CommandCtx() ctx: CommandContext) {
    return this.commands.execute(new TransferEctCommand(id, body, ctx));
  }

  @Post('working-patterns')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Change the FTE from a date (R4)' })
  changeWorkingPattern(
    @Param('id') id: string,
    @Body() body: ChangeWorkingPatternRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ChangeWorkingPatternCommand(id, body, ctx));
  }

  @Post('posts')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Add a simultaneous post (R7)' })
  addSimultaneousPost(
    @Param('id') id: string,
    @Body() body: AddSimultaneousPostRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new AddSimultaneousPostCommand(id, body, ctx));
  }

  @Post('reduction')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Reduce induction for prior experience (R6)' })
  reduce(
    @Param('id') id: string,
    @Body() body: ReduceInductionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ReduceInductionCommand(id, body, ctx));
  }

  @Post('representations')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'The ECT’s written representations on the recommendation (R15)' })
  submitRepresentations(
    @Param('id') id: string,
    @Body() body: SubmitRepresentationsRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new SubmitRepresentationsCommand(id, body, ctx));
  }

  @Post('notifications')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record who was told of the decision (R17)' })
  recordNotification(
    @Param('id') id: string,
    @Body() body: RecordNotificationRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordNotificationCommand(id, body, ctx));
  }

  @Post('appeals')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record the ECT’s notice of appeal to the TRA (R18)' })
  lodgeAppeal(
    @Param('id') id: string,
    @Body() body: LodgeAppealRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new LodgeAppealCommand(id, body, ctx));
  }

  @Post('appeals/determination')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record the TRA’s determination of the appeal (R18)' })
  determineAppeal(
    @Param('id') id: string,
    @Body() body: DetermineAppealRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new DetermineAppealCommand(id, body, ctx));
  }

  @Post('mentor')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Change the mentor from a date (R22)' })
  changeMentor(
    @Param('id') id: string,
    @Body() body: ChangeMentorRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ChangeMentorCommand(id, body, ctx));
  }

  @Post('induction-tutor')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Change the induction tutor from a date (R22)' })
  changeInductionTutor(
    @Param('id') id: string,
    @Body() body: ChangeInductionTutorRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new ChangeInductionTutorCommand(id, body, ctx));
  }

  @Post('ab-contact')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Name the ECT’s AB contact (R22, 2.28)' })
  assignAbContact(
    @Param('id') id: string,
    @Body() body: AssignAbContactRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new AssignAbContactCommand(id, body, ctx));
  }

  @Post('corrections/start-date')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Correct the start date (a new event with a reason, never an edit; R20)' })
  correctStartDate(
    @Param('id') id: string,
    @Body() body: CorrectStartDateRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new CorrectStartDateCommand(id, body, ctx));
  }

  @Post('fidelity-checks')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record the fidelity check of a school-led programme (R22)' })
  recordFidelityCheck(
    @Param('id') id: string,
    @Body() body: RecordFidelityCheckRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordFidelityCheckCommand(id, body, ctx));
  }

  @Post('timetables')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({ summary: 'Record the ECT’s timetable from a date (R22: 90% / 95%)' })
  recordTimetable(
    @Param('id') id: string,
    @Body() body: RecordTimetableRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RecordTimetableCommand(id, body, ctx));
  }

  @Post('assessment-access')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record who may see the ECT’s assessments (R23)' })
  grantAssessmentAccess(
    @Param('id') id: string,
    @Body() body: GrantAssessmentAccessRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new GrantAssessmentAccessCommand(id, body, ctx));
  }

  @Post('erasure-requests')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record a request to erase a person’s data (R23: after 6 years’ retention)' })
  requestErasure(
    @Param('id') id: string,
    @Body() body: RequestErasureRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(new RequestErasureCommand(id, body, ctx));
  }

  @Get('events')
  @ApiOperation({ summary: 'The ECT’s audit trail: who did what, when and why, oldest first, paged' })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = await this.auditTrail.list(principal, id, query);
    await this.access.record(principal, [id.toLowerCase()], 'ect-history', request);
    setPageLinks(request, response, page);
    return page;
  }
}
