import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export const SCHOOL_PHASES = [
  'nursery',
  'primary',
  'middle',
  'secondary',
  'all-through',
  'special',
  'alternative-provision',
  'sixteen-plus',
] as const;

/** `POST /api/v1/schools` (api.md): a school joins the AB's register. */
export class AddSchoolRequestDto {
  @ApiProperty({ example: '123456', description: 'Unique reference number: 6 digits' })
  @IsString({ message: 'urn must be text of 6 digits' })
  @Matches(/^\d{6}$/, { message: 'urn must be 6 digits, like 123456' })
  urn!: string;

  @ApiProperty({ example: 'Fenland Primary School' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiProperty({ enum: SCHOOL_PHASES })
  @IsIn(SCHOOL_PHASES, { message: `phase must be one of: ${SCHOOL_PHASES.join(', ')}` })
  phase!: (typeof SCHOOL_PHASES)[number];

  @ApiProperty({ example: 'Cambridgeshire' })
  @IsString({ message: 'localAuthority must be text' })
  @IsNotEmpty({ message: 'localAuthority is required' })
  @MaxLength(100, { message: 'localAuthority must be 100 characters or fewer' })
  localAuthority!: string;
}
