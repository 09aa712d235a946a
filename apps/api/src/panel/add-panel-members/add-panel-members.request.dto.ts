import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { PanelMemberRequestDto } from '../schedule-panel-meeting/panel-member.request.dto.js';

/** `POST /panel/meetings/:id/members`: more members join a scheduled meeting. */
export class AddPanelMembersRequestDto {
  @ApiProperty({ type: [PanelMemberRequestDto] })
  @IsArray({ message: 'members must be a list' })
  @ArrayMinSize(1, { message: 'members must name at least one member' })
  @ValidateNested({ each: true })
  @Type(() => PanelMemberRequestDto)
  members!: PanelMemberRequestDto[];
}
