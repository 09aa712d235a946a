import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/corrections/start-date`: a correction is a new event with a reason, never an edit. */
export class CorrectStartDateRequestDto {
  @ApiProperty({ example: '2025-09-03' })
  @IsCalendarDate()
  startDate!: string;

  @ApiProperty({ example: 'Start date keyed wrongly at registration' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(2000, { message: 'reason must be 2000 characters or fewer' })
  reason!: string;
}
