import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

/** `POST /people/:subjectId/erasure`: hub staff carry out an erasure requested on an ECT's record (R23). */
export class ErasePersonalDataRequestDto {
  @ApiProperty({ description: 'The ECT whose record holds the erasure request' })
  @IsUUID('all', { message: 'ectId must be an ECT id (a UUID)' })
  ectId!: string;

  @ApiProperty({ example: 'Retention period ended; request ticket 1234', description: 'Names no one' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(500, { message: 'reason must be 500 characters or fewer' })
  reason!: string;
}
