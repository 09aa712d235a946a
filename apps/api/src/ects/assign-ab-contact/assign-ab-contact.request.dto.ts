import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /ects/:id/ab-contact`: R22 (2.28), the ECT's named AB contact, outside monitoring and decisions. */
export class AssignAbContactRequestDto {
  @ApiProperty({ example: 'Chris Hale' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiProperty({ example: 'chris.hale@hub.example' })
  @IsEmail({}, { message: 'email must be an email address, like name@school.sch.uk' })
  @MaxLength(320, { message: 'email must be 320 characters or fewer' })
  email!: string;

  @ApiPropertyOptional({
    example: 'oidc:4f1c2e',
    description:
      'The contact’s sign-in account in this service, if any: R22 (2.28) then flags them deciding this ECT’s outcome',
  })
  @IsOptional()
  @IsString({ message: 'userId must be text' })
  @IsNotEmpty({ message: 'userId must not be empty when given' })
  @MaxLength(200, { message: 'userId must be 200 characters or fewer' })
  userId?: string;
}
