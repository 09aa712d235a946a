import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';
import { IsCalendarDate } from '../http/validators.js';

export const PANEL_CASE_STATUSES = ['awaiting-decision', 'decided', 'all'] as const;

/** `GET /panel/cases` filters (api.md): awaiting a decision by default. */
export class ListPanelCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PANEL_CASE_STATUSES, default: 'awaiting-decision' })
  @IsOptional()
  @IsIn(PANEL_CASE_STATUSES, { message: 'status must be one of: awaiting-decision, decided, all' })
  status?: (typeof PANEL_CASE_STATUSES)[number];

  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @ApiPropertyOptional({
    example: '2027-09-30',
    description: 'R16: only cases whose decision is due by then',
  })
  @IsOptional()
  @IsCalendarDate()
  dueBy?: string;

  @ApiPropertyOptional({ enum: ['satisfactory', 'unsatisfactory', 'extension'] })
  @IsOptional()
  @IsIn(['satisfactory', 'unsatisfactory', 'extension'], {
    message: 'recommendation must be one of: satisfactory, unsatisfactory, extension',
  })
  recommendation?: string;

  @ApiPropertyOptional({ description: 'true: only cases past their R16 decision deadline today' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @AsAtQuery()
  asAt?: string;
}
