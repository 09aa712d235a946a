import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsNumber, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/**
 * `POST /ects/:id/reduction`: R6. The ECT's agreement and the head's advice are optional here so that their
 * absence is answered with the rule that needs them (422, R6), not as a form error.
 */
export class ReduceInductionRequestDto {
  @ApiProperty({ example: 3, description: 'R6: at least 1 FTE term, below 6, one decimal' })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'reducedTo must be a number of FTE terms, like 3' },
  )
  reducedTo!: number;

  @ApiPropertyOptional({ example: '2025-09-05', description: 'R6: when the ECT agreed' })
  @IsOptional()
  @IsCalendarDate()
  ectAgreedOn?: string;

  @ApiPropertyOptional({ example: '2025-09-04', description: 'R6: when the head advised' })
  @IsOptional()
  @IsCalendarDate()
  headAdvisedOn?: string;

  @ApiProperty({ example: 'Two years teaching in an independent school' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(2000, { message: 'reason must be 2000 characters or fewer' })
  reason!: string;
}
