import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCHOOL_CONTACT_ROLES, type SchoolContactRole } from '#induction/schools/school.decider.js';

/** `POST /api/v1/schools/:urn/contacts`: the school names its head, an induction tutor or a mentor. */
export class NameSchoolContactRequestDto {
  @ApiProperty({ enum: SCHOOL_CONTACT_ROLES })
  @IsIn(SCHOOL_CONTACT_ROLES, { message: `role must be one of: ${SCHOOL_CONTACT_ROLES.join(', ')}` })
  role!: SchoolContactRole;

  @ApiProperty({ example: 'Jo Reed' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiProperty({ example: 'jo.reed@school.example' })
  @IsEmail({}, { message: 'email must be an email address, like name@school.example' })
  @MaxLength(254, { message: 'email must be 254 characters or fewer' })
  email!: string;

  @ApiPropertyOptional({ description: 'Whether the person holds QTS (R22: tutors and mentors should)' })
  @IsOptional()
  @IsBoolean({ message: 'hasQts must be true or false' })
  hasQts?: boolean;
}
