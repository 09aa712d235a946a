import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { TermCalendar } from '../calendar/r1-terms.js';
import {
  type AllocationCandidate,
  createTrainingProgrammeDecider,
  PHASE_GROUP_PHASES,
  suggestPhaseGroups,
  TARGET_GROUP_SIZE,
  type TrainingCommand,
  type TrainingProgrammeState,
} from './training-programme.decider.js';

const calendar = new TermCalendar();
const decider = createTrainingProgrammeDecider(calendar, 2025);
const ON = '2025-07-01';

const cohort = fc.uniqueArray(
  fc.record({ ectId: fc.uuid(), phase: fc.constantFrom(...PHASE_GROUP_PHASES) }),
  { selector: (c) => c.ectId, maxLength: 300 },
);
const facilitatorId = (i: number) => `0f0f0f0f-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Confirms the suggestion through the decider: one FormPhaseGroup (one facilitator) and allocations. */
function confirm(candidates: readonly AllocationCandidate[]): TrainingProgrammeState {
  let state = decider.initialState();
  const run = (command: TrainingCommand) => {
    state = decider.decide(command, state).reduce(decider.evolve, state);
  };
  suggestPhaseGroups(candidates).forEach((group, i) => {
    const groupId = `${group.phase}-${group.index}`;
    run({
      type: 'FormPhaseGroup',
      data: {
        groupId,
        name: groupId,
        phase: group.phase,
        facilitator: { personId: facilitatorId(i), name: `Facilitator ${i}` },
        on: ON,
      },
    });
    for (const ectId of group.ectIds) run({ type: 'AllocateEctToGroup', data: { ectId, groupId, on: ON } });
  });
  return state;
}

describe('year-1 phase groups (property)', () => {
  it('puts every year-1 ECT in exactly one group of its own phase', () => {
    fc.assert(
      fc.property(cohort, (candidates) => {
        const groups = suggestPhaseGroups(candidates);
        const placed = groups.flatMap((g) => g.ectIds);
        expect(placed.length).toBe(candidates.length);
        expect(new Set(placed)).toEqual(new Set(candidates.map((c) => c.ectId)));
        const phaseOf = new Map(candidates.map((c) => [c.ectId, c.phase]));
        for (const group of groups) for (const id of group.ectIds) expect(phaseOf.get(id)).toBe(group.phase);
      }),
    );
  });

  it('keeps groups at about 20: under 30, at least 15 once a phase has 20, balanced within a phase', () => {
    fc.assert(
      fc.property(cohort, (candidates) => {
        const groups = suggestPhaseGroups(candidates);
        for (const phase of PHASE_GROUP_PHASES) {
          const mine = groups.filter((g) => g.phase === phase);
          const total = candidates.filter((c) => c.phase === phase).length;
          if (total === 0) {
            expect(mine).toHaveLength(0);
            continue;
          }
          const sizes = mine.map((g) => g.ectIds.length);
          expect(Math.max(...sizes)).toBeLessThan(TARGET_GROUP_SIZE * 1.5);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          if (total >= TARGET_GROUP_SIZE)
            expect(Math.min(...sizes)).toBeGreaterThanOrEqual(TARGET_GROUP_SIZE * 0.75);
        }
      }),
    );
  });

  it('suggests the same groups for the same cohort in any order', () => {
    fc.assert(
      fc.property(
        cohort.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length }))),
        ([candidates, shuffled]) => {
          expect(suggestPhaseGroups(shuffled)).toEqual(suggestPhaseGroups(candidates));
        },
      ),
    );
  });

  it('confirmed through the decider: one group per ECT, one facilitator per group, moves keep it so', () => {
    fc.assert(
      fc.property(cohort, fc.nat(), (candidates, pick) => {
        let state = confirm(candidates);
        expect(Object.keys(state.allocations).sort()).toEqual(candidates.map((c) => c.ectId).sort());
        const groupIds = state.groups.map((g) => g.groupId);
        expect(new Set(groupIds).size).toBe(groupIds.length);
        for (const group of state.groups) expect(group.facilitatorId).toMatch(/^0f0f0f0f-/);
        for (const groupId of Object.values(state.allocations)) expect(groupIds).toContain(groupId);
        if (candidates.length === 0 || state.groups.length < 2) return;
        // Staff adjust: moving an ECT leaves it in exactly one (the new) group.
        const ectId = candidates[pick % candidates.length]!.ectId;
        const target = state.groups.find((g) => g.groupId !== state.allocations[ectId])!.groupId;
        const moved = decider.decide(
          { type: 'AllocateEctToGroup', data: { ectId, groupId: target, on: ON } },
          state,
        );
        expect(moved[0]!.type === 'EctAllocatedToGroup' && moved[0]!.data.previousGroupId).toBe(
          state.allocations[ectId],
        );
        state = moved.reduce(decider.evolve, state);
        expect(state.allocations[ectId]).toBe(target);
        expect(Object.keys(state.allocations)).toHaveLength(candidates.length);
      }),
      { numRuns: 50 },
    );
  });

  it('never gives a group a second facilitator', () => {
    const state = confirm([{ ectId: '11111111-1111-4111-8111-111111111111', phase: 'primary' }]);
    expect(() =>
      decider.decide(
        {
          type: 'FormPhaseGroup',
          data: {
            groupId: 'primary-1',
            name: 'Primary 1',
            phase: 'primary',
            facilitator: { personId: facilitatorId(99), name: 'Another' },
            on: ON,
          },
        },
        state,
      ),
    ).toThrow(/already exists/);
  });
});
