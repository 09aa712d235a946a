import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /ects/:id/absences/:absenceId/withdrawal`: a recorded absence is never edited, it is withdrawn. */
export class WithdrawAbsenceRequestDto {
  @ApiProperty({ example: 'Recorded against the wrong dates' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(2000, { message: 'reason must be 2000 characters or fewer' })
  reason!: string;
}
