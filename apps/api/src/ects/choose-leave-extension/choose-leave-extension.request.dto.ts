import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** `POST /ects/:id/absences/:absenceId/leave-extension-choice`: the ECT's R9 choice for statutory leave. */
export class ChooseLeaveExtensionRequestDto {
  @ApiProperty({ example: true, description: 'R9: extend induction by the days of this statutory leave' })
  @IsBoolean({ message: 'extend must be true or false' })
  extend!: boolean;
}
