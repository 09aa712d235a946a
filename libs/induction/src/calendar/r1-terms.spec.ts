import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FTE_TERM_DAYS, TermCalendar, defaultAcademicYearTerms, easterSunday } from './r1-terms.js';

describe('R1 terms', () => {
  it('R1: computes Easter Sunday', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
  });

  it('R1: default terms are autumn 1 Sep–31 Dec, spring 1 Jan–Easter Sunday, summer Easter Monday–31 Aug', () => {
    expect(defaultAcademicYearTerms(2025)).toEqual({
      autumn: { start: '2025-09-01', end: '2025-12-31' },
      spring: { start: '2026-01-01', end: '2026-04-05' },
      summer: { start: '2026-04-06', end: '2026-08-31' },
    });
  });

  it('R1: one FTE term is 65 school days unless configured', () => {
    expect(new TermCalendar().fteTermDays).toBe(DEFAULT_FTE_TERM_DAYS);
    expect(DEFAULT_FTE_TERM_DAYS).toBe(65);
    expect(new TermCalendar({ fteTermDays: 63 }).fteTermDays).toBe(63);
  });

  it('R1: finds the term a date falls in and steps through terms', () => {
    const calendar = new TermCalendar();
    const term = calendar.termOn('2026-04-06');
    expect(term).toMatchObject({
      academicYear: 2025,
      name: 'summer',
      start: '2026-04-06',
      end: '2026-08-31',
    });
    expect(calendar.termAt(term!.index + 1)).toMatchObject({ academicYear: 2026, name: 'autumn' });
    expect(calendar.termsOverlapping('2025-12-31', '2026-04-06').map((t) => t.name)).toEqual([
      'autumn',
      'spring',
      'summer',
    ]);
  });

  it('R1: hub staff override a year; days between overridden terms belong to no term', () => {
    const calendar = new TermCalendar().withAcademicYear(2025, {
      autumn: { start: '2025-09-03', end: '2025-12-19' },
      spring: { start: '2026-01-05', end: '2026-03-27' },
      summer: { start: '2026-04-13', end: '2026-07-22' },
    });
    expect(calendar.termOn('2025-12-25')).toBeNull();
    expect(calendar.termOnOrAfter('2025-12-25')).toMatchObject({ name: 'spring', start: '2026-01-05' });
    expect(calendar.termOn('2026-09-01')).toMatchObject({ academicYear: 2026, name: 'autumn' });
  });

  it('R1: rejects overlapping or out-of-year overrides', () => {
    const calendar = new TermCalendar();
    expect(() =>
      calendar.withAcademicYear(2025, {
        autumn: { start: '2025-09-03', end: '2026-01-10' },
        spring: { start: '2026-01-05', end: '2026-03-27' },
        summer: { start: '2026-04-13', end: '2026-07-22' },
      }),
    ).toThrow('R1:');
    expect(() =>
      calendar.withAcademicYear(2025, {
        autumn: { start: '2025-08-20', end: '2025-12-19' },
        spring: { start: '2026-01-05', end: '2026-03-27' },
        summer: { start: '2026-04-13', end: '2026-07-22' },
      }),
    ).toThrow('R1:');
  });
});
