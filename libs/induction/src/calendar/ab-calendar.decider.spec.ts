import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween, fromDayNumber, toDayNumber, type IsoDate } from './calendar-date.js';
import {
  abCalendarDecider,
  initialAbCalendarState,
  MIN_TERM_WORKING_DAYS,
  termCalendarOf,
  termDatesProblem,
  type AbCalendarCommand,
  type AbCalendarEvent,
  type AbCalendarState,
} from './ab-calendar.decider.js';
import { TERM_NAMES, TermCalendar, type AcademicYearTerms } from './r1-terms.js';
import { isWorkingDay, workingDaysBetween } from './r2-working-days.js';
import { DomainError } from '../shared/domain-error.js';
import { fold } from '../shared/decider.js';

const { decide, evolve } = abCalendarDecider;

const SCHOOL_2026: AcademicYearTerms = {
  autumn: { start: '2026-09-02', end: '2026-12-18' },
  spring: { start: '2027-01-04', end: '2027-03-26' },
  summer: { start: '2027-04-12', end: '2027-07-21' },
};

const setYear = (academicYear: number, terms: AcademicYearTerms, on: IsoDate = '2025-10-01') =>
  ({ type: 'SetAcademicYearTermDates', data: { academicYear, terms, on } }) as const;

function given(commands: AbCalendarCommand[]): { state: AbCalendarState; events: AbCalendarEvent[] } {
  let state = initialAbCalendarState();
  const events: AbCalendarEvent[] = [];
  for (const command of commands) {
    const produced = decide(command, state);
    events.push(...produced);
    state = produced.reduce(evolve, state);
  }
  return { state, events };
}

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('AB calendar (R1: hub staff configure term dates)', () => {
  it('R1: setting a year records AcademicYearTermDatesSet v1, and the calendar uses those dates', () => {
    const events = decide(setYear(2026, SCHOOL_2026), initialAbCalendarState());
    expect(events).toEqual([
      {
        type: 'AcademicYearTermDatesSet',
        schemaVersion: 1,
        data: { academicYear: 2026, ...SCHOOL_2026, setOn: '2025-10-01' },
      },
    ]);
    const calendar = termCalendarOf(fold(abCalendarDecider, events));
    expect(calendar.academicYearTerms(2026)).toEqual(SCHOOL_2026);
    expect(calendar.academicYearTerms(2025)).toEqual(new TermCalendar().academicYearTerms(2025));
    expect(calendar.termOn('2026-12-25')).toBeNull();
  });

  it('R1: the same dates again record nothing (idempotent repeat); different dates record a change', () => {
    const { state } = given([setYear(2026, SCHOOL_2026)]);
    expect(decide(setYear(2026, SCHOOL_2026, '2025-11-01'), state)).toEqual([]);
    const changed = { ...SCHOOL_2026, summer: { start: '2027-04-12', end: '2027-07-23' } };
    expect(decide(setYear(2026, changed), state)).toHaveLength(1);
  });

  it('R1: refuses terms out of order or overlapping', () => {
    const overlapping = { ...SCHOOL_2026, spring: { start: '2026-12-10', end: '2027-03-26' } };
    const error = refusal(() => decide(setYear(2026, overlapping), initialAbCalendarState()));
    expect(error).toMatchObject({ kind: 'statutory', rule: 'R1' });
    expect(error.message).toMatch(/Spring term 2026\/27 must start after the autumn term ends/);
  });

  it('R1: refuses terms outside the academic year (1 Sep – 31 Aug)', () => {
    const early = { ...SCHOOL_2026, autumn: { start: '2026-08-28', end: '2026-12-18' } };
    expect(refusal(() => decide(setYear(2026, early), initialAbCalendarState())).message).toMatch(
      /within the academic year, 1 September 2026 to 31 August 2027/,
    );
    const late = { ...SCHOOL_2026, summer: { start: '2027-04-12', end: '2027-09-02' } };
    expect(refusal(() => decide(setYear(2026, late), initialAbCalendarState())).rule).toBe('R1');
  });

  it(`R1: refuses a term shorter than ${MIN_TERM_WORKING_DAYS} working days, or ending before it starts`, () => {
    const short = { ...SCHOOL_2026, spring: { start: '2027-01-04', end: '2027-02-05' } };
    expect(refusal(() => decide(setYear(2026, short), initialAbCalendarState())).message).toMatch(
      /Spring term 2026\/27 must have at least 30 working days/,
    );
    const backwards = { ...SCHOOL_2026, autumn: { start: '2026-12-18', end: '2026-09-02' } };
    expect(refusal(() => decide(setYear(2026, backwards), initialAbCalendarState())).message).toMatch(
      /must end on or after the day it starts/,
    );
  });

  it('R1: malformed dates and years are 400s (invalid), not rule refusals', () => {
    const bad = { ...SCHOOL_2026, autumn: { start: '2026-02-30', end: '2026-12-18' } };
    expect(refusal(() => decide(setYear(2026, bad), initialAbCalendarState()))).toMatchObject({
      kind: 'invalid',
      field: 'autumn.start',
    });
    expect(refusal(() => decide(setYear(1999, SCHOOL_2026), initialAbCalendarState()))).toMatchObject({
      kind: 'invalid',
      field: 'academicYear',
    });
  });

  it('R1: a term that has ended keeps its dates; a term under way may change but not end in the past', () => {
    // 2025/26 by default: autumn 1 Sep–31 Dec 2025, spring 1 Jan–5 Apr 2026, summer 6 Apr–31 Aug 2026.
    const defaults = new TermCalendar().academicYearTerms(2025);
    const inSpring = '2026-03-10';
    const movedAutumn = { ...defaults, autumn: { start: '2025-09-03', end: '2025-12-19' } };
    expect(
      refusal(() => decide(setYear(2025, movedAutumn, inSpring), initialAbCalendarState())),
    ).toMatchObject({ kind: 'statutory', rule: 'R1', field: 'autumn' });
    const shorterSpring = { ...defaults, spring: { start: '2026-01-01', end: '2026-03-27' } };
    expect(decide(setYear(2025, shorterSpring, inSpring), initialAbCalendarState())).toHaveLength(1);
    const springEndedYesterday = { ...defaults, spring: { start: '2026-01-01', end: '2026-03-09' } };
    expect(
      refusal(() => decide(setYear(2025, springEndedYesterday, inSpring), initialAbCalendarState())).message,
    ).toMatch(/cannot be made to end before today/);
    // A year whose terms have all ended cannot change at all.
    const lastYear = new TermCalendar().academicYearTerms(2024);
    const movedSummer = { ...lastYear, summer: { start: lastYear.summer.start, end: '2025-07-22' } };
    expect(
      refusal(() => decide(setYear(2024, movedSummer, inSpring), initialAbCalendarState())).message,
    ).toMatch(/Summer term 2024\/25 ended on 2025-08-31/);
  });

  it('R1: the FTE term length is configurable (default 65), idempotent, and bounded', () => {
    const set = (fteTermDays: number) =>
      ({ type: 'SetFteTermDays', data: { fteTermDays, on: '2025-10-01' } }) as const;
    expect(decide(set(65), initialAbCalendarState())).toEqual([]);
    const { state } = given([set(63)]);
    expect(termCalendarOf(state).fteTermDays).toBe(63);
    expect(decide(set(63), state)).toEqual([]);
    expect(refusal(() => decide(set(0), state))).toMatchObject({ kind: 'statutory', rule: 'R1' });
  });
});

