import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/** One member of the AB's representative panel; R21 needs their own school, if they have one. */
export class PanelMemberRequestDto {
  @ApiProperty({ example: '4b0c7f2e-5d6a-4e1b-9a31-2f6c8d9e0a11' })
  @IsUUID('all', { message: 'personId must be a UUID' })
  personId!: string;

  @ApiProperty({ example: 'Pat Panel' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiPropertyOptional({ example: '123456', description: 'R21: the school the member works at, if any' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn?: string;
}
