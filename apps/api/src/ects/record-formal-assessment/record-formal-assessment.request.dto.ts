import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

export class AssessorRequestDto {
  @ApiProperty({ enum: ['head', 'induction-tutor'], description: 'R12: the head or the induction tutor' })
  @IsIn(['head', 'induction-tutor'], { message: 'role must be head or induction-tutor' })
  role!: 'head' | 'induction-tutor';

  @ApiProperty({
    example: 'jo.reed@school.example',
    description: 'Identifies the assessor (R12: never the mentor)',
  })
  @IsEmail({}, { message: 'email must be an email address, like name@school.sch.uk' })
  @MaxLength(320, { message: 'email must be 320 characters or fewer' })
  email!: string;
}

export class SignaturesRequestDto {
  @ApiPropertyOptional({ example: '2026-07-02' })
  @IsOptional()
  @IsCalendarDate()
  inductionTutor?: string;

  @ApiPropertyOptional({ example: '2026-07-03' })
  @IsOptional()
  @IsCalendarDate()
  head?: string;

  @ApiPropertyOptional({ example: '2026-07-03' })
  @IsOptional()
  @IsCalendarDate()
  ect?: string;
}

/**
 * `POST /ects/:id/assessments` (api.md): a formal assessment (R12) against TS1–TS8 and Part Two. For the final
 * assessment the recommendation is the head's (R15): `satisfactory`/`pass`, `unsatisfactory`/`fail` or
 * `extension`. Which standards may be judged, signatures and timing are the domain's rules (422 with R12).
 */
export class RecordFormalAssessmentRequestDto {
  @ApiProperty({ enum: ['year-1', 'final'] })
  @IsIn(['year-1', 'final'], { message: 'point must be year-1 or final' })
  point!: 'year-1' | 'final';

  @ApiProperty({ example: '2026-07-01', description: 'Date of the assessment meeting' })
  @IsCalendarDate()
  assessedOn!: string;

  @ApiProperty({ type: AssessorRequestDto })
  @ValidateNested()
  @Type(() => AssessorRequestDto)
  @IsNotEmpty({ message: 'assessor is required' })
  assessor!: AssessorRequestDto;

  @ApiProperty({
    example: {
      TS1: 'met',
      TS2: 'met',
      TS3: 'met',
      TS4: 'met',
      TS5: 'met',
      TS6: 'met',
      TS7: 'met',
      TS8: 'met',
      PartTwo: 'met',
    },
    description: 'TS1–TS8 and PartTwo, each met or not-met (R12: never the ECF/ITTECF)',
  })
  @IsObject({ message: 'standards must be an object of TS1–TS8 and PartTwo, each met or not-met' })
  @IsNotEmptyObject({}, { message: 'standards must judge TS1–TS8 and PartTwo, each met or not-met' })
  standards!: Record<string, 'met' | 'not-met'>;

  @ApiProperty({ enum: ['satisfactory', 'unsatisfactory', 'extension', 'pass', 'fail'] })
  @IsIn(['satisfactory', 'unsatisfactory', 'extension', 'pass', 'fail'], {
    message:
      'recommendation must be satisfactory, unsatisfactory or extension (final: pass or fail also accepted)',
  })
  recommendation!: 'satisfactory' | 'unsatisfactory' | 'extension' | 'pass' | 'fail';

  @ApiProperty({ example: 'Lesson observations, planning and pupil work' })
  @IsString({ message: 'evidence must be text' })
  @IsNotEmpty({ message: 'evidence is required' })
  @MaxLength(10000, { message: 'evidence must be 10000 characters or fewer' })
  evidence!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'ectComment must be text' })
  @MaxLength(5000, { message: 'ectComment must be 5000 characters or fewer' })
  ectComment?: string;

  @ApiProperty({
    type: SignaturesRequestDto,
    description: 'R12 (2.61): signed by the tutor, the head and the ECT',
  })
  @ValidateNested()
  @Type(() => SignaturesRequestDto)
  @IsNotEmpty({ message: 'signedOn is required' })
  signedOn!: SignaturesRequestDto;
}
