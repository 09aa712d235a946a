/**
 * Plain calendar dates ('YYYY-MM-DD'). Events and commands carry dates, never instants, so all arithmetic is
 * done on UTC day numbers: no time zone or daylight-saving shift can move a statutory deadline by a day.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  return fromDayNumber(toDayNumber(value)) === value;
}

/**
 * Accrual and deadline searches convert the same few hundred dates thousands of times per summary, so both
 * directions are memoised (bounded: the maps are cleared when they grow past CACHE_LIMIT).
 */
const CACHE_LIMIT = 20_000;
const dayNumbers = new Map<string, number>();
const isoDates = new Map<number, IsoDate>();

/** Days since 1970-01-01. */
export function toDayNumber(date: IsoDate): number {
  const cached = dayNumbers.get(date);
  if (cached !== undefined) return cached;
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY;
  if (dayNumbers.size >= CACHE_LIMIT) dayNumbers.clear();
  dayNumbers.set(date, day);
  return day;
}

export function fromDayNumber(day: number): IsoDate {
  const cached = isoDates.get(day);
  if (cached !== undefined) return cached;
  const date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (isoDates.size >= CACHE_LIMIT) isoDates.clear();
  isoDates.set(day, date);
  return date;
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  return fromDayNumber(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export const addDays = (date: IsoDate, days: number): IsoDate => fromDayNumber(toDayNumber(date) + days);

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => toDayNumber(to) - toDayNumber(from);

/** 0 = Sunday … 6 = Saturday. */
export const dayOfWeek = (date: IsoDate): number => new Date(toDayNumber(date) * MS_PER_DAY).getUTCDay();

export const yearOf = (date: IsoDate): number => Number(date.slice(0, 4));

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);
