import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/resume` (api.md). */
export class ResumeInductionRequestDto {
  @ApiProperty({ example: '2026-04-13', description: 'First day back' })
  @IsCalendarDate()
  from!: string;
}
