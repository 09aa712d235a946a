import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';

export const DUE_ITEM_KINDS = [
  'progress-review',
  'formal-assessment',
  'decision',
  'notification',
  'statutory-deadline',
  'fail-final',
] as const;

/** `GET /due-items` filters: what is outstanding, per school, kind and audience; overdue against today. */
export class ListDueItemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @ApiPropertyOptional({ enum: DUE_ITEM_KINDS })
  @IsOptional()
  @IsIn(DUE_ITEM_KINDS, { message: `kind must be one of: ${DUE_ITEM_KINDS.join(', ')}` })
  kind?: (typeof DUE_ITEM_KINDS)[number];

  @ApiPropertyOptional({ enum: ['school', 'ab'], description: 'Who acts on it' })
  @IsOptional()
  @IsIn(['school', 'ab'], { message: 'audience must be school or ab' })
  audience?: 'school' | 'ab';

  @ApiPropertyOptional({ description: 'true: only items due before today; false: only those not yet due' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';

  @AsAtQuery()
  asAt?: string;
}
