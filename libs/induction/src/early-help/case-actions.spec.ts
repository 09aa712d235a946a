import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CASE_ACTION_KINDS, caseStatus, earlyHelpCaseDecider } from './early-help-case.decider.js';
import type { EarlyHelpCause } from './early-help-causes.js';

const { decide, evolve, initialState } = earlyHelpCaseDecider;

describe('early-help case actions (issue 5)', () => {
  it('records a support plan agreed with the school as an action', () => {
    const events = decide(
      {
        type: 'RecordCaseAction',
        data: {
          ectId: 'e',
          actionId: 'a1',
          kind: 'support-plan',
          note: 'Weekly mentor meetings',
          byId: 'u',
          on: '2026-01-10',
        },
      },
      initialState(),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'EarlyHelpActionRecorded',
        data: expect.objectContaining({ kind: 'support-plan' }),
      }),
    ]);
  });

  it('property: closing with a reason resolves the case until a cause arises after the closing', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...CASE_ACTION_KINDS),
        fc.array(day, { minLength: 1, maxLength: 5 }),
        day,
        (kind, sinces, closedOn) => {
          const causes: EarlyHelpCause[] = sinces.map((since) => ({
            cause: 'no-mentor',
            rule: 'R22',
            since,
            detail: '',
          }));
          let state = decide(
            {
              type: 'RecordCaseAction',
              data: { ectId: 'e', actionId: 'a', kind, note: 'n', byId: 'u', on: '2026-02-01' },
            },
            initialState(),
          ).reduce(evolve, initialState());
          state = decide(
            { type: 'ResolveCase', data: { ectId: 'e', resolution: 'Sorted', byId: 'u', on: closedOn } },
            state,
          ).reduce(evolve, state);
          const view = caseStatus(state, causes);
          const after = sinces.filter((s) => s > closedOn);
          expect(view.status).toBe(after.length > 0 ? 'open' : 'resolved');
          expect(state.resolution).toBe('Sorted');
        },
      ),
    );
  });
});
