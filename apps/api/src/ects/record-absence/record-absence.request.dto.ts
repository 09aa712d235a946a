import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AD_HOC_ABSENCE_REASONS, STATUTORY_LEAVE_REASONS } from '#induction/induction/ect.events.js';
import { IsCalendarDate } from '../../http/validators.js';

export const ABSENCE_REASONS = [...AD_HOC_ABSENCE_REASONS, ...STATUTORY_LEAVE_REASONS];

/**
 * `POST /ects/:id/absences` (api.md). Ad hoc reasons (illness, other) count towards R8's 30 days; statutory
 * leave (R9) never does, and `extendForLeave` is the ECT's choice to extend by it (may be given later).
 */
export class RecordAbsenceRequestDto {
  @ApiProperty({ example: '2026-01-12' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2026-02-20' })
  @IsCalendarDate()
  to!: string;

  @ApiProperty({ example: 30, description: 'Days absent when the ECT was contracted to work' })
  @Type(() => Number)
  @IsInt({ message: 'days must be a whole number of days' })
  @Min(1, { message: 'days must be between 1 and 366' })
  @Max(366, { message: 'days must be between 1 and 366' })
  days!: number;

  @ApiProperty({ enum: ABSENCE_REASONS })
  @IsIn(ABSENCE_REASONS, { message: `reason must be one of ${ABSENCE_REASONS.join(', ')}` })
  reason!: (typeof ABSENCE_REASONS)[number];

  @ApiPropertyOptional({ description: 'R9: statutory leave only: the ECT chooses to extend induction by it' })
  @IsOptional()
  @IsBoolean({ message: 'extendForLeave must be true or false' })
  extendForLeave?: boolean;
}
