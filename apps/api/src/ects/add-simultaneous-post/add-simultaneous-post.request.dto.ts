import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/posts`: R7, a second post held at the same time (one lead school). */
export class AddSimultaneousPostRequestDto {
  @ApiProperty({ example: '200002' })
  @IsString({ message: 'schoolUrn must be text of 6 digits' })
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn!: string;

  @ApiProperty({ example: '2026-01-05' })
  @IsCalendarDate()
  startDate!: string;

  @ApiProperty({ example: 0.4, minimum: 0.1, maximum: 1 })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'fte must be a number like 0.6' },
  )
  @Min(0.1, { message: 'fte must be between 0.1 and 1.0' })
  @Max(1, { message: 'fte must be between 0.1 and 1.0' })
  fte!: number;
}
