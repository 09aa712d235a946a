import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/outcome` (api.md): the AB's decision (R16), by a panel member or hub staff only. */
export class DecideOutcomeRequestDto {
  @ApiProperty({ enum: ['pass', 'fail', 'extend'] })
  @IsIn(['pass', 'fail', 'extend'], { message: 'decision must be pass, fail or extend' })
  decision!: 'pass' | 'fail' | 'extend';

  @ApiProperty({ example: '2027-09-01' })
  @IsCalendarDate()
  decidedOn!: string;

  @ApiPropertyOptional({ example: 2, description: 'R19: required when extending, 0.1 to 16 FTE terms' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'extensionTerms must be a number of FTE terms' },
  )
  extensionTerms?: number;

  @ApiProperty({ example: 'Panel reviewed the final assessment and evidence' })
  @IsString({ message: 'rationale must be text' })
  @IsNotEmpty({ message: 'rationale is required' })
  @MaxLength(10000, { message: 'rationale must be 10000 characters or fewer' })
  rationale!: string;

  @ApiPropertyOptional({
    example: '200003',
    description:
      'R21: the URN of the school the deciding panel member works at, when their sign-in does not carry it',
  })
  @IsOptional()
  @IsString({ message: 'panelMemberSchoolUrn must be text of 6 digits' })
  @Matches(/^\d{6}$/, { message: 'panelMemberSchoolUrn must be 6 digits, like 123456' })
  panelMemberSchoolUrn?: string;
}
