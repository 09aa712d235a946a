import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EctState } from '../induction/ect.state.js';
import { calendar, command, history, registered, stateOf } from '../testing/ect-fixtures.js';
import { caseStatus, earlyHelpCaseDecider as decider } from './early-help-case.decider.js';
import {
  earlyHelpCausesAt,
  standingCausesMayChange,
  standingEarlyHelpCauses,
  timedEarlyHelpCauses,
  timedFactsOf,
} from './early-help-causes.js';
import { ectSchedule } from './ect-schedule.js';

describe('early help causes', () => {
  it('flags a late registration and a mentor who is also the tutor, and nothing for a clean start', () => {
    expect(earlyHelpCausesAt(stateOf(registered()), '2025-10-01', calendar)).toEqual([]);
    const late = stateOf(
      registered({
        on: '2025-09-20',
        mentor: {
          personId: '0b7f3c1e-0000-4000-8000-000000000003',
          name: 'Tu',
          email: 'tu@example.org',
          hasQts: true,
        },
      }),
    );
    expect(
      earlyHelpCausesAt(late, '2025-10-01', calendar)
        .map((c) => c.cause)
        .sort(),
    ).toEqual(['late-registration', 'mentor-is-tutor']);
  });
  it('flags an overdue review from the day after it was due, and not before', () => {
    const state = stateOf(registered());
    const [first] = ectSchedule(state, calendar).reviews;
    expect(earlyHelpCausesAt(state, first!.dueBy, calendar)).toEqual([]);
    const [cause] = earlyHelpCausesAt(state, '2026-01-02', calendar);
    expect(cause).toMatchObject({ cause: 'review-overdue', rule: 'R11', since: '2026-01-01' });
  });
  it('warns at 20 days’ absence in a year and flags R8 at 30', () => {
    const absent = (days: number) =>
      stateOf(
        history(
          registered(),
          command('RecordAbsence', {
            absenceId: 'a1',
            from: '2025-10-01',
            to: '2025-11-30',
            days,
            reason: 'illness',
            on: '2025-12-01',
          }),
        ),
      );
    const causes = (days: number) => standingEarlyHelpCauses(absent(days), calendar).map((c) => c.cause);
    expect(causes(19)).toEqual([]);
    expect(causes(20)).toEqual(['absence-warning']);
    expect(causes(30)).toEqual(['absence-threshold']);
  });
  it('gives the same causes from stored facts as from the state', () => {
    const state = stateOf(registered({ on: '2025-09-20' }));
    const today = '2026-05-01';
    expect([
      ...standingEarlyHelpCauses(state, calendar),
      ...timedEarlyHelpCauses(timedFactsOf(state, ectSchedule(state, calendar)), today),
    ]).toEqual(earlyHelpCausesAt(state, today, calendar));
  });
});

describe('early help causes kept when an event changes nothing they are decided on', () => {
  const absent = (from: string, to: string, days: number, absenceId = `a-${from}`) =>
    command('RecordAbsence', { absenceId, from, to, days, reason: 'illness', on: to });
  /** Standing causes of several kinds: late registration, mentor as tutor, absence in both years, school-led. */
  const states: EctState[] = [
    stateOf(registered()),
    stateOf(
      history(
        registered({ on: '2025-09-20', programme: 'school-led' }),
        absent('2025-10-01', '2025-11-30', 25),
        absent('2026-09-07', '2026-10-30', 31),
      ),
    ),
    stateOf(
      registered({
        mentor: {
          personId: '0b7f3c1e-0000-4000-8000-000000000003',
          name: 'Tu',
          email: 'tu@example.org',
          hasQts: true,
        },
      }),
    ),
  ];

  it('an event that changes only fields the causes never read (timetables, the AB contact) may be skipped', () => {
    const [state] = states;
    expect(standingCausesMayChange(state!, state!)).toBe(false);
    expect(
      standingCausesMayChange(state!, {
        ...state!,
        timetables: [{ from: '2025-09-01', percentOfMainPayRangeTimetable: 95 }],
        abContactId: 'someone',
      }),
    ).toBe(false);
    expect(standingCausesMayChange(state!, { ...state!, mentorId: null })).toBe(true);
    expect(standingCausesMayChange(state!, { ...state!, absences: [...state!.absences] })).toBe(true);
    expect(standingCausesMayChange(state!, { ...state!, posts: [...state!.posts] })).toBe(true);
  });

  it('property: whatever fields an event replaces, when it may be skipped the standing causes are the same', () => {
    const keys = Object.keys(states[0]!) as (keyof EctState)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.dictionary(fc.constantFrom(...keys), fc.anything()),
        (before, replaced) => {
          const after = { ...before, ...replaced } as EctState;
          if (standingCausesMayChange(before, after)) return;
          expect(standingEarlyHelpCauses(after, calendar)).toEqual(standingEarlyHelpCauses(before, calendar));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('early help case', () => {
  it('opens on a cause, resolves, and reopens when a cause returns after the resolution', () => {
    const cause = { cause: 'review-overdue' as const, rule: 'R11', since: '2026-01-01', detail: '' };
    let state = decider.initialState();
    expect(caseStatus(state, [cause])).toMatchObject({ status: 'open', openedOn: '2026-01-01' });
    for (const c of [
      {
        type: 'RecordCaseAction' as const,
        data: {
          ectId: 'e',
          actionId: 'a1',
          kind: 'call' as const,
          note: 'Rang the tutor',
          byId: 'u1',
          on: '2026-01-05',
        },
      },
      {
        type: 'ResolveCase' as const,
        data: { ectId: 'e', resolution: 'Review submitted', byId: 'u1', on: '2026-01-10' },
      },
    ])
      state = decider.decide(c, state).reduce(decider.evolve, state);
    expect(state.ownerId).toBe('u1');
    expect(caseStatus(state, [cause]).status).toBe('resolved');
    expect(caseStatus(state, [cause, { ...cause, since: '2026-04-20' }])).toMatchObject({
      status: 'open',
      openedOn: '2026-04-20',
    });
  });
});
