import { describe, it, expect } from '@jest/globals';
import { fixedClock, londonDate, steppingClock, systemClock } from './clock.js';

describe('fixedClock', () => {
  it('answers the same instant until moved', () => {
    const clock = fixedClock('2026-09-01T08:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-09-01T08:00:00.000Z');
    clock.now().setFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-09-01T08:00:00.000Z');
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-09-01T08:01:00.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses a string that is not an instant', () => {
    expect(() => fixedClock('next tuesday')).toThrow('Not an ISO 8601 instant');
  });
});

describe('steppingClock', () => {
  it('moves forward after every reading', () => {
    const clock = steppingClock('2026-09-01T08:00:00Z', 500);
    expect(clock.now().toISOString()).toBe('2026-09-01T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-09-01T08:00:00.500Z');
  });
});

describe('londonDate', () => {
  it('uses the London calendar during British Summer Time', () => {
    expect(londonDate(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04-01');
    expect(londonDate(new Date('2026-07-01T22:59:59Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-07-01T23:00:00Z'))).toBe('2026-07-02');
  });

  it('is UTC in winter', () => {
    expect(londonDate(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
    expect(londonDate(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01-01');
  });

  it('follows the clocks changing (29 March and 25 October 2026)', () => {
    expect(londonDate(new Date('2026-03-29T00:30:00Z'))).toBe('2026-03-29');
    expect(londonDate(new Date('2026-10-24T23:30:00Z'))).toBe('2026-10-25');
  });

  it('refuses an invalid Date', () => {
    expect(() => londonDate(new Date('nope'))).toThrow(RangeError);
  });

  it('systemClock is unchanged', () => {
    expect(systemClock.now()).toBeInstanceOf(Date);
  });
});
