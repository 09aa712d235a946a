import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /ects/:id/representations`: R15, the ECT's written representations on the recommendation. */
export class SubmitRepresentationsRequestDto {
  @ApiProperty({ example: 'I would like the panel to consider my second-year observations' })
  @IsString({ message: 'summary must be text' })
  @IsNotEmpty({ message: 'summary is required' })
  @MaxLength(10000, { message: 'summary must be 10000 characters or fewer' })
  summary!: string;
}
