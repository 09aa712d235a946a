import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { QUESTION_KINDS, type Answer, type QuestionKind } from '#induction/survey/annual-survey.decider.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class SurveyQuestionDto {
  @ApiProperty({ example: 'overall', description: 'lower-case letters, digits and hyphens' })
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'question id must be 1-40 lower-case letters, digits or hyphens' })
  id!: string;

  @ApiProperty({ example: 'How would you rate the AB service overall?' })
  @IsString({ message: 'question text must be text' })
  @IsNotEmpty({ message: 'question text is required' })
  @MaxLength(300, { message: 'question text must be 300 characters or fewer' })
  text!: string;

  @ApiProperty({ enum: QUESTION_KINDS })
  @IsIn(QUESTION_KINDS, { message: `question kind must be one of: ${QUESTION_KINDS.join(', ')}` })
  kind!: QuestionKind;
}

/** `POST /api/v1/surveys/:year`: hub staff define the year's survey. */
export class DefineSurveyRequestDto {
  @ApiProperty({ example: 'Annual survey to schools 2025/26' })
  @IsString({ message: 'title must be text' })
  @IsNotEmpty({ message: 'title is required' })
  @MaxLength(200, { message: 'title must be 200 characters or fewer' })
  title!: string;

  @ApiProperty({ example: '2026-05-01' })
  @Matches(DATE, { message: 'opensOn must be a date (YYYY-MM-DD)' })
  opensOn!: string;

  @ApiProperty({ example: '2026-06-30' })
  @Matches(DATE, { message: 'closesOn must be a date (YYYY-MM-DD)' })
  closesOn!: string;

  @ApiProperty({ type: [SurveyQuestionDto] })
  @ValidateNested({ each: true })
  @Type(() => SurveyQuestionDto)
  @ArrayMinSize(1, { message: 'questions must list at least one question' })
  @ArrayMaxSize(40, { message: 'questions must list at most 40 questions' })
  questions!: SurveyQuestionDto[];
}

/** `POST /api/v1/surveys/:year/invitations`: invite every school's head and induction tutor. */
export class InviteRespondentsRequestDto {
  @ApiPropertyOptional({
    example: '2026-06-30',
    description: 'links expire after this date (default: close date)',
  })
  @IsOptional()
  @Matches(DATE, { message: 'expiresOn must be a date (YYYY-MM-DD)' })
  expiresOn?: string;
}

/** `POST /api/v1/surveys/:year/responses`: the personal link's token authenticates it (no account). */
export class SubmitSurveyResponseRequestDto {
  @ApiProperty({ description: 'the token from the personal link' })
  @IsString({ message: 'token is required' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(200, { message: 'token is not valid' })
  token!: string;

  @ApiProperty({ example: { overall: 4, 'sla-clear': true, improve: 'More clinics' } })
  @IsObject({ message: 'answers must be an object of question id to answer' })
  answers!: Record<string, Answer>;
}
