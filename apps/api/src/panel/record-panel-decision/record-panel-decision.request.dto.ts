import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

export class PanelDissentRequestDto {
  @ApiProperty()
  @IsUUID('all', { message: 'personId must be a UUID' })
  personId!: string;

  @ApiProperty({ example: 'Would extend by one term' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(5000, { message: 'reason must be 5000 characters or fewer' })
  reason!: string;
}

/**
 * `POST /panel/meetings/:id/decisions`: the panel's decision on one ECT (R16), taken by a quorum of members
 * present, none from the ECT's school (R21), with its rationale and any dissent.
 */
export class RecordPanelDecisionRequestDto {
  @ApiProperty()
  @IsUUID('all', { message: 'ectId must be a UUID' })
  ectId!: string;

  @ApiProperty({ enum: ['pass', 'fail', 'extend'] })
  @IsIn(['pass', 'fail', 'extend'], { message: 'decision must be pass, fail or extend' })
  decision!: 'pass' | 'fail' | 'extend';

  @ApiProperty({ example: '2027-09-10' })
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

  @ApiProperty({ example: 'The panel reviewed the final assessment and the ECT’s representations' })
  @IsString({ message: 'rationale must be text' })
  @IsNotEmpty({ message: 'rationale is required' })
  @MaxLength(10000, { message: 'rationale must be 10000 characters or fewer' })
  rationale!: string;

  @ApiProperty({ description: 'personIds of the members present', type: [String] })
  @IsArray({ message: 'present must be a list of member ids' })
  @ArrayMinSize(1, { message: 'present must name the members present' })
  @IsUUID('all', { each: true, message: 'present must list member ids (UUIDs)' })
  present!: string[];

  @ApiPropertyOptional({ type: [PanelDissentRequestDto] })
  @IsOptional()
  @IsArray({ message: 'dissent must be a list' })
  @ValidateNested({ each: true })
  @Type(() => PanelDissentRequestDto)
  dissent?: PanelDissentRequestDto[];
}
