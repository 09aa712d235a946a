import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';

export const MODERATION_STATUSES = ['to-check', 'checked', 'returned', 'all'] as const;
const TERM = /^\d{4}-(autumn|spring|summer)$/;

/** `GET /moderation/queue` filters: forms still to check by default. */
export class ListModerationQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MODERATION_STATUSES, default: 'to-check' })
  @IsOptional()
  @IsIn(MODERATION_STATUSES, { message: 'status must be one of: to-check, checked, returned, all' })
  status?: (typeof MODERATION_STATUSES)[number];

  @ApiPropertyOptional({
    example: '2025-autumn',
    description: 'Academic year (its first calendar year) and term',
  })
  @IsOptional()
  @Matches(TERM, { message: 'term must be a year and term, like 2025-autumn' })
  term?: string;

  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @ApiPropertyOptional({ enum: ['progress-review', 'formal-assessment'] })
  @IsOptional()
  @IsIn(['progress-review', 'formal-assessment'], {
    message: 'kind must be progress-review or formal-assessment',
  })
  kind?: string;

  @AsAtQuery()
  asAt?: string;
}

/** `GET /moderation/agreement-rates`: per school, per term, or per school and term. */
export class AgreementRatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['school', 'term', 'school-term'], default: 'school' })
  @IsOptional()
  @IsIn(['school', 'term', 'school-term'], { message: 'by must be one of: school, term, school-term' })
  by?: 'school' | 'term' | 'school-term';

  @ApiPropertyOptional({ example: '2025-autumn' })
  @IsOptional()
  @Matches(TERM, { message: 'term must be a year and term, like 2025-autumn' })
  term?: string;

  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @AsAtQuery()
  asAt?: string;
}
