/**
 * When reminders and deadline alerts fire. Pure: `today` comes from the sweep (the injected clock, as a
 * London date). A stage is the latest one reached by `today`, so a sweep missed while the worker was down
 * sends the stage that is current when it runs, not a burst of stale ones; the job id includes the stage, so
 * each stage is sent once.
 */
import { addDays, daysBetween, type IsoDate } from '#induction/calendar/calendar-date.js';
import { isWorkingDay } from '#induction/calendar/r2-working-days.js';

/** Reminders for a due item: a week before, on the day, the day after (overdue), then weekly while overdue. */
export type ReminderStage = 'week-before' | 'on-the-day' | 'overdue' | `overdue-${number}w`;

export function reminderStage(dueBy: IsoDate, today: IsoDate): ReminderStage | null {
  const days = daysBetween(dueBy, today); // negative before the due date
  if (days < -7) return null;
  if (days < 0) return 'week-before';
  if (days === 0) return 'on-the-day';
  const weeks = Math.floor((days - 1) / 7);
  return weeks === 0 ? 'overdue' : `overdue-${weeks}w`;
}

/** The date a reminder stage falls on (the inverse of `reminderStage`). */
export function reminderStageDate(dueBy: IsoDate, stage: ReminderStage): IsoDate {
  if (stage === 'week-before') return addDays(dueBy, -7);
  if (stage === 'on-the-day') return dueBy;
  if (stage === 'overdue') return addDays(dueBy, 1);
  return addDays(dueBy, 1 + 7 * Number(stage.slice('overdue-'.length, -1)));
}

/** R2: the working day `n` working days before `date` (the deadline itself never counts). */
export function workingDaysBefore(date: IsoDate, n: number): IsoDate {
  let day = date;
  let remaining = n;
  while (remaining > 0) {
    day = addDays(day, -1);
    if (isWorkingDay(day)) remaining -= 1;
  }
  return day;
}

/** Alerts before a statutory deadline (R2 working days) and once it has passed. */
export type AlertStage = '5-working-days' | '1-working-day' | 'missed';
export const ALERT_WORKING_DAYS = [5, 1] as const;

export function alertStage(dueBy: IsoDate, today: IsoDate): AlertStage | null {
  if (today > dueBy) return 'missed';
  if (today >= workingDaysBefore(dueBy, 1)) return '1-working-day';
  if (today >= workingDaysBefore(dueBy, 5)) return '5-working-days';
  return null;
}
