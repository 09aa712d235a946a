import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { EarlyHelpCause } from '#induction/early-help/early-help-causes.js';
import { earlyHelpCaseDecider } from '#induction/early-help/early-help-case.decider.js';
import {
  caseOn,
  type EarlyHelpCaseRow,
  mergeCauses,
  type StoredCause,
} from './early-help-queue.projection.js';

const event = (eventId: string, type = 'ProgressReviewSubmitted') =>
  ({ eventId, type }) as unknown as RecordedEvent;
const cause = (kind: EarlyHelpCause['cause'], since: string): EarlyHelpCause => ({
  cause: kind,
  rule: 'R11',
  since,
  detail: kind,
});

describe('early-help queue: the event behind each cause', () => {
  it('names the event that raised a cause and keeps it while the cause stands', () => {
    const first = mergeCauses([], [cause('not-on-track', '2025-12-01')], event('e1'));
    expect(first[0]).toMatchObject({ eventId: 'e1', eventType: 'ProgressReviewSubmitted' });
    const later = mergeCauses(
      first,
      [cause('not-on-track', '2025-12-01'), cause('no-mentor', '2025-09-01')],
      event('e2', 'MentorChanged'),
    );
    expect(later.map((c) => [c.cause, c.eventId])).toEqual([
      ['not-on-track', 'e1'],
      ['no-mentor', 'e2'],
    ]);
    // A cause that arises again with a new date is a new cause, raised by the new event.
    const again = mergeCauses(later, [cause('not-on-track', '2026-03-01')], event('e3'));
    expect(again[0]).toMatchObject({ eventId: 'e3', since: '2026-03-01' });
  });

  it('property: the result is exactly the causes now standing, each named by an event seen', () => {
    const kinds = fc.constantFrom(
      'not-on-track',
      'no-mentor',
      'absence-warning',
      'late-registration' as const,
    );
    const causes = fc.array(
      fc
        .record({ kind: kinds, day: fc.integer({ min: 1, max: 28 }) })
        .map(({ kind, day }) =>
          cause(kind as EarlyHelpCause['cause'], `2025-10-${String(day).padStart(2, '0')}`),
        ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(fc.array(causes, { minLength: 1, maxLength: 6 }), (steps) => {
        let stored = mergeCauses([], [], event('e0'));
        steps.forEach((now, i) => {
          const before = stored;
          stored = mergeCauses(before, now, event(`e${i + 1}`));
          expect(stored.map(({ eventId: _e, eventType: _t, ...c }) => c)).toEqual(now);
          for (const c of stored) {
            const kept = before.find((b) => b.cause === c.cause && b.since === c.since);
            expect(c.eventId).toBe(kept ? kept.eventId : `e${i + 1}`);
          }
        });
      }),
    );
  });

  it('keeps the stored causes themselves when they stand as they were', () => {
    const stored = mergeCauses(
      [],
      [cause('not-on-track', '2025-12-01'), cause('no-mentor', '2025-09-01')],
      event('e1'),
    );
    const same = mergeCauses(
      stored,
      [cause('not-on-track', '2025-12-01'), cause('no-mentor', '2025-09-01')],
      event('e2'),
    );
    expect(same).toBe(stored);
    const fewer = mergeCauses(stored, [cause('no-mentor', '2025-09-01')], event('e3'));
    expect(fewer).toEqual([stored[1]]);
    expect(fewer[0]).toBe(stored[1]);
    // Same kind and date, another detail (an absence total grown): the stored event, a new detail.
    const grown = mergeCauses(stored, [{ ...cause('no-mentor', '2025-09-01'), detail: 'more' }], event('e4'));
    expect(grown).toEqual([{ ...stored[1], detail: 'more' }]);
  });

  it('property: the same causes as building every one anew (the definition before the stored ones were kept)', () => {
    const mergedAnew = (previous: readonly StoredCause[], now: readonly EarlyHelpCause[], e: RecordedEvent) =>
      now.map((c) => {
        const kept = previous.find((p) => p.cause === c.cause && p.since === c.since);
        return { ...c, eventId: kept ? kept.eventId : e.eventId, eventType: kept ? kept.eventType : e.type };
      });
    const oneCause = fc
      .record({
        kind: fc.constantFrom('absence-warning' as const, 'absence-threshold' as const, 'no-mentor' as const),
        day: fc.integer({ min: 1, max: 4 }),
        detail: fc.constantFrom('a', 'b'),
        rule: fc.constantFrom('R8', 'R22'),
      })
      .map(({ kind, day, detail, rule }) => ({ ...cause(kind, `2025-10-0${day}`), detail, rule }));
    fc.assert(
      fc.property(fc.array(fc.array(oneCause, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), (steps) => {
        let stored: StoredCause[] = [];
        let anew: StoredCause[] = [];
        steps.forEach((now, i) => {
          stored = mergeCauses(stored, now, event(`e${i}`));
          anew = mergedAnew(anew, now, event(`e${i}`));
          expect(stored).toEqual(anew);
        });
      }),
    );
  });

  it('opens the case from stored causes and closes it with the decider’s resolution', () => {
    const row = {
      causes: [{ ...cause('no-mentor', '2025-09-01'), eventId: 'e1', eventType: 'EctRegistered' }],
      timed: null,
      detected: [],
      caseState: earlyHelpCaseDecider.initialState(),
    } as unknown as EarlyHelpCaseRow;
    expect(caseOn(row, '2025-10-01')).toMatchObject({ status: 'open', openedOn: '2025-09-01' });
    const resolved = earlyHelpCaseDecider
      .decide(
        {
          type: 'ResolveCase',
          data: { ectId: 'x', resolution: 'Mentor named', byId: 'u', on: '2025-10-02' },
        },
        row.caseState,
      )
      .reduce(earlyHelpCaseDecider.evolve, row.caseState);
    expect(caseOn({ ...row, caseState: resolved }, '2025-10-03').status).toBe('resolved');
  });
});
