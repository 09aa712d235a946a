import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/progress-reviews` (api.md). R11: which terms are due and the support plan are the domain's. */
export class SubmitProgressReviewRequestDto {
  @ApiProperty({
    example: 1,
    description: 'Induction term the review is for (1 is the term induction starts in)',
  })
  @Type(() => Number)
  @IsInt({ message: 'term must be a whole number, like 1' })
  @Min(1, { message: 'term must be 1 or more' })
  term!: number;

  @ApiProperty({ example: '2025-12-10' })
  @IsCalendarDate()
  reviewedOn!: string;

  @ApiProperty({ example: true })
  @IsBoolean({ message: 'onTrack must be true or false' })
  onTrack!: boolean;

  @ApiProperty({ example: 'Clear explanations; good rapport' })
  @IsString({ message: 'strengths must be text' })
  @IsNotEmpty({ message: 'strengths is required' })
  @MaxLength(5000, { message: 'strengths must be 5000 characters or fewer' })
  strengths!: string;

  @ApiProperty({ example: 'Adaptive teaching for EAL pupils' })
  @IsString({ message: 'areasForDevelopment must be text' })
  @IsNotEmpty({ message: 'areasForDevelopment is required' })
  @MaxLength(5000, { message: 'areasForDevelopment must be 5000 characters or fewer' })
  areasForDevelopment!: string;

  @ApiPropertyOptional({ description: 'R11/R14: required when not on track, and at every review after that' })
  @IsOptional()
  @IsString({ message: 'supportPlan must be text' })
  @MaxLength(5000, { message: 'supportPlan must be 5000 characters or fewer' })
  supportPlan?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'ectComment must be text' })
  @MaxLength(5000, { message: 'ectComment must be 5000 characters or fewer' })
  ectComment?: string;
}
