import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/fidelity-checks`: R22, the AB checks a school-led programme covers the ITTECF in full. */
export class RecordFidelityCheckRequestDto {
  @ApiProperty({ example: '2025-10-15' })
  @IsCalendarDate()
  checkedOn!: string;

  @ApiProperty({ example: true })
  @IsBoolean({ message: 'coversFramework must be true or false' })
  coversFramework!: boolean;

  @ApiProperty({ example: 'Mapped against all ITTECF statements' })
  @IsString({ message: 'notes must be text' })
  @MaxLength(5000, { message: 'notes must be 5000 characters or fewer' })
  notes!: string;
}
