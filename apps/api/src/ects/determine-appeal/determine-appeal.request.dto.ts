import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/appeals/determination`: R18, what the TRA decided. */
export class DetermineAppealRequestDto {
  @ApiProperty({ enum: ['dismissed', 'upheld'] })
  @IsIn(['dismissed', 'upheld'], { message: 'outcome must be dismissed or upheld' })
  outcome!: 'dismissed' | 'upheld';

  @ApiProperty({ example: '2027-11-01' })
  @IsCalendarDate()
  determinedOn!: string;
}
