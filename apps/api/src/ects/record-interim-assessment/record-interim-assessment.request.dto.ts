import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/interim-assessments`: R13, when the ECT leaves after a term or more before the next formal one. */
export class RecordInterimAssessmentRequestDto {
  @ApiProperty({ example: '2026-02-10' })
  @IsCalendarDate()
  assessedOn!: string;

  @ApiProperty({ example: 'Making good progress against TS1–TS8' })
  @IsString({ message: 'progress must be text' })
  @IsNotEmpty({ message: 'progress is required' })
  @MaxLength(10000, { message: 'progress must be 10000 characters or fewer' })
  progress!: string;
}
