export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests that stays where it is put: `set` and `advance` move it explicitly. */
export interface FixedClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 instant: "${iso}"`);
  return ms;
}

/** Always answers the same instant (a fresh `Date` each call, so a caller cannot move the clock by mutating it). */
export function fixedClock(iso: string): FixedClock {
  let current = parseInstant(iso);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = parseInstant(next);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Starts at `startIso` and moves forward `stepMs` after every reading: each event gets a distinct instant. */
export function steppingClock(startIso: string, stepMs = 1000): Clock {
  let next = parseInstant(startIso);
  return {
    now: () => {
      const instant = new Date(next);
      next += stepMs;
      return instant;
    },
  };
}

const londonCalendar = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The calendar date in England at `instant`, as `YYYY-MM-DD`. Statutory dates (term starts, deadlines) are
 * London dates: 23:30 UTC on 31 March during BST is already 1 April.
 */
export function londonDate(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('londonDate: invalid Date');
  const parts = Object.fromEntries(londonCalendar.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`;
}