/** Any valid year: three contiguous-or-gapped, ordered terms inside 1 Sep–31 Aug, each long enough. */
const validYear = fc
  .record({
    academicYear: fc.integer({ min: 2020, max: 2040 }),
    // Day offsets from 1 Sep: start of autumn, length of each term, gap before spring and summer.
    autumnStart: fc.integer({ min: 0, max: 20 }),
    lengths: fc.tuple(
      fc.integer({ min: 60, max: 110 }),
      fc.integer({ min: 60, max: 100 }),
      fc.integer({ min: 60, max: 100 }),
    ),
    gaps: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })),
  })
  .map(({ academicYear, autumnStart, lengths, gaps }) => {
    const first = toDayNumber(`${academicYear}-09-01`);
    const a0 = first + autumnStart;
    const a1 = a0 + lengths[0] - 1;
    const s0 = a1 + gaps[0];
    const s1 = s0 + lengths[1] - 1;
    const u0 = s1 + gaps[1];
    const u1 = Math.min(u0 + lengths[2] - 1, toDayNumber(`${academicYear + 1}-08-31`));
    const terms: AcademicYearTerms = {
      autumn: { start: fromDayNumber(a0), end: fromDayNumber(a1) },
      spring: { start: fromDayNumber(s0), end: fromDayNumber(s1) },
      summer: { start: fromDayNumber(u0), end: fromDayNumber(u1) },
    };
    return { academicYear, terms };
  })
  .filter(({ academicYear, terms }) => termDatesProblem(academicYear, terms) === null);

