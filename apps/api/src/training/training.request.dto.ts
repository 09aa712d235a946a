import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  AUDIENCES,
  PHASE_GROUP_PHASES,
  TRAINING_EVENT_KINDS,
} from '#induction/training/training-programme.decider.js';
import { IsCalendarDate } from '../http/validators.js';

const ID = /^[a-z0-9][a-z0-9-]{0,59}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export class TrainingEventDto {
  @ApiProperty({ example: 'conf-2025', description: 'Lower-case letters, digits and hyphens' })
  @IsString({ message: 'eventId must be text' })
  @Matches(ID, { message: 'eventId must be lower-case letters, digits and hyphens, like conf-2025' })
  eventId!: string;

  @ApiProperty({ enum: TRAINING_EVENT_KINDS })
  @IsIn(TRAINING_EVENT_KINDS, { message: `kind must be one of: ${TRAINING_EVENT_KINDS.join(', ')}` })
  kind!: (typeof TRAINING_EVENT_KINDS)[number];

  @ApiProperty({ example: 'Induction conference' })
  @IsString({ message: 'title must be text' })
  @IsNotEmpty({ message: 'title is required' })
  @MaxLength(200, { message: 'title must be 200 characters or fewer' })
  title!: string;

  @ApiProperty({ example: '2025-09-12' })
  @IsCalendarDate()
  date!: string;

  @ApiPropertyOptional({ example: '09:00' })
  @IsOptional()
  @Matches(TIME, { message: 'startTime must be a time written HH:MM' })
  startTime?: string;

  @ApiPropertyOptional({ example: '15:30' })
  @IsOptional()
  @Matches(TIME, { message: 'endTime must be a time written HH:MM' })
  endTime?: string;

  @ApiProperty({ enum: AUDIENCES, isArray: true })
  @IsArray({ message: 'audiences must be a list' })
  @ArrayMinSize(1, { message: 'audiences must name at least one audience' })
  @IsIn(AUDIENCES, { each: true, message: `audiences must be some of: ${AUDIENCES.join(', ')}` })
  audiences!: (typeof AUDIENCES)[number][];

  @ApiPropertyOptional({ example: 'primary-1', description: 'Year-1 sessions: the phase group' })
  @IsOptional()
  @Matches(ID, { message: 'groupId must be lower-case letters, digits and hyphens, like primary-1' })
  groupId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'optional must be true or false' })
  optional?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'online must be true or false' })
  online?: boolean;

  @ApiPropertyOptional({ example: 'Hub training centre' })
  @IsOptional()
  @IsString({ message: 'location must be text' })
  @MaxLength(200, { message: 'location must be 200 characters or fewer' })
  location?: string;
}

/** `POST /training/:year/programme`: every event of the year, published once by the start of the year. */
export class PublishProgrammeRequestDto {
  @ApiProperty({ type: [TrainingEventDto] })
  @IsArray({ message: 'events must be a list' })
  @ArrayMinSize(1, { message: 'events must list at least the induction conference' })
  @ArrayMaxSize(500, { message: 'events must be 500 or fewer' })
  @ValidateNested({ each: true })
  @Type(() => TrainingEventDto)
  events!: TrainingEventDto[];
}

export class FacilitatorDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'facilitator.personId must be a UUID' })
  personId!: string;

  @ApiProperty({ example: 'Fay Jones' })
  @IsString({ message: 'facilitator.name must be text' })
  @IsNotEmpty({ message: 'facilitator.name is required' })
  @MaxLength(200, { message: 'facilitator.name must be 200 characters or fewer' })
  name!: string;
}

export class ConfirmGroupDto {
  @ApiProperty({ example: 'primary-1' })
  @IsString({ message: 'groupId must be text' })
  @Matches(ID, { message: 'groupId must be lower-case letters, digits and hyphens, like primary-1' })
  groupId!: string;

  @ApiProperty({ example: 'Primary group 1' })
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(100, { message: 'name must be 100 characters or fewer' })
  name!: string;

  @ApiProperty({ enum: PHASE_GROUP_PHASES })
  @IsIn(PHASE_GROUP_PHASES, { message: `phase must be one of: ${PHASE_GROUP_PHASES.join(', ')}` })
  phase!: (typeof PHASE_GROUP_PHASES)[number];

  @ApiProperty({ type: FacilitatorDto, description: 'One facilitator for the year' })
  @ValidateNested()
  @Type(() => FacilitatorDto)
  facilitator!: FacilitatorDto;

  @ApiProperty({ type: [String], description: 'Year-1 ECTs in the group (moved from any other group)' })
  @IsArray({ message: 'ectIds must be a list' })
  @ArrayMaxSize(60, { message: 'ectIds must be 60 or fewer' })
  @IsUUID('all', { each: true, message: 'ectIds must be ECT ids (UUIDs)' })
  ectIds!: string[];
}

/** `POST /training/:year/groups`: confirm (or adjust) the year-1 phase groups. */
export class ConfirmGroupsRequestDto {
  @ApiProperty({ type: [ConfirmGroupDto] })
  @IsArray({ message: 'groups must be a list' })
  @ArrayMinSize(1, { message: 'groups must list at least one group' })
  @ArrayMaxSize(100, { message: 'groups must be 100 or fewer' })
  @ValidateNested({ each: true })
  @Type(() => ConfirmGroupDto)
  groups!: ConfirmGroupDto[];
}

export class AttendanceRecordDto {
  @ApiProperty({ format: 'uuid', description: 'The ECT or mentor' })
  @IsUUID('all', { message: 'participantId must be a UUID' })
  participantId!: string;

  @ApiProperty({ enum: ['ect', 'mentor'] })
  @IsIn(['ect', 'mentor'], { message: 'role must be ect or mentor' })
  role!: 'ect' | 'mentor';

  @ApiProperty()
  @IsBoolean({ message: 'attended must be true or false' })
  attended!: boolean;
}

/** `POST /training/:year/attendance`: who attended one event. */
export class RecordAttendanceRequestDto {
  @ApiProperty({ example: 'conf-2025' })
  @IsString({ message: 'eventId must be text' })
  @Matches(ID, { message: 'eventId must be lower-case letters, digits and hyphens, like conf-2025' })
  eventId!: string;

  @ApiProperty({ type: [AttendanceRecordDto] })
  @IsArray({ message: 'records must be a list' })
  @ArrayMinSize(1, { message: 'records must list at least one participant' })
  @ArrayMaxSize(500, { message: 'records must be 500 or fewer' })
  @ValidateNested({ each: true })
  @Type(() => AttendanceRecordDto)
  records!: AttendanceRecordDto[];
}
