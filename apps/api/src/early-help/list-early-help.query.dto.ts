import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';

export const EARLY_HELP_CAUSES = [
  'not-on-track',
  'not-on-track-twice',
  'year-1-unsatisfactory',
  'review-overdue',
  'report-overdue',
  'absence-warning',
  'absence-threshold',
  'no-mentor',
  'no-induction-tutor',
  'mentor-is-tutor',
  'timetable-over-limit',
  'fidelity-check-missing',
  'late-registration',
  'low-attendance',
] as const;
export const CASE_STATUSES = ['open', 'resolved', 'all'] as const;

/** `GET /early-help/queue` (api.md): the hub's open cases, oldest first. */
export class ListEarlyHelpQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(CASE_STATUSES, { message: 'status must be one of: open, resolved, all' })
  status?: (typeof CASE_STATUSES)[number];

  @ApiPropertyOptional({ enum: EARLY_HELP_CAUSES, description: 'Only cases with this cause standing' })
  @IsOptional()
  @IsIn(EARLY_HELP_CAUSES, { message: `cause must be one of: ${EARLY_HELP_CAUSES.join(', ')}` })
  cause?: (typeof EARLY_HELP_CAUSES)[number];

  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @AsAtQuery()
  asAt?: string;
}
