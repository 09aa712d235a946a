import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { recordedBy } from '#read-models/audit/as-at-replay.js';
import { isAsAt } from './as-at.query.js';

describe('?asAt= values', () => {
  it('accepts a real date or a date-time with Z or an offset, and nothing else', () => {
    for (const ok of [
      '2026-02-01',
      '2024-02-29',
      '2026-02-01T17:00Z',
      '2026-02-01T17:00:00Z',
      '2026-02-01T17:00:00.123+01:00',
    ])
      expect({ ok, valid: isAsAt(ok) }).toEqual({ ok, valid: true });
    for (const bad of [
      '',
      'yesterday',
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-2-1',
      '2026-02-01T17:00',
      '2026-02-01T24:00:00Z',
      '2026-02-01 17:00:00Z',
      '1899-12-31',
      42,
      null,
    ])
      expect({ bad, valid: isAsAt(bad) }).toEqual({ bad, valid: false });
  });

  it('accepts every instant as an ISO string and as its date', () => {
    const instants = fc.date({
      min: new Date('1900-01-02T00:00:00Z'),
      max: new Date('2199-12-30T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (instant) => {
        const iso = instant.toISOString();
        return isAsAt(iso) && isAsAt(iso.slice(0, 10));
      }),
    );
  });

  it('keeps an event recorded by the end of the London day or at the instant, never after', () => {
    const at = (iso: string) => ({ recordedAt: new Date(iso) }) as never;
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): after the end of 30 June.
    expect(recordedBy('2026-06-30')(at('2026-06-30T22:59:59Z'))).toBe(true);
    expect(recordedBy('2026-06-30')(at('2026-06-30T23:30:00Z'))).toBe(false);
    expect(recordedBy('2026-01-31')(at('2026-01-31T23:30:00Z'))).toBe(true);
    expect(recordedBy('2026-02-01T12:00:00+01:00')(at('2026-02-01T11:00:00Z'))).toBe(true);
    expect(recordedBy('2026-02-01T12:00:00+01:00')(at('2026-02-01T11:00:00.001Z'))).toBe(false);
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        (cut, delta) => {
          const event = at(new Date(cut.getTime() + delta).toISOString());
          return recordedBy(cut.toISOString())(event) === delta <= 0;
        },
      ),
    );
  });
});
