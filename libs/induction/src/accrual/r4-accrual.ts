/**
 * R4 accrual (2.34 and footnote): each term in post adds `fte × fraction of the term in post` FTE terms,
 * kept exact and reported to 2 decimals. R5 decides which posts count; R7 lets several posts count at once;
 * pauses other than statutory leave add nothing (statutory leave counts unless the ECT chooses to extend, R9).
 */
import { addDays, type IsoDate, minDate } from '../calendar/calendar-date.js';
import { TermCalendar } from '../calendar/r1-terms.js';
import type { EctState, Post } from '../induction/ect.state.js';
import { type DateRange, overlapDays, subtractRanges } from './intervals.js';
import { meetsMinimumPeriod } from './r5-minimum-period.js';

/**
 * `termsServed` depends only on the calendar, the posts, the pauses, the prior terms and the date. States are
 * immutable and an event that changes neither posts nor pauses keeps the same arrays, so the answers are kept
 * per (calendar, posts, pauses) by identity: the rules ask it again for every absence at every event
 * (R8's induction year of each absence), which was quadratic in the absences of a stream.
 */
const servedMemo = new WeakMap<
  TermCalendar,
  WeakMap<readonly Post[], WeakMap<EctState['pauses'], Map<string, number>>>
>();

/** R4: FTE terms served up to and including `asOf`, including any earlier spell with this AB. */
export function termsServed(state: EctState, asOf: IsoDate, calendar: TermCalendar): number {
  if (!Array.isArray(state.posts) || !Array.isArray(state.pauses))
    return computeTermsServed(state, asOf, calendar);
  let byPosts = servedMemo.get(calendar);
  if (!byPosts) servedMemo.set(calendar, (byPosts = new WeakMap()));
  let byPauses = byPosts.get(state.posts);
  if (!byPauses) byPosts.set(state.posts, (byPauses = new WeakMap()));
  let answers = byPauses.get(state.pauses);
  if (!answers) byPauses.set(state.pauses, (answers = new Map()));
  const key = `${state.priorTermsServed}|${asOf}`;
  let served = answers.get(key);
  if (served === undefined) {
    served = computeTermsServed(state, asOf, calendar);
    answers.set(key, served);
  }
  return served;
}

/**
 * R4 as `termsServed`, without its memo: for a caller that asks each date once (`inductionYears`), for which
 * building the memo's key would cost more than it saves.
 */
export function computeTermsServed(state: EctState, asOf: IsoDate, calendar: TermCalendar): number {
  const pauses = pausesWithoutAccrual(state, asOf);
  return state.posts.reduce(
    (sum, post) =>
      sum + (meetsMinimumPeriod(post, asOf, calendar) ? termsServedInPost(post, asOf, pauses, calendar) : 0),
    state.priorTermsServed,
  );
}

/** R4 for one post, ignoring R5: FTE × fraction of each term in post. */
export function termsServedInPost(
  post: Post,
  asOf: IsoDate,
  pauses: readonly DateRange[],
  calendar: TermCalendar,
): number {
  const last = post.leftOn === null ? asOf : minDate(post.leftOn, asOf);
  let sum = 0;
  post.patterns.forEach((pattern, i) => {
    const next = post.patterns[i + 1];
    const to = next ? minDate(addDays(next.from, -1), last) : last;
    for (const piece of subtractRanges({ from: pattern.from, to }, pauses)) {
      if (piece.to < piece.from) continue;
      for (const term of calendar.termsOverlapping(piece.from, piece.to)) {
        sum +=
          (pattern.fte * overlapDays(piece.from, piece.to, term.start, term.end)) /
          TermCalendar.lengthInDays(term);
      }
    }
  });
  return sum;
}

function pausesWithoutAccrual(state: EctState, asOf: IsoDate): DateRange[] {
  return state.pauses
    .filter((pause) => pause.reason !== 'statutory-leave')
    .map((pause) => ({ from: pause.from, to: pause.until ?? asOf }));
}
