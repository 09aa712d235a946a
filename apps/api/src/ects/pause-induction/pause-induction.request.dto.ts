import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/pause` (api.md): statutory leave still accrues (R9); other pauses do not (R4). */
export class PauseInductionRequestDto {
  @ApiProperty({ example: '2026-01-05' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ enum: ['statutory-leave', 'other'] })
  @IsIn(['statutory-leave', 'other'], { message: 'reason must be statutory-leave or other' })
  reason!: 'statutory-leave' | 'other';
}
