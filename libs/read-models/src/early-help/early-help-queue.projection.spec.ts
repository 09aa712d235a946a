import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { EarlyHelpCause } from '#induction/early-help/early-help-causes.js';
import { earlyHelpCaseDecider } from '#induction/early-help/early-help-case.decider.js';
import { caseOn, type EarlyHelpCaseRow, mergeCauses } from './early-help-queue.projection.js';

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
