import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EctState } from '#induction/induction/ect.state.js';
import type { InductionSummary } from '#induction/induction/induction-summary.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import { SummaryCache } from './summary-cache.js';

/** A domain whose summary echoes what it was given, counting the calls. */
function fakeDomain() {
  const calls: { state: unknown; today: string; calendar: unknown }[] = [];
  const domain = {
    calendar: { id: 'calendar-1' } as unknown as TermCalendar,
    summarise(state: EctState, today: string) {
      calls.push({ state, today, calendar: domain.calendar });
      return {
        state,
        today,
        calendar: (domain.calendar as unknown as { id: string }).id,
        dueItems: [{ kind: 'progress-review' }],
      } as unknown as InductionSummary;
    },
  };
  return { domain, calls };
}

describe('SummaryCache: the domain summary kept per (stored state, date, calendar)', () => {
  it('summarises a state once per date, and again when the state, the date or the calendar changes', () => {
    const { domain, calls } = fakeDomain();
    const cache = new SummaryCache(domain);
    const text = JSON.stringify({ ectId: 'a', absences: [1, 2] });
    const first = cache.summarise(text, '2026-01-05');
    expect(cache.summarise(text, '2026-01-05')).toBe(first);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.state).toEqual({ ectId: 'a', absences: [1, 2] });

    cache.summarise(text, '2026-01-06');
    cache.summarise(JSON.stringify({ ectId: 'a', absences: [1, 2, 3] }), '2026-01-05');
    expect(calls).toHaveLength(3);

    domain.calendar = { id: 'calendar-2' } as unknown as TermCalendar;
    const after = cache.summarise(text, '2026-01-05');
    expect(after).not.toBe(first);
    expect((after as unknown as { calendar: string }).calendar).toBe('calendar-2');
    expect(calls).toHaveLength(4);
  });

  it('hands out frozen summaries (requests share them)', () => {
    const cache = new SummaryCache(fakeDomain().domain);
    const summary = cache.summarise('{"ectId":"b"}', '2026-01-05') as unknown as {
      dueItems: { kind: string }[];
    };
    expect(Object.isFrozen(summary)).toBe(true);
    expect(() => summary.dueItems.push({ kind: 'x' })).toThrow(TypeError);
    expect(() => (summary.dueItems[0]!.kind = 'y')).toThrow(TypeError);
  });

  it('answers what the domain answers for any sequence of states and dates, kept or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('2026-01-05', '2026-03-01')), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 3 }),
        (asks, maxEntries) => {
          const { domain } = fakeDomain();
          const cache = new SummaryCache(domain, { maxEntries });
          for (const [n, today] of asks) {
            const text = JSON.stringify({ ectId: `e${n}`, n });
            expect(cache.summarise(text, today)).toEqual(domain.summarise(JSON.parse(text), today));
          }
        },
      ),
    );
  });
});
