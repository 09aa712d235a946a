import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /moderation/checks/:id`: the moderator agrees or disagrees with the school's judgement, and says why. */
export class RecordModerationFindingRequestDto {
  @ApiProperty({ enum: ['agree', 'disagree'] })
  @IsIn(['agree', 'disagree'], { message: 'verdict must be agree or disagree' })
  verdict!: 'agree' | 'disagree';

  @ApiProperty({ example: 'Targets are specific and the evidence supports the judgement' })
  @IsString({ message: 'feedback must be text' })
  @IsNotEmpty({ message: 'feedback is required' })
  @MaxLength(10000, { message: 'feedback must be 10000 characters or fewer' })
  feedback!: string;
}
