import { BadRequestException, Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { Roles } from '../auth/auth.decorators.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { RecordSchoolServiceCommand } from './service-records.handler.js';
import {
  AgreeSlaRequestDto,
  BookServiceSessionRequestDto,
  RecordSessionAttendanceRequestDto,
  ReviewSlaCommitmentRequestDto,
  ServiceRecordQueryDto,
} from './service-records.requests.dto.js';

const urnPipe = {
  transform(value: string) {
    if (!/^\d{6}$/.test(value)) throw new BadRequestException(['urn must be 6 digits, like 123456']);
    return value;
  },
};
const sessionIdPipe = {
  transform(value: string) {
    if (!/^[A-Za-z0-9-]{1,60}$/.test(value)) throw new BadRequestException(['sessionId is not valid']);
    return value;
  },
};

/** The hub's service record with each school (issue 8): SLA, commitment reviews, training and clinics. */
@ApiTags('Service records')
@ApiBearerAuth()
@Controller('schools/:urn')
export class ServiceRecordsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly asAt: AsAtReplays,
  ) {}

  @Post('slas')
  @Roles('hub_staff')
  @ApiOperation({ summary: "Record the school's two-year service level agreement and its commitments" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  agree(
    @Param('urn', urnPipe) urn: string,
    @Body() body: AgreeSlaRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    const commitments = body.commitments.map(({ id, description, turnaroundWorkingDays }) => ({
      id,
      description,
      ...(turnaroundWorkingDays === undefined ? {} : { turnaroundWorkingDays }),
    }));
    return this.commands.execute(
      new RecordSchoolServiceCommand(urn, { type: 'AgreeSla', data: { ...body, commitments } }, ctx),
    );
  }

  @Post('slas/:slaId/reviews')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Record whether an SLA commitment was met in an academic year' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  review(
    @Param('urn', urnPipe) urn: string,
    @Param('slaId', sessionIdPipe) slaId: string,
    @Body() body: ReviewSlaCommitmentRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(
      new RecordSchoolServiceCommand(urn, { type: 'ReviewSlaCommitment', data: { slaId, ...body } }, ctx),
    );
  }

  @Post('service-sessions')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'The school books induction-tutor training or a drop-in clinic' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  book(
    @Param('urn', urnPipe) urn: string,
    @Body() body: BookServiceSessionRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(
      new RecordSchoolServiceCommand(urn, { type: 'BookServiceSession', data: { ...body } }, ctx),
    );
  }

  @Post('service-sessions/:sessionId/attendance')
  @Roles('hub_staff')
  @ApiOperation({ summary: 'How many of the booked places were attended' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  attend(
    @Param('urn', urnPipe) urn: string,
    @Param('sessionId', sessionIdPipe) sessionId: string,
    @Body() body: RecordSessionAttendanceRequestDto,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.commands.execute(
      new RecordSchoolServiceCommand(
        urn,
        { type: 'RecordSessionAttendance', data: { sessionId, attended: body.attended } },
        ctx,
      ),
    );
  }

  @Get('service-record')
  @Roles('hub_staff')
  @ApiOperation({
    summary: "The school's SLAs, commitment reviews and sessions; ?asAt= for the record as it stood then",
  })
  async record(@Param('urn', urnPipe) urn: string, @Query() query: ServiceRecordQueryDto) {
    return this.asAt.read(['school-service'], query.asAt, async ({ manager }) => {
      const slas = await manager.query(
        `SELECT sla_id AS "slaId", starts_on AS "startsOn", ends_on AS "endsOn", commitments FROM service_slas WHERE school_urn = $1 ORDER BY starts_on`,
        [urn],
      );
      const reviews = await manager.query(
        `SELECT sla_id AS "slaId", commitment_id AS "commitmentId", year, met, note, reviewed_on AS "reviewedOn"
           FROM service_sla_reviews WHERE school_urn = $1 AND ($2::int IS NULL OR year = $2) ORDER BY year, sla_id, commitment_id`,
        [urn, query.year ?? null],
      );
      const sessions = await manager.query(
        `SELECT session_id AS "sessionId", kind, title, held_on AS "heldOn", places, attended
           FROM service_sessions WHERE school_urn = $1 ORDER BY held_on, session_id`,
        [urn],
      );
      return { schoolUrn: urn, slas, reviews, sessions };
    });
  }
}
