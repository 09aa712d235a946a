import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../http/validators.js';
import { ContactRequestDto } from '../register-ect/register-ect.request.dto.js';

/** `POST /ects/:id/mentor`: a new mentor from a date (R22: holds QTS, not the tutor). */
export class ChangeMentorRequestDto extends ContactRequestDto {
  @ApiProperty({ example: '2026-01-05' })
  @IsCalendarDate()
  from!: string;
}
