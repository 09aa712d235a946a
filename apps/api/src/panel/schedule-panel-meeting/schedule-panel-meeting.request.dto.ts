import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';
import { PanelMemberRequestDto } from './panel-member.request.dto.js';

/** `POST /panel/meetings`: a meeting of the AB panel with its members and quorum (3 unless set). */
export class SchedulePanelMeetingRequestDto {
  @ApiProperty({ example: '2027-09-10' })
  @IsCalendarDate()
  heldOn!: string;

  @ApiPropertyOptional({ example: 3, default: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'quorum must be a whole number' })
  @Min(1, { message: 'quorum must be between 1 and 20' })
  @Max(20, { message: 'quorum must be between 1 and 20' })
  quorum?: number;

  @ApiProperty({ type: [PanelMemberRequestDto] })
  @IsArray({ message: 'members must be a list' })
  @ArrayMinSize(1, { message: 'members must name at least one member' })
  @ValidateNested({ each: true })
  @Type(() => PanelMemberRequestDto)
  members!: PanelMemberRequestDto[];
}
