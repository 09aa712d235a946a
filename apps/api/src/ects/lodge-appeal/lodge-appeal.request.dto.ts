import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/appeals`: R18, the ECT gave the TRA notice of appeal. */
export class LodgeAppealRequestDto {
  @ApiProperty({ example: '2027-09-15' })
  @IsCalendarDate()
  lodgedOn!: string;
}
