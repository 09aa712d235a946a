import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/working-patterns`: a change of FTE from a date (R4 accrual is pro rata from then). */
export class ChangeWorkingPatternRequestDto {
  @ApiProperty({ example: 0.6, minimum: 0.1, maximum: 1 })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'fte must be a number like 0.6' },
  )
  @Min(0.1, { message: 'fte must be between 0.1 and 1.0' })
  @Max(1, { message: 'fte must be between 0.1 and 1.0' })
  fte!: number;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  from!: string;

  @ApiPropertyOptional({ description: 'R7: which post, when they hold more than one (default: lead)' })
  @IsOptional()
  @IsString({ message: 'postId must be text' })
  @MaxLength(100, { message: 'postId must be 100 characters or fewer' })
  postId?: string;
}
