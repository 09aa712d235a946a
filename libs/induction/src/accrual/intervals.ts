/** Inclusive date ranges, the unit of accrual (R4) and of pauses. */
import { addDays, daysBetween, type IsoDate, maxDate, minDate } from '../calendar/calendar-date.js';

/** Tolerance for sums of term fractions, which are not exact in binary floating point. */
export const EPSILON = 1e-9;

export interface DateRange {
  readonly from: IsoDate;
  /** Inclusive. */
  readonly to: IsoDate;
}

export function overlapDays(aFrom: IsoDate, aTo: IsoDate, bFrom: IsoDate, bTo: IsoDate): number {
  const from = maxDate(aFrom, bFrom);
  const to = minDate(aTo, bTo);
  return to < from ? 0 : daysBetween(from, to) + 1;
}

/** `range` minus every range in `holes`, as ordered disjoint ranges. */
export function subtractRanges(range: DateRange, holes: readonly DateRange[]): DateRange[] {
  let pieces: DateRange[] = [range];
  for (const hole of holes) {
    pieces = pieces.flatMap((piece) => {
      if (hole.to < piece.from || hole.from > piece.to) return [piece];
      const left = hole.from > piece.from ? [{ from: piece.from, to: dayBefore(hole.from) }] : [];
      const right = hole.to < piece.to ? [{ from: dayAfter(hole.to), to: piece.to }] : [];
      return [...left, ...right];
    });
  }
  return pieces;
}

const dayBefore = (date: IsoDate): IsoDate => addDays(date, -1);
const dayAfter = (date: IsoDate): IsoDate => addDays(date, 1);
/** Rounds FTE terms to the 2 decimals the AB reports (R4). */
export const roundTerms = (terms: number): number => Math.round((terms + EPSILON) * 100) / 100;
