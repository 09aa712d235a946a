import { describe, expect, it } from '@jest/globals';
import { addWorkingDays } from '#induction/calendar/r2-working-days.js';
import { DECISION_WORKING_DAYS } from '#induction/decision/r16-decision.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import { alertStage, reminderStage, reminderStageDate, workingDaysBefore } from './stages.js';

describe('reminder stages', () => {
  const dueBy = '2026-04-05';
  it('fires a week before, on the day, the day after, then weekly while overdue', () => {
    expect(reminderStage(dueBy, '2026-03-28')).toBeNull();
    expect(reminderStage(dueBy, '2026-03-29')).toBe('week-before');
    expect(reminderStage(dueBy, '2026-04-04')).toBe('week-before');
    expect(reminderStage(dueBy, dueBy)).toBe('on-the-day');
    expect(reminderStage(dueBy, '2026-04-06')).toBe('overdue');
    expect(reminderStage(dueBy, '2026-04-12')).toBe('overdue');
    expect(reminderStage(dueBy, '2026-04-13')).toBe('overdue-1w');
    expect(reminderStage(dueBy, '2026-04-20')).toBe('overdue-2w');
  });
  it('gives each stage one date, the first day it is current', () => {
    for (let d = -7; d < 60; d += 1) {
      const today = addDays(dueBy, d);
      const stage = reminderStage(dueBy, today)!;
      expect(reminderStageDate(dueBy, stage) <= today).toBe(true);
      expect(reminderStage(dueBy, reminderStageDate(dueBy, stage))).toBe(stage);
    }
  });
});

describe('deadline alerts on R2 working days', () => {
  it('R16: a recommendation received on 2026-12-18 is decided by 2027-01-20 (25, 28 Dec and 1 Jan are bank holidays)', () => {
    const dueBy = addWorkingDays('2026-12-18', DECISION_WORKING_DAYS);
    expect(dueBy).toBe('2027-01-20');
    expect(workingDaysBefore(dueBy, 5)).toBe('2027-01-13');
    expect(workingDaysBefore(dueBy, 1)).toBe('2027-01-19');
    expect(workingDaysBefore('2026-12-29', 1)).toBe('2026-12-24'); // skips 25, 26/27 (weekend) and 28 Dec
    expect(workingDaysBefore('2027-01-04', 1)).toBe('2026-12-31'); // skips 1 Jan and the weekend
  });
  it('alerts 5 and 1 working days before and once missed', () => {
    const dueBy = '2027-01-20';
    expect(alertStage(dueBy, '2027-01-12')).toBeNull();
    expect(alertStage(dueBy, '2027-01-13')).toBe('5-working-days');
    expect(alertStage(dueBy, '2027-01-18')).toBe('5-working-days');
    expect(alertStage(dueBy, '2027-01-19')).toBe('1-working-day');
    expect(alertStage(dueBy, dueBy)).toBe('1-working-day');
    expect(alertStage(dueBy, '2027-01-21')).toBe('missed');
  });
});
