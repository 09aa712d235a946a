import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../http/validators.js';

/** `POST /ects/:id/timetables`: R22 (2.20), the ECT's timetable as a % of a main-pay-range teacher's. */
export class RecordTimetableRequestDto {
  @ApiProperty({ example: '2025-09-01' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: 90, description: 'R22: at most 90% in year 1 and 95% in year 2, on top of PPA' })
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 },
    { message: 'percentOfMainPayRangeTimetable must be a number like 90' },
  )
  @Min(0.1, { message: 'percentOfMainPayRangeTimetable must be above 0 and at most 100' })
  @Max(100, { message: 'percentOfMainPayRangeTimetable must be above 0 and at most 100' })
  percentOfMainPayRangeTimetable!: number;
}
