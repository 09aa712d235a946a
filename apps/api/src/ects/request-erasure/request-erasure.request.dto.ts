import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `POST /ects/:id/erasure-requests`: R23, a person named in this ECT's record asks to be erased. */
export class RequestErasureRequestDto {
  @ApiProperty({
    example: '3f0c…',
    description: 'The person’s subject id (the ECT’s id, or a mentor’s, tutor’s…)',
  })
  @IsUUID('all', { message: 'subjectId must be a subject id (a UUID)' })
  subjectId!: string;
}
