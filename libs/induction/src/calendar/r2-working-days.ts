/**
 * R2 working days: Monday to Friday, excluding bank holidays in England and Wales. Every statutory deadline
 * (R12 report 10, R15 representations 10, R16 decision 20, R17 notification 3, R18 appeal 20 working days)
 * counts working days from the day after its trigger, so a deadline always lands on a working day.
 */
import Holidays from 'date-holidays';
import { addDays, dayOfWeek, type IsoDate, yearOf } from './calendar-date.js';

/**
 * R2: England and Wales bank holidays. For GB/ENG, date-holidays marks the bank holidays (and their substitute
 * days) as type 'public'; 'observance' entries (Mother's Day, Easter Sunday…) are not days off.
 */
const englandAndWales = new Holidays('GB', 'ENG');
const BANK_HOLIDAY_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);
const bankHolidaysByYear = new Map<number, ReadonlySet<IsoDate>>();

export function bankHolidays(year: number): ReadonlySet<IsoDate> {
  let dates = bankHolidaysByYear.get(year);
  if (!dates) {
    dates = new Set(
      englandAndWales
        .getHolidays(year)
        .filter((holiday) => BANK_HOLIDAY_TYPES.has(holiday.type))
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    bankHolidaysByYear.set(year, dates);
  }
  return dates;
}

export const isBankHoliday = (date: IsoDate): boolean => bankHolidays(yearOf(date)).has(date);

export function isWorkingDay(date: IsoDate): boolean {
  const weekday = dayOfWeek(date);
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(date);
}

/**
 * R2: the date `workingDays` working days after `trigger`, counting from the day after it (the trigger day
 * itself never counts). With 0 it is the trigger day itself.
 */
export function addWorkingDays(trigger: IsoDate, workingDays: number): IsoDate {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`R2: working days must be a whole number ≥ 0, got ${workingDays}`);
  }
  let date = trigger;
  let remaining = workingDays;
  while (remaining > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date)) remaining -= 1;
  }
  return date;
}

/** R2: working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) {
    if (isWorkingDay(date)) count += 1;
  }
  return count;
}
