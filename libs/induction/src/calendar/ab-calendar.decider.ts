/**
 * R1: the AB's calendar as hub staff configure it (stream `ab-calendar`, one for the whole AB). Hub staff set
 * an academic year's three term dates (replacing the default for that year) and, optionally, the school days
 * in one FTE term. The `TermCalendar` the rest of the domain uses is `termCalendarOf(state)`.
 *
 * What a change means (an AB sets next year's dates before it starts, and now and then corrects a term that
 * is under way):
 * - a term that has already ended (its last day is before the day of the change) keeps its dates: terms
 *   served, assessments and deadlines were worked out and acted on with them, so they are history. Changing
 *   an ended term, or a year whose terms have all ended, is refused (R1, 422);
 * - a term under way or still to come may change, except that a term under way cannot be made to end before
 *   the day of the change (that would end it in the past);
 * - the change is recorded as an event; from then on every figure that depends on the calendar (terms served,
 *   expected end dates, due dates, plans, entitlements) is worked out with the new dates, and the read models
 *   are rebuilt with them.
 * Setting a year's dates to exactly the dates it already has records nothing (an idempotent repeat).
 */
import { isIsoDate, type IsoDate } from './calendar-date.js';
import {
  DEFAULT_FTE_TERM_DAYS,
  TERM_NAMES,
  TermCalendar,
  defaultAcademicYearTerms,
  type AcademicYearTerms,
  type TermName,
} from './r1-terms.js';
import { workingDaysBetween } from './r2-working-days.js';
import { addDays } from './calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { invalid, statutory } from '../shared/domain-error.js';

export const AB_CALENDAR_STREAM = 'ab-calendar';

/** R1: a term must hold at least this many working days (R2: weekdays that are not bank holidays). */
export const MIN_TERM_WORKING_DAYS = 30;
/** Academic years hub staff may configure (the domain's dates are 4-digit years). */
export const FIRST_CONFIGURABLE_YEAR = 2000;
export const LAST_CONFIGURABLE_YEAR = 2098;
/** R1: bounds for the school days in one FTE term. */
export const MIN_FTE_TERM_DAYS = 30;
export const MAX_FTE_TERM_DAYS = 100;

export type SetAcademicYearTermDates = {
  readonly type: 'SetAcademicYearTermDates';
  readonly data: { academicYear: number; terms: AcademicYearTerms; on: IsoDate };
};
export type SetFteTermDays = {
  readonly type: 'SetFteTermDays';
  readonly data: { fteTermDays: number; on: IsoDate };
};
export type AbCalendarCommand = SetAcademicYearTermDates | SetFteTermDays;

export type AcademicYearTermDatesSet = DomainEvent<
  'AcademicYearTermDatesSet',
  {
    academicYear: number;
    autumn: { start: IsoDate; end: IsoDate };
    spring: { start: IsoDate; end: IsoDate };
    summer: { start: IsoDate; end: IsoDate };
    setOn: IsoDate;
  }
>;
export type FteTermDaysSet = DomainEvent<'FteTermDaysSet', { fteTermDays: number; setOn: IsoDate }>;
export type AbCalendarEvent = AcademicYearTermDatesSet | FteTermDaysSet;

export interface ConfiguredYear {
  readonly terms: AcademicYearTerms;
  readonly setOn: IsoDate;
}

export interface AbCalendarState {
  /** Academic year (2025 = 2025/26) → the dates hub staff set. Years not here keep the R1 defaults. */
  readonly years: Readonly<Record<number, ConfiguredYear>>;
  /** Null: the R1 default (65). */
  readonly fteTermDays: number | null;
}

export const initialAbCalendarState = (): AbCalendarState => ({ years: {}, fteTermDays: null });

/** The dates in force for a year: the configured ones, else the R1 defaults. */
export function termsInForce(state: AbCalendarState, academicYear: number): AcademicYearTerms {
  return state.years[academicYear]?.terms ?? defaultAcademicYearTerms(academicYear);
}

/** R1: the term calendar the log describes. Nothing configured gives exactly `new TermCalendar()`. */
export function termCalendarOf(state: AbCalendarState): TermCalendar {
  const overrides: Record<number, AcademicYearTerms> = {};
  for (const [year, configured] of Object.entries(state.years)) overrides[Number(year)] = configured.terms;
  return new TermCalendar({ overrides, fteTermDays: state.fteTermDays ?? DEFAULT_FTE_TERM_DAYS });
}

const TERM_WORDS: Record<TermName, string> = { autumn: 'Autumn', spring: 'Spring', summer: 'Summer' };

/** "2025/26". */
export const academicYearLabel = (academicYear: number): string =>
  `${academicYear}/${String((academicYear + 1) % 100).padStart(2, '0')}`;

/**
 * R1: the checks on one year's dates, in the order a person would fix them. Returns the refusal or null.
 * Shapes (dates that are not dates) are 400s; these are the rule's own refusals (422).
 */
