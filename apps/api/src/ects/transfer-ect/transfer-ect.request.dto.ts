import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/**
 * `POST /ects/:id/transfers` (api.md): the ECT leaves a post. With `toSchoolUrn` they move to that school with
 * this AB; without it they leave the post (and, from their last post, the AB: released).
 */
export class TransferEctRequestDto {
  @ApiPropertyOptional({ example: '200002', description: 'The school they move to, on the AB’s register' })
  @IsOptional()
  @IsString({ message: 'toSchoolUrn must be text of 6 digits' })
  @Matches(/^\d{6}$/, { message: 'toSchoolUrn must be 6 digits, like 123456' })
  toSchoolUrn?: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last day in the post' })
  @IsCalendarDate()
  leftOn!: string;

  @ApiProperty({ example: 'Moved to a new school' })
  @IsString({ message: 'reason must be text' })
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(2000, { message: 'reason must be 2000 characters or fewer' })
  reason!: string;

  @ApiPropertyOptional({
    description: 'R7: which post they leave when they hold more than one (default: lead)',
  })
  @IsOptional()
  @IsString({ message: 'postId must be text' })
  @MaxLength(100, { message: 'postId must be 100 characters or fewer' })
  postId?: string;
}