describe('AB calendar properties (R1)', () => {
  it('R1: any valid configured year is accepted and its terms cover days inside that year only', () => {
    fc.assert(
      fc.property(validYear, ({ academicYear, terms }) => {
        const events = decide(setYear(academicYear, terms, '2019-01-01'), initialAbCalendarState());
        expect(events).toHaveLength(1);
        const calendar = termCalendarOf(fold(abCalendarDecider, events));
        const first = `${academicYear}-09-01`;
        const last = `${academicYear + 1}-08-31`;
        let workingDaysInTerms = 0;
        for (let day = first; day <= last; day = addDays(day, 1)) {
          const term = calendar.termOn(day);
          if (term === null) continue;
          expect(term.academicYear).toBe(academicYear);
          expect(term.start >= first && term.end <= last).toBe(true);
          if (isWorkingDay(day)) workingDaysInTerms += 1;
        }
        const expected = TERM_NAMES.reduce(
          (sum, name) => sum + workingDaysBetween(addDays(terms[name].start, -1), terms[name].end),
          0,
        );
        expect(workingDaysInTerms).toBe(expected);
        expect(workingDaysInTerms).toBeGreaterThanOrEqual(3 * MIN_TERM_WORKING_DAYS);
      }),
      { numRuns: 60 },
    );
  });

  it('R1: with nothing configured the calendar is the default one, for any year', () => {
    const configured = termCalendarOf(initialAbCalendarState());
    const defaults = new TermCalendar();
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2090 }), (year) => {
        expect(configured.academicYearTerms(year)).toEqual(defaults.academicYearTerms(year));
        expect(configured.fteTermDays).toBe(defaults.fteTermDays);
      }),
    );
  });

  it('R1: replaying the recorded events gives the same calendar; repeating any command records nothing', () => {
    fc.assert(
      fc.property(fc.array(validYear, { minLength: 1, maxLength: 5 }), (years) => {
        const commands = years.map(({ academicYear, terms }) => setYear(academicYear, terms, '2019-01-01'));
        const { state, events } = given(commands);
        const replayed = fold(abCalendarDecider, events);
        expect(replayed).toEqual(state);
        for (const { academicYear } of years) {
          expect(termCalendarOf(replayed).academicYearTerms(academicYear)).toEqual(
            termCalendarOf(state).academicYearTerms(academicYear),
          );
        }
        for (const command of commands.slice(-1)) expect(decide(command, state)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('R1: terms that overlap are always refused with R1', () => {
    fc.assert(
      fc.property(validYear, fc.integer({ min: 0, max: 30 }), ({ academicYear, terms }, overlap) => {
        const spring = {
          start: addDays(terms.autumn.end, -overlap),
          end: terms.spring.end,
        };
        const bad = { ...terms, spring };
        expect(daysBetween(terms.autumn.end, spring.start)).toBeLessThanOrEqual(0);
        const error = refusal(() =>
          decide(setYear(academicYear, bad, '2019-01-01'), initialAbCalendarState()),
        );
        expect(error).toMatchObject({ kind: 'statutory', rule: 'R1' });
      }),
      { numRuns: 60 },
    );
  });
  it('R1: whatever day a change is made, a term that had ended keeps its dates, and no term is made to end in the past', () => {
    fc.assert(
      fc.property(validYear, fc.integer({ min: -30, max: 400 }), ({ academicYear, terms }, dayOffset) => {
        const on = addDays(`${academicYear}-09-01`, dayOffset);
        const before = new TermCalendar().academicYearTerms(academicYear);
        let events: AbCalendarEvent[];
        try {
          events = decide(setYear(academicYear, terms, on), initialAbCalendarState());
        } catch (error) {
          expect(error).toMatchObject({ kind: 'statutory', rule: 'R1' });
          return;
        }
        const after = termCalendarOf(fold(abCalendarDecider, events)).academicYearTerms(academicYear);
        for (const name of TERM_NAMES) {
          if (before[name].end < on) expect(after[name]).toEqual(before[name]);
          else if (after[name].start !== before[name].start || after[name].end !== before[name].end)
            expect(after[name].end >= on).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });
});
