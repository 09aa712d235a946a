/**
 * R3's induction year of a date, as R8 places each absence (`inductionYearOn`, `inductionYears`): the year is
 * found from bounds kept per (calendar, posts, pauses, prior terms), so these check it against the definition,
 * R4's terms served on that date below 3 FTE terms, whatever order the dates are asked in.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fromDayNumber, type IsoDate, toDayNumber } from '../calendar/calendar-date.js';
import { TermCalendar } from '../calendar/r1-terms.js';
import { EPSILON } from '../accrual/intervals.js';
import { YEAR_ONE_TERMS } from '../accrual/r3-length.js';
import { computeTermsServed } from '../accrual/r4-accrual.js';
import { type EctState, initialEctState, type Pause, type Post } from '../induction/ect.state.js';
import { adHocAbsence, inductionYearOn, inductionYears } from './r8-automatic-extension.js';

const calendar = new TermCalendar();

/** The definition the bounds stand for: year 1 while fewer than 3 FTE terms are served (R3, R4). */
const yearByDefinition = (state: EctState, date: IsoDate, on: TermCalendar = calendar): 1 | 2 =>
  computeTermsServed(state, date, on) < YEAR_ONE_TERMS - EPSILON ? 1 : 2;

const post = (startDate: IsoDate, patterns: Post['patterns'], leftOn: IsoDate | null = null): Post => ({
  postId: `post-${startDate}`,
  schoolUrn: '100001',
  startDate,
  leftOn,
  patterns,
});

const ectWith = (posts: readonly Post[], pauses: readonly Pause[] = [], priorTermsServed = 0): EctState => ({
  ...initialEctState(),
  phase: 'open',
  startDate: posts[0]?.startDate ?? null,
  priorTermsServed,
  posts,
  pauses,
});

