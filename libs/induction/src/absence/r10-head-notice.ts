/**
 * R10 head's notice (5.4): the school must tell the AB when an induction year's absence reaches 30 days. The
 * domain surfaces the moment it happens as `AbsenceThresholdReached`, so the app can prompt the head and AB.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { ectEvent, type AbsenceThresholdReached } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { AUTOMATIC_EXTENSION_THRESHOLD_DAYS, adHocAbsence } from './r8-automatic-extension.js';

/** R10: events for each induction year whose absence has newly reached 30 days in `after`. */
export function headNoticesDue(
  after: EctState,
  on: IsoDate,
  calendar: TermCalendar,
): AbsenceThresholdReached[] {
  const { year1Days, year2Days } = adHocAbsence(after, calendar);
  return (
    [
      [1, year1Days],
      [2, year2Days],
    ] as const
  )
    .filter(
      ([year, days]) =>
        days >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS && !after.absenceThresholdsReached.includes(year),
    )
    .map(([inductionYear, days]) =>
      ectEvent('AbsenceThresholdReached', { inductionYear, days, reachedOn: on }),
    );
}
