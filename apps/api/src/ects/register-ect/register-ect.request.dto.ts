import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

export class ContactRequestDto {
  @ApiProperty({ example: 'Sam Patel' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200, { message: 'name must be 200 characters or fewer' })
  name!: string;

  @ApiProperty({ example: 'sam.patel@school.example' })
  @IsEmail({}, { message: 'email must be an email address, like name@school.sch.uk' })
  @MaxLength(320, { message: 'email must be 320 characters or fewer' })
  email!: string;

  @ApiPropertyOptional({ description: 'Holds QTS (R22: tutors and mentors must)', default: true })
  @IsOptional()
  @IsBoolean({ message: 'hasQts must be true or false' })
  hasQts?: boolean;
}

/** `POST /api/v1/ects` (api.md). Format checks here; the statutory rules (R20, R21) are the domain's. */
export class RegisterEctRequestDto {
  @ApiProperty({ example: '1234567', description: 'Teacher reference number: 7 digits' })
  @IsString({ message: 'trn must be text of 7 digits' })
  @Matches(/^\d{7}$/, { message: 'trn must be 7 digits, like 1234567' })
  trn!: string;

  @ApiProperty({ example: 'Alex' })
  @IsString({ message: 'firstName must be text' })
  @IsNotEmpty({ message: 'firstName is required' })
  @MaxLength(100, { message: 'firstName must be 100 characters or fewer' })
  firstName!: string;

  @ApiProperty({ example: 'Morgan' })
  @IsString({ message: 'lastName must be text' })
  @IsNotEmpty({ message: 'lastName is required' })
  @MaxLength(100, { message: 'lastName must be 100 characters or fewer' })
  lastName!: string;

  @ApiProperty({ example: '1998-04-12' })
  @IsCalendarDate()
  dateOfBirth!: string;

  @ApiProperty({ example: 'alex.morgan@school.example' })
  @IsEmail({}, { message: 'email must be an email address, like name@school.sch.uk' })
  @MaxLength(320, { message: 'email must be 320 characters or fewer' })
  email!: string;

  @ApiProperty({ example: '123456', description: 'The school’s 6-digit URN' })
  @IsString({ message: 'schoolUrn must be text of 6 digits' })
  @Matches(/^\d{6}$/, { message: 'schoolUrn must be 6 digits, like 123456' })
  schoolUrn!: string;

  @ApiProperty({ example: '2025-07-15', description: 'R20: on or before the start date' })
  @IsCalendarDate()
  qtsAwardedOn!: string;

  @ApiProperty({ example: '2025-09-01' })
  @IsCalendarDate()
  startDate!: string;

  @ApiProperty({ example: 1, minimum: 0.1, maximum: 1, description: 'Full-time equivalent, 0.1 to 1.0' })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'fte must be a number like 0.6' },
  )
  @Min(0.1, { message: 'fte must be between 0.1 and 1.0' })
  @Max(1, { message: 'fte must be between 0.1 and 1.0' })
  fte!: number;

  @ApiProperty({ enum: ['provider-led', 'school-led'] })
  @IsIn(['provider-led', 'school-led'], { message: 'programme must be provider-led or school-led' })
  programme!: 'provider-led' | 'school-led';

  @ApiProperty({ type: ContactRequestDto })
  @ValidateNested()
  @Type(() => ContactRequestDto)
  @IsNotEmpty({ message: 'mentor is required' })
  mentor!: ContactRequestDto;

  @ApiProperty({ type: ContactRequestDto })
  @ValidateNested()
  @Type(() => ContactRequestDto)
  @IsNotEmpty({ message: 'inductionTutor is required' })
  inductionTutor!: ContactRequestDto;
}
