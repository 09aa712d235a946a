import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /ects/:id/assessment-access`: R23 (2.78–2.80), who may see the ECT's assessments. */
export class GrantAssessmentAccessRequestDto {
  @ApiProperty({ example: 'Pat Lee' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiProperty({ example: 'pat.lee@hub.example' })
  @IsEmail({}, { message: 'email must be an email address, like name@school.sch.uk' })
  @MaxLength(320, { message: 'email must be 320 characters or fewer' })
  email!: string;

  @ApiProperty({ example: 'moderator' })
  @IsString({ message: 'role must be text' })
  @IsNotEmpty({ message: 'role is required' })
  @MaxLength(100, { message: 'role must be 100 characters or fewer' })
  role!: string;
}
