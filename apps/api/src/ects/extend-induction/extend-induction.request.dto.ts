import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsNumber, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/extensions` (api.md). R19: 0.1 to 16 FTE terms, one decimal (the domain's rule, 422). */
export class ExtendInductionRequestDto {
  @ApiProperty({ example: 1, description: 'FTE terms, 0.1 to 16 to one decimal (R19)' })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'terms must be a number of FTE terms, like 1.5' },
  )
  terms!: number;

  @ApiProperty({ example: 'Extended support after long absence' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(2000, { message: 'reason must be 2000 characters or fewer' })
  reason!: string;

  @ApiProperty({ example: '2026-09-01' })
  @IsCalendarDate()
  grantedOn!: string;
}