export function termDatesProblem(academicYear: number, terms: AcademicYearTerms): string | null {
  const label = academicYearLabel(academicYear);
  const first = `${academicYear}-09-01`;
  const last = `${academicYear + 1}-08-31`;
  for (const name of TERM_NAMES) {
    const { start, end } = terms[name];
    if (end < start) return `${TERM_WORDS[name]} term ${label} must end on or after the day it starts`;
    if (start < first || end > last) {
      return `${TERM_WORDS[name]} term ${label} must fall within the academic year, 1 September ${academicYear} to 31 August ${academicYear + 1}`;
    }
  }
  for (let i = 1; i < TERM_NAMES.length; i += 1) {
    const previous = TERM_NAMES[i - 1]!;
    const name = TERM_NAMES[i]!;
    if (terms[name].start <= terms[previous].end) {
      return `${TERM_WORDS[name]} term ${label} must start after the ${previous} term ends (terms are in order and do not overlap)`;
    }
  }
  for (const name of TERM_NAMES) {
    const { start, end } = terms[name];
    // workingDaysBetween counts the days after `from`, so start the count the day before the term.
    if (workingDaysBetween(addDays(start, -1), end) < MIN_TERM_WORKING_DAYS) {
      return `${TERM_WORDS[name]} term ${label} must have at least ${MIN_TERM_WORKING_DAYS} working days`;
    }
  }
  return null;
}

const sameDates = (a: AcademicYearTerms, b: AcademicYearTerms): boolean =>
  TERM_NAMES.every((n) => a[n].start === b[n].start && a[n].end === b[n].end);

function requireTerms(terms: unknown): AcademicYearTerms {
  const value = terms as Partial<Record<TermName, { start?: unknown; end?: unknown }>> | null;
  for (const name of TERM_NAMES) {
    const dates = value?.[name];
    if (!isIsoDate(dates?.start)) throw invalid(`${name}.start must be a date (YYYY-MM-DD)`, `${name}.start`);
    if (!isIsoDate(dates?.end)) throw invalid(`${name}.end must be a date (YYYY-MM-DD)`, `${name}.end`);
  }
  return {
    autumn: { start: value!.autumn!.start as IsoDate, end: value!.autumn!.end as IsoDate },
    spring: { start: value!.spring!.start as IsoDate, end: value!.spring!.end as IsoDate },
    summer: { start: value!.summer!.start as IsoDate, end: value!.summer!.end as IsoDate },
  };
}

function decide(command: AbCalendarCommand, state: AbCalendarState): AbCalendarEvent[] {
  const on = command.data?.on;
  if (!isIsoDate(on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  switch (command.type) {
    case 'SetAcademicYearTermDates': {
      const { academicYear } = command.data;
      if (
        !Number.isInteger(academicYear) ||
        academicYear < FIRST_CONFIGURABLE_YEAR ||
        academicYear > LAST_CONFIGURABLE_YEAR
      ) {
        throw invalid(
          `academicYear must be a year from ${FIRST_CONFIGURABLE_YEAR} to ${LAST_CONFIGURABLE_YEAR}`,
          'academicYear',
        );
      }
      const terms = requireTerms(command.data.terms);
      const configured = state.years[academicYear];
      // An idempotent repeat: the year already has exactly these dates.
      if (configured && sameDates(configured.terms, terms)) return [];
      const problem = termDatesProblem(academicYear, terms);
      if (problem) throw statutory('R1', problem, 'terms');
      const current = termsInForce(state, academicYear);
      const label = academicYearLabel(academicYear);
      for (const name of TERM_NAMES) {
        const was = current[name];
        const now = terms[name];
        const changed = was.start !== now.start || was.end !== now.end;
        if (!changed) continue;
        if (was.end < on) {
          throw statutory(
            'R1',
            `${TERM_WORDS[name]} term ${label} ended on ${was.end}: the dates of a term that has ended cannot change`,
            name,
          );
        }
        if (now.end < on) {
          throw statutory(
            'R1',
            `${TERM_WORDS[name]} term ${label} cannot be made to end before today (${on})`,
            name,
          );
        }
      }
      return [
        {
          type: 'AcademicYearTermDatesSet',
          schemaVersion: 1,
          data: {
            academicYear,
            autumn: { ...terms.autumn },
            spring: { ...terms.spring },
            summer: { ...terms.summer },
            setOn: on,
          },
        },
      ];
    }
    case 'SetFteTermDays': {
      const { fteTermDays } = command.data;
      if (
        !Number.isInteger(fteTermDays) ||
        fteTermDays < MIN_FTE_TERM_DAYS ||
        fteTermDays > MAX_FTE_TERM_DAYS
      ) {
        throw statutory(
          'R1',
          `school days in an FTE term must be a whole number from ${MIN_FTE_TERM_DAYS} to ${MAX_FTE_TERM_DAYS}`,
          'fteTermDays',
        );
      }
      if ((state.fteTermDays ?? DEFAULT_FTE_TERM_DAYS) === fteTermDays) return [];
      return [{ type: 'FteTermDaysSet', schemaVersion: 1, data: { fteTermDays, setOn: on } }];
    }
    default:
      throw invalid(`Unknown command ${(command as { type: string }).type}`);
  }
}

function evolve(state: AbCalendarState, event: AbCalendarEvent): AbCalendarState {
  switch (event.type) {
    case 'AcademicYearTermDatesSet': {
      const { academicYear, autumn, spring, summer, setOn } = event.data;
      return {
        ...state,
        years: { ...state.years, [academicYear]: { terms: { autumn, spring, summer }, setOn } },
      };
    }
    case 'FteTermDaysSet':
      return { ...state, fteTermDays: event.data.fteTermDays };
    default:
      // Events from a newer version of the service are skipped rather than failing the calendar.
      return state;
  }
}

export const abCalendarDecider: Decider<AbCalendarCommand, AbCalendarEvent, AbCalendarState> = {
  initialState: initialAbCalendarState,
  decide,
  evolve,
};
