import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/notifications`: R17, who was told of the decision and when. */
export class RecordNotificationRequestDto {
  @ApiProperty({ enum: ['ect', 'head', 'employer', 'tra'] })
  @IsIn(['ect', 'head', 'employer', 'tra'], { message: 'recipient must be ect, head, employer or tra' })
  recipient!: 'ect' | 'head' | 'employer' | 'tra';

  @ApiProperty({ example: '2027-09-02' })
  @IsCalendarDate()
  notifiedOn!: string;
}