describe('R3: the induction year of a date (inductionYearOn, inductionYears)', () => {
  it('full time from 1 September 2024: year 1 through the summer term, year 2 once 3 FTE terms are served', () => {
    const state = ectWith([post('2024-09-01', [{ from: '2024-09-01', fte: 1 }])]);
    // Asked late first, then early: the answers do not depend on the order.
    expect(inductionYearOn(state, '2025-10-01', calendar)).toBe(2);
    expect(inductionYearOn(state, '2024-10-01', calendar)).toBe(1);
    expect(inductionYearOn(state, '2025-08-30', calendar)).toBe(1);
    expect(inductionYearOn(state, '2025-08-31', calendar)).toBe(yearByDefinition(state, '2025-08-31'));
    expect(inductionYearOn(state, '2025-09-01', calendar)).toBe(2);
  });

  it('part time (0.5 FTE): year 1 takes two school years (R3 pro rata)', () => {
    const state = ectWith([post('2024-09-01', [{ from: '2024-09-01', fte: 0.5 }])]);
    expect(inductionYearOn(state, '2025-12-01', calendar)).toBe(1);
    expect(inductionYearOn(state, '2026-09-01', calendar)).toBe(2);
    expect(inductionYearOn(state, '2026-08-30', calendar)).toBe(1);
  });

  it('a pause other than statutory leave holds year 1 back; the same posts without it do not', () => {
    const posts = [post('2024-09-01', [{ from: '2024-09-01', fte: 1 }])];
    const unpaused = ectWith(posts);
    const paused = ectWith(posts, [{ from: '2025-01-01', until: '2025-04-20', reason: 'other' }]);
    const onLeave = ectWith(posts, [{ from: '2025-01-01', until: '2025-04-20', reason: 'statutory-leave' }]);
    const open = ectWith(posts, [{ from: '2025-01-01', until: null, reason: 'other' }]);
    expect(inductionYearOn(unpaused, '2025-09-15', calendar)).toBe(2);
    expect(inductionYearOn(paused, '2025-09-15', calendar)).toBe(1);
    expect(inductionYearOn(onLeave, '2025-09-15', calendar)).toBe(2);
    expect(inductionYearOn(open, '2030-01-01', calendar)).toBe(1);
  });

  it('prior terms served count: 3 of them put every date in year 2, another prior figure has its own bounds', () => {
    // The same posts and pauses arrays, as states folded from one stream share them.
    const posts = [post('2024-09-01', [{ from: '2024-09-01', fte: 1 }])];
    const pauses: Pause[] = [];
    expect(inductionYearOn(ectWith(posts, pauses, 0), '2025-01-15', calendar)).toBe(1);
    expect(inductionYearOn(ectWith(posts, pauses, 3), '2025-01-15', calendar)).toBe(2);
    expect(inductionYearOn(ectWith(posts, pauses, 3), '2024-01-15', calendar)).toBe(2);
    expect(inductionYearOn(ectWith(posts, pauses, 2), '2025-01-15', calendar)).toBe(2);
    expect(inductionYearOn(ectWith(posts, pauses, 0), '2025-01-15', calendar)).toBe(1);
  });

  it('another calendar (hub staff set other term dates) has its own bounds', () => {
    const state = ectWith([post('2024-09-01', [{ from: '2024-09-01', fte: 1 }])]);
    const later = calendar.withAcademicYear(2024, {
      autumn: { start: '2024-09-01', end: '2024-12-20' },
      spring: { start: '2025-01-06', end: '2025-04-04' },
      summer: { start: '2025-04-22', end: '2025-07-23' },
    });
    expect(inductionYears(state, calendar)('2025-08-31')).toBe(yearByDefinition(state, '2025-08-31'));
    expect(inductionYears(state, later)('2025-07-23')).toBe(yearByDefinition(state, '2025-07-23', later));
    expect(inductionYears(state, later)('2025-07-22')).toBe(yearByDefinition(state, '2025-07-22', later));
  });

  it('R8 sums each absence into the year it starts in', () => {
    const state: EctState = {
      ...ectWith([post('2024-09-01', [{ from: '2024-09-01', fte: 1 }])]),
      absences: [
        absence('a', '2025-03-03', 12),
        absence('b', '2025-09-08', 20),
        absence('c', '2025-06-02', 20),
        { ...absence('d', '2025-06-20', 5), withdrawn: true },
      ],
    };
    expect(adHocAbsence(state, calendar)).toEqual({ year1Days: 32, year2Days: 20, extensionDays: 32 });
  });

  it('property: the year of any date, asked in any order, is the definition on R4 (random posts, patterns, pauses)', () => {
    const day = (from: IsoDate, to: IsoDate) =>
      fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);
    const fte = fc.integer({ min: 1, max: 10 }).map((n) => n / 10);
    const postArb = fc
      .tuple(
        day('2022-01-01', '2026-12-31'),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), fte), { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 1500 }), { nil: null }),
      )
      .map(([start, patterns, leftAfter]) => {
        const from = toDayNumber(start);
        const sorted = [...patterns].sort((a, b) => a[0] - b[0]);
        return post(
          start,
          sorted.map(([after, f], i) => ({ from: fromDayNumber(from + (i === 0 ? 0 : after)), fte: f })),
          leftAfter === null ? null : fromDayNumber(from + leftAfter),
        );
      });
    const pauseArb = fc
      .tuple(
        day('2022-01-01', '2028-12-31'),
        fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
        fc.constantFrom<Pause['reason']>('other', 'statutory-leave'),
      )
      .map(([from, length, reason]): Pause => ({
        from,
        until: length === null ? null : fromDayNumber(toDayNumber(from) + length),
        reason,
      }));
    fc.assert(
      fc.property(
        fc.array(postArb, { minLength: 1, maxLength: 2 }),
        fc.array(pauseArb, { maxLength: 3 }),
        fc.array(
          fc.integer({ min: 0, max: 40 }).map((n) => n / 10),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(day('2021-06-01', '2031-12-31'), { minLength: 1, maxLength: 40 }),
        (posts, pauses, priors, dates) => {
          // States sharing the posts and pauses arrays (as an event that changes neither leaves them), with
          // different prior terms, asked about the same dates in turn: each must keep its own bounds.
          const states = priors.map((prior) => ectWith(posts, pauses, prior));
          for (const date of dates) {
            for (const state of states) {
              expect(inductionYearOn(state, date, calendar)).toBe(yearByDefinition(state, date));
            }
          }
          const yearOn = inductionYears(states[0]!, calendar);
          for (const date of [...dates].reverse())
            expect(yearOn(date)).toBe(yearByDefinition(states[0]!, date));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function absence(absenceId: string, from: IsoDate, days: number): EctState['absences'][number] {
  return {
    absenceId,
    from,
    to: fromDayNumber(toDayNumber(from) + days - 1),
    days,
    reason: 'illness',
    statutory: false,
    extendForLeave: null,
    withdrawn: false,
  };
}
