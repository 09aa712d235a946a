import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SESSION_KINDS, type SessionKind } from '#induction/service-records/school-service.decider.js';
import { AsAtQuery } from '../audit/as-at.query.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[A-Za-z0-9-]{1,60}$/;

export class SlaCommitmentDto {
  @ApiProperty({ example: 'advice-turnaround' })
  @Matches(ID, { message: 'commitment id must be 1-60 letters, digits or hyphens' })
  id!: string;

  @ApiProperty({ example: 'Answer requests for AB advice within 5 working days' })
  @IsString({ message: 'description must be text' })
  @IsNotEmpty({ message: 'description is required' })
  @MaxLength(300, { message: 'description must be 300 characters or fewer' })
  description!: string;

  @ApiPropertyOptional({ example: 5 })
  @IsOptional()
  @IsInt({ message: 'turnaroundWorkingDays must be a whole number' })
  @Min(1, { message: 'turnaroundWorkingDays must be between 1 and 60' })
  @Max(60, { message: 'turnaroundWorkingDays must be between 1 and 60' })
  turnaroundWorkingDays?: number;
}

/** `POST /api/v1/schools/:urn/slas`: the school's two-year service level agreement. */
export class AgreeSlaRequestDto {
  @ApiProperty({ example: 'sla-2025' })
  @Matches(ID, { message: 'slaId must be 1-60 letters, digits or hyphens' })
  slaId!: string;

  @ApiProperty({ example: '2025-09-01' })
  @Matches(DATE, { message: 'startsOn must be a date (YYYY-MM-DD)' })
  startsOn!: string;

  @ApiProperty({ example: '2027-08-31' })
  @Matches(DATE, { message: 'endsOn must be a date (YYYY-MM-DD)' })
  endsOn!: string;

  @ApiProperty({ type: [SlaCommitmentDto] })
  @ValidateNested({ each: true })
  @Type(() => SlaCommitmentDto)
  @ArrayMinSize(1, { message: 'commitments must list at least one commitment' })
  commitments!: SlaCommitmentDto[];
}

/** `POST /api/v1/schools/:urn/slas/:slaId/reviews`: was a commitment met in an academic year? */
export class ReviewSlaCommitmentRequestDto {
  @ApiProperty({ example: 'advice-turnaround' })
  @Matches(ID, { message: 'commitmentId must be 1-60 letters, digits or hyphens' })
  commitmentId!: string;

  @ApiProperty({ example: 2025, description: 'the year the academic year starts' })
  @IsInt({ message: 'year must be a year like 2025' })
  @Min(2000, { message: 'year must be a year like 2025' })
  @Max(2100, { message: 'year must be a year like 2025' })
  year!: number;

  @ApiProperty()
  @IsBoolean({ message: 'met must be true or false' })
  met!: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'note must be text' })
  @MaxLength(1000, { message: 'note must be 1000 characters or fewer' })
  note?: string;
}

/** `POST /api/v1/schools/:urn/service-sessions`: the school books induction-tutor training or a clinic. */
export class BookServiceSessionRequestDto {
  @ApiProperty({ example: 'clinic-2025-11-05' })
  @Matches(ID, { message: 'sessionId must be 1-60 letters, digits or hyphens' })
  sessionId!: string;

  @ApiProperty({ enum: SESSION_KINDS })
  @IsIn(SESSION_KINDS, { message: `kind must be one of: ${SESSION_KINDS.join(', ')}` })
  kind!: SessionKind;

  @ApiProperty({ example: 'Drop-in clinic: AB advice' })
  @IsString({ message: 'title must be text' })
  @IsNotEmpty({ message: 'title is required' })
  @MaxLength(200, { message: 'title must be 200 characters or fewer' })
  title!: string;

  @ApiProperty({ example: '2025-11-05' })
  @Matches(DATE, { message: 'heldOn must be a date (YYYY-MM-DD)' })
  heldOn!: string;

  @ApiProperty({ example: 2 })
  @IsInt({ message: 'places must be a whole number from 1 to 50' })
  @Min(1, { message: 'places must be a whole number from 1 to 50' })
  @Max(50, { message: 'places must be a whole number from 1 to 50' })
  places!: number;
}

/** `POST /api/v1/schools/:urn/service-sessions/:sessionId/attendance`. */
export class RecordSessionAttendanceRequestDto {
  @ApiProperty({ example: 2 })
  @IsInt({ message: 'attended must be a whole number' })
  @Min(0, { message: 'attended must be 0 or more' })
  attended!: number;
}

/** `GET /schools/:urn/service-record`: one academic year's reviews, optionally as the record stood then (R23). */
export class ServiceRecordQueryDto {
  @ApiPropertyOptional({ example: 2025, description: 'only the commitment reviews of this academic year' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  year?: number;

  @AsAtQuery()
  asAt?: string;
}
