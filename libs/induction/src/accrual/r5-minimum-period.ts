/**
 * R5 minimum period (2.33, 2.34, 2.14): a post counts towards induction only once continuous employment in it
 * reaches one calendar term, whatever the FTE; after that any length counts. Short-term supply under a term
 * never counts. Continuous employment is unbroken by pauses or leave, so they are not subtracted here.
 */
import { type IsoDate, minDate } from '../calendar/calendar-date.js';
import { TermCalendar } from '../calendar/r1-terms.js';
import type { Post } from '../induction/ect.state.js';
import { EPSILON, overlapDays } from './intervals.js';

/** Calendar terms (fractions of each term's days) covered by the post up to and including `asOf`. */
export function calendarTermsInPost(post: Post, asOf: IsoDate, calendar: TermCalendar): number {
  const last = post.leftOn === null ? asOf : minDate(post.leftOn, asOf);
  if (last < post.startDate) return 0;
  return calendar
    .termsOverlapping(post.startDate, last)
    .reduce(
      (sum, term) =>
        sum + overlapDays(post.startDate, last, term.start, term.end) / TermCalendar.lengthInDays(term),
      0,
    );
}

/** R5: the post has reached one calendar term of continuous employment by `asOf`. */
export const meetsMinimumPeriod = (post: Post, asOf: IsoDate, calendar: TermCalendar): boolean =>
  calendarTermsInPost(post, asOf, calendar) >= 1 - EPSILON;
