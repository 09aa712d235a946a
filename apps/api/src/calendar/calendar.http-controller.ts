import { BadRequestException, Body, Controller, Get, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FIRST_CONFIGURABLE_YEAR, LAST_CONFIGURABLE_YEAR } from '#induction/calendar/ab-calendar.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { Roles } from '../auth/auth.decorators.js';
import { CLOCK } from '../domain/clock.token.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { SetAcademicYearTermDatesCommand, SetFteTermDaysCommand } from './calendar.handlers.js';
import { SetAcademicYearTermDatesRequestDto, SetFteTermDaysRequestDto } from './calendar.request.dto.js';
import { CalendarService, parseAcademicYear } from './calendar.service.js';

/**
 * R1: the AB's term calendar, for hub staff only. Writes go to the one `ab-calendar` stream, so its revision
 * is the ETag of `GET /calendar` and what `If-Match` names on a change.
 */
@ApiTags('Calendar')
@ApiBearerAuth()
@Controller('calendar')
@Roles('hub_staff')
export class CalendarHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly calendar: CalendarService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Academic years and their term dates (configured by hub staff, or the R1 defaults)',
  })
  async list(@Res({ passthrough: true }) response: Response) {
    const view = await this.calendar.view(londonDate(this.clock.now()));
    if (view.revision >= 0) response.setHeader('ETag', `"${view.revision}"`);
    return view;
  }

  @Put('academic-years/:year')
  @ApiOperation({
    summary: "Set an academic year's three term dates (R1)",
    description:
      'The year is the one it starts in: `2026` or `2026-27` for 2026/27. Terms must be in order without ' +
      'overlapping, inside 1 September – 31 August, each with at least 30 working days; a term that has ended ' +
      'keeps its dates (422). The same dates again record nothing. Read models are rebuilt with the new dates.',
  })
  @ApiParam({ name: 'year', example: '2026-27' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The calendar revision last read' })
  setTermDates(
    @Param('year') year: string,
    @Body() body: SetAcademicYearTermDatesRequestDto,
    @CommandCtx() context: CommandContext,
  ) {
    const academicYear = parseAcademicYear(year);
    if (
      academicYear === null ||
      academicYear < FIRST_CONFIGURABLE_YEAR ||
      academicYear > LAST_CONFIGURABLE_YEAR
    ) {
      throw new BadRequestException([
        `year must be an academic year from ${FIRST_CONFIGURABLE_YEAR} to ${LAST_CONFIGURABLE_YEAR}, like 2026 or 2026-27 (got ${year})`,
      ]);
    }
    return this.commands.execute(new SetAcademicYearTermDatesCommand(academicYear, body, context));
  }

  @Put('fte-term-days')
  @ApiOperation({ summary: 'Set the school days in one FTE term (R1, default 65)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The calendar revision last read' })
  setFteTermDays(@Body() body: SetFteTermDaysRequestDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new SetFteTermDaysCommand(body.fteTermDays, context));
  }
}
