import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from './calendar-date.js';
import { addWorkingDays, isBankHoliday, isWorkingDay, workingDaysBetween } from './r2-working-days.js';

const anyDate = fc
  .integer({ min: toDayNumber('2020-01-01'), max: toDayNumber('2035-12-31') })
  .map(fromDayNumber);

describe('R2 working days', () => {
  it('R2: England and Wales bank holidays, substitute days included, observances excluded', () => {
    expect(isBankHoliday('2026-04-03')).toBe(true); // Good Friday
    expect(isBankHoliday('2026-04-06')).toBe(true); // Easter Monday
    expect(isBankHoliday('2026-12-28')).toBe(true); // Boxing Day substitute
    expect(isBankHoliday('2026-04-05')).toBe(false); // Easter Sunday is an observance
    expect(isBankHoliday('2026-03-17')).toBe(false); // St Patrick's Day is Northern Ireland only
    expect(isWorkingDay('2026-05-25')).toBe(false); // spring bank holiday
    expect(isWorkingDay('2026-05-26')).toBe(true);
  });

  it('R2: counts from the day after the trigger, skipping weekends and bank holidays', () => {
    expect(addWorkingDays('2026-01-05', 1)).toBe('2026-01-06'); // Monday → Tuesday
    expect(addWorkingDays('2026-01-09', 1)).toBe('2026-01-12'); // Friday → Monday
    expect(addWorkingDays('2026-04-01', 3)).toBe('2026-04-08'); // over Good Friday and Easter Monday
    expect(addWorkingDays('2025-12-19', 10)).toBe('2026-01-07'); // over Christmas, Boxing Day, New Year
    expect(addWorkingDays('2026-01-10', 0)).toBe('2026-01-10');
  });

  it('R2: every statutory deadline lands on a working day', () => {
    fc.assert(
      fc.property(anyDate, fc.constantFrom(3, 10, 20), (trigger, n) => {
        expect(isWorkingDay(addWorkingDays(trigger, n))).toBe(true);
      }),
    );
  });

  it('R2: the deadline is exactly n working days after the trigger, weekends and bank holidays counted out', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 40 }), (trigger, n) => {
        const deadline = addWorkingDays(trigger, n);
        expect(workingDaysBetween(trigger, deadline)).toBe(n);
        expect(workingDaysBetween(trigger, addDays(deadline, -1))).toBe(n - 1);
      }),
    );
  });
});
