import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';

export const ENTITLEMENTS = [
  'programme',
  'induction-tutor-with-qts',
  'mentor-with-qts',
  'mentor-distinct-from-tutor',
  'reduced-timetable',
  'ab-contact',
  'reviews-on-time',
  'assessments-on-time',
] as const;
export const CHECK_STATUSES = ['met', 'not-met', 'unknown'] as const;

export class ListEntitlementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;

  @ApiPropertyOptional({ enum: ENTITLEMENTS, description: 'Only ECTs with this check (in the given status)' })
  @IsOptional()
  @IsIn(ENTITLEMENTS, { message: `entitlement must be one of: ${ENTITLEMENTS.join(', ')}` })
  entitlement?: (typeof ENTITLEMENTS)[number];

  @ApiPropertyOptional({ enum: CHECK_STATUSES })
  @IsOptional()
  @IsIn(CHECK_STATUSES, { message: 'status must be one of: met, not-met, unknown' })
  status?: (typeof CHECK_STATUSES)[number];

  @AsAtQuery()
  asAt?: string;
}
