/**
 * R1 terms. Each academic year has three terms; the AB configures their dates. Default: autumn 1 Sep–31 Dec,
 * spring 1 Jan–Easter Sunday, summer Easter Monday–31 Aug. One FTE term is 65 school days (configurable).
 * An academic year is named by the calendar year it starts in (2025 = 2025/26).
 */
import { addDays, daysBetween, type IsoDate, isIsoDate, isoDate, yearOf } from './calendar-date.js';
import { invalid } from '../shared/domain-error.js';

export type TermName = 'autumn' | 'spring' | 'summer';
export const TERM_NAMES: readonly TermName[] = ['autumn', 'spring', 'summer'];

export interface TermDates {
  readonly start: IsoDate;
  /** Inclusive. */
  readonly end: IsoDate;
}

export type AcademicYearTerms = Readonly<Record<TermName, TermDates>>;

export interface Term extends TermDates {
  readonly academicYear: number;
  readonly name: TermName;
  /** Position in an endless sequence of terms (autumn 2025 = 6075), so terms can be stepped through and compared. */
  readonly index: number;
}

/** R1: one FTE term = 65 school days; used to turn absence days into FTE terms (R8, R9). */
export const DEFAULT_FTE_TERM_DAYS = 65;

/** Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/** R1 default term dates for the academic year starting in September of `academicYear`. */
export function defaultAcademicYearTerms(academicYear: number): AcademicYearTerms {
  const easter = easterSunday(academicYear + 1);
  return {
    autumn: { start: isoDate(academicYear, 9, 1), end: isoDate(academicYear, 12, 31) },
    spring: { start: isoDate(academicYear + 1, 1, 1), end: easter },
    summer: { start: addDays(easter, 1), end: isoDate(academicYear + 1, 8, 31) },
  };
}

export interface TermCalendarOptions {
  /** R1: term dates the hub's staff set for particular academic years, replacing the default for that year. */
  readonly overrides?: Readonly<Record<number, AcademicYearTerms>>;
  /** R1: school days in one FTE term. */
  readonly fteTermDays?: number;
}

/**
 * R1: the AB's term calendar (default dates plus per-year overrides). Terms of an overridden year may leave
 * gaps (holidays between terms); days in a gap belong to no term and count towards nothing.
 */
export class TermCalendar {
  readonly fteTermDays: number;
  private readonly overrides: Readonly<Record<number, AcademicYearTerms>>;
  /** Terms are asked for over and over while accruing (R4); the calendar never changes once built. */
  private readonly termsByIndex = new Map<number, Term>();

  constructor(options: TermCalendarOptions = {}) {
    this.overrides = options.overrides ?? {};
    this.fteTermDays = options.fteTermDays ?? DEFAULT_FTE_TERM_DAYS;
    if (!Number.isInteger(this.fteTermDays) || this.fteTermDays <= 0) {
      throw invalid('R1: school days in an FTE term must be a whole number above 0', 'fteTermDays', 'R1');
    }
    for (const [year, terms] of Object.entries(this.overrides)) validateAcademicYear(Number(year), terms);
  }

  /** A calendar with this year's term dates set by hub staff (R1); other years keep theirs. */
  withAcademicYear(academicYear: number, terms: AcademicYearTerms): TermCalendar {
    return new TermCalendar({
      overrides: { ...this.overrides, [academicYear]: terms },
      fteTermDays: this.fteTermDays,
    });
  }

  /** A calendar counting `fteTermDays` school days to an FTE term (R1: configurable). */
  withFteTermDays(fteTermDays: number): TermCalendar {
    return new TermCalendar({ overrides: this.overrides, fteTermDays });
  }

  academicYearTerms(academicYear: number): AcademicYearTerms {
    return this.overrides[academicYear] ?? defaultAcademicYearTerms(academicYear);
  }

  termAt(index: number): Term {
    let term = this.termsByIndex.get(index);
    if (!term) {
      const academicYear = Math.floor(index / 3);
      const name = TERM_NAMES[index - academicYear * 3];
      term = { ...this.academicYearTerms(academicYear)[name], academicYear, name, index };
      this.termsByIndex.set(index, term);
    }
    return term;
  }

  /** The term `date` falls in, or null when it falls between two overridden terms. */
  termOn(date: IsoDate): Term | null {
    const term = this.termOnOrAfter(date);
    return term.start <= date ? term : null;
  }

  /** The term `date` falls in, or the next one to start when it falls between terms. */
  termOnOrAfter(date: IsoDate): Term {
    // Academic year `y` runs roughly Sep y – Aug y+1; overrides may shift its edges by a few weeks.
    for (let index = (yearOf(date) - 1) * 3; ; index += 1) {
      const term = this.termAt(index);
      if (term.end >= date) return term;
    }
  }

  /** Terms overlapping the inclusive range [from, to], in order. */
  termsOverlapping(from: IsoDate, to: IsoDate): Term[] {
    const terms: Term[] = [];
    if (to < from) return terms;
    for (let term = this.termOnOrAfter(from); term.start <= to; term = this.termAt(term.index + 1)) {
      terms.push(term);
    }
    return terms;
  }

  /** Calendar days in a term (inclusive). */
  static lengthInDays(term: TermDates): number {
    return daysBetween(term.start, term.end) + 1;
  }
}

function validateAcademicYear(academicYear: number, terms: AcademicYearTerms): void {
  let previousEnd: IsoDate | null = null;
  for (const name of TERM_NAMES) {
    const dates = terms[name];
    if (!dates || !isIsoDate(dates.start) || !isIsoDate(dates.end) || dates.end < dates.start) {
      throw invalid(`R1: ${name} term ${academicYear} needs a start and an end on or after it`, name, 'R1');
    }
    if (previousEnd !== null && dates.start <= previousEnd) {
      throw invalid(`R1: ${name} term ${academicYear} must start after the previous term ends`, name, 'R1');
    }
    previousEnd = dates.end;
  }
  const next = defaultAcademicYearTerms(academicYear + 1).autumn.start;
  const previous = defaultAcademicYearTerms(academicYear - 1).summer.end;
  if (terms.autumn.start <= previous || terms.summer.end >= next) {
    throw invalid(
      `R1: terms of ${academicYear} must fall between 1 Sep ${academicYear} and 31 Aug ${academicYear + 1}`,
      'autumn',
      'R1',
    );
  }
}
