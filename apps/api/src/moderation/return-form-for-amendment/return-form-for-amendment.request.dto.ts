import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /moderation/checks/:id/return`: the form goes back to the school to be amended. */
export class ReturnFormForAmendmentRequestDto {
  @ApiProperty({ example: 'The support plan does not say who does what by when' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(10000, { message: 'reason must be 10000 characters or fewer' })
  reason!: string;
}
