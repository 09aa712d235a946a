import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../http/pagination.js';
import { AsAtQuery } from '../../audit/as-at.query.js';
import { ECT_STATUSES, type EctStatus } from '../ect-status.js';

export class ListEctsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @ApiPropertyOptional({ enum: ECT_STATUSES })
  @IsOptional()
  @IsIn(ECT_STATUSES, { message: `status must be one of: ${ECT_STATUSES.join(', ')}` })
  status?: EctStatus;

  @ApiPropertyOptional({ example: '2025/26', description: 'Academic year the induction started' })
  @IsOptional()
  @Matches(/^\d{4}\/\d{2}$/, { message: 'cohort must be an academic year like 2025/26' })
  cohort?: string;

  @AsAtQuery()
  asAt?: string;
}
