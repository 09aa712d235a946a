import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CASE_ACTION_KINDS } from '#induction/early-help/early-help-case.decider.js';
import { IsCalendarDate } from '../../http/validators.js';

/** What the hub did: contacted the school (call … letter), agreed a support plan, a note, or closed the case. */
export const CASE_ACTIONS = [...CASE_ACTION_KINDS, 'closed'] as const;
export type CaseActionChoice = (typeof CASE_ACTIONS)[number];

/** `POST /early-help/cases/:id/actions` (api.md). */
export class RecordCaseActionRequestDto {
  @ApiProperty({ enum: CASE_ACTIONS, description: '`closed` resolves the case, with `note` as its reason' })
  @IsIn(CASE_ACTIONS, { message: `kind must be one of: ${CASE_ACTIONS.join(', ')}` })
  kind!: CaseActionChoice;

  @ApiProperty({ example: 'Called the induction tutor: a mentor will be named this week' })
  @IsString({ message: 'note must be text' })
  @IsNotEmpty({ message: 'note is required (for closed: the reason)' })
  @MaxLength(5000, { message: 'note must be 5000 characters or fewer' })
  note!: string;

  @ApiPropertyOptional({ example: '2026-03-20', description: 'When the hub next acts on the case' })
  @IsOptional()
  @IsCalendarDate()
  dueBy?: string;
}
