import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { TRAINING_EVENT_KINDS } from '#induction/training/training-programme.decider.js';
import { PageQueryDto } from '../http/pagination.js';
import { AsAtQuery } from '../audit/as-at.query.js';

const ID = /^[a-z0-9][a-z0-9-]{0,59}$/;

export class ListTrainingEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TRAINING_EVENT_KINDS })
  @IsOptional()
  @IsIn(TRAINING_EVENT_KINDS, { message: `kind must be one of: ${TRAINING_EVENT_KINDS.join(', ')}` })
  kind?: string;

  @ApiPropertyOptional({ example: 'primary-1' })
  @IsOptional()
  @Matches(ID, { message: 'groupId must be lower-case letters, digits and hyphens, like primary-1' })
  groupId?: string;
}

export class ListAttendanceQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'conf-2025' })
  @IsOptional()
  @Matches(ID, { message: 'eventId must be lower-case letters, digits and hyphens, like conf-2025' })
  eventId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'participantId must be a UUID' })
  participantId?: string;

  @AsAtQuery()
  asAt?: string;
}
