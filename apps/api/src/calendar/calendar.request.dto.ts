import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { MAX_FTE_TERM_DAYS, MIN_FTE_TERM_DAYS } from '#induction/calendar/ab-calendar.decider.js';
import { IsCalendarDate } from '../http/validators.js';

export class TermDatesDto {
  @ApiProperty({ example: '2026-09-02', description: 'First day of the term (YYYY-MM-DD)' })
  @IsCalendarDate()
  start!: string;

  @ApiProperty({ example: '2026-12-18', description: 'Last day of the term, inclusive (YYYY-MM-DD)' })
  @IsCalendarDate()
  end!: string;
}

/**
 * `PUT /api/v1/calendar/academic-years/:year`: the year's three term dates (R1). The domain then checks the
 * rule (422): terms in order without overlapping, inside 1 Sep – 31 Aug, each long enough, no ended term moved.
 */
export class SetAcademicYearTermDatesRequestDto {
  @ApiProperty({ type: TermDatesDto })
  @IsDefined({ message: 'autumn is required: { start, end }' })
  @IsObject({ message: 'autumn must be an object: { start, end }' })
  @ValidateNested()
  @Type(() => TermDatesDto)
  autumn!: TermDatesDto;

  @ApiProperty({ type: TermDatesDto })
  @IsDefined({ message: 'spring is required: { start, end }' })
  @IsObject({ message: 'spring must be an object: { start, end }' })
  @ValidateNested()
  @Type(() => TermDatesDto)
  spring!: TermDatesDto;

  @ApiProperty({ type: TermDatesDto })
  @IsDefined({ message: 'summer is required: { start, end }' })
  @IsObject({ message: 'summer must be an object: { start, end }' })
  @ValidateNested()
  @Type(() => TermDatesDto)
  summer!: TermDatesDto;
}

/** `PUT /api/v1/calendar/fte-term-days`: school days in one FTE term (R1, default 65). */
export class SetFteTermDaysRequestDto {
  @ApiProperty({ example: 65, minimum: MIN_FTE_TERM_DAYS, maximum: MAX_FTE_TERM_DAYS })
  @IsInt({ message: 'fteTermDays must be a whole number' })
  @Min(MIN_FTE_TERM_DAYS, { message: `fteTermDays must be at least ${MIN_FTE_TERM_DAYS}` })
  @Max(MAX_FTE_TERM_DAYS, { message: `fteTermDays must be at most ${MAX_FTE_TERM_DAYS}` })
  fteTermDays!: number;
}
