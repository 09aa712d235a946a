import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../http/validators.js';
import { ContactRequestDto } from '../register-ect/register-ect.request.dto.js';

/** `POST /ects/:id/induction-tutor`: a new induction tutor from a date (R22: holds QTS). */
export class ChangeInductionTutorRequestDto extends ContactRequestDto {
  @ApiProperty({ example: '2026-01-05' })
  @IsCalendarDate()
  from!: string;
}
