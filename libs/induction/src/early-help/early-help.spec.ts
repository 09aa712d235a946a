import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AUTOMATIC_EXTENSION_THRESHOLD_DAYS, inductionYearOn } from '../absence/r8-automatic-extension.js';
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import type { AbsenceReason, EctEvent, EctEventOf } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import {
  calendar,
  command,
  decider as ectDecider,
  event,
  history,
  registered,
  stateOf,
} from '../testing/ect-fixtures.js';
import { caseStatus, earlyHelpCaseDecider as decider } from './early-help-case.decider.js';
import {
  absenceCauses,
  ABSENCE_WARNING_DAYS,
  earlyHelpCausesAt,
  type EarlyHelpCause,
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

/** The absence causes as `standingEarlyHelpCauses` decided them before they were kept along the fold. */
function absenceCausesCountedAgain(state: EctState): EarlyHelpCause[] {
  const causes: EarlyHelpCause[] = [];
  const perYear: Record<1 | 2, { days: number; warnedOn: IsoDate | null; reachedOn: IsoDate | null }> = {
    1: { days: 0, warnedOn: null, reachedOn: null },
    2: { days: 0, warnedOn: null, reachedOn: null },
  };
  for (const absence of state.absences) {
    if (absence.withdrawn || absence.statutory) continue;
    const year = perYear[inductionYearOn(state, absence.from, calendar)];
    year.days += absence.days;
    if (year.days >= ABSENCE_WARNING_DAYS) year.warnedOn ??= absence.to;
    if (year.days >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS) year.reachedOn ??= absence.to;
  }
  for (const yearNumber of [1, 2] as const) {
    const year = perYear[yearNumber];
    if (year.reachedOn !== null) {
      causes.push({
        cause: 'absence-threshold',
        rule: 'R8',
        since: year.reachedOn,
        detail: `Year ${yearNumber}: ${year.days} days' absence (R8 extension; R10 head's notice)`,
      });
    } else if (year.warnedOn !== null) {
      causes.push({
        cause: 'absence-warning',
        rule: 'R8',
        since: year.warnedOn,
        detail: `Year ${yearNumber}: ${year.days} days' absence, nearing 30`,
      });
    }
  }
  return causes;
}

describe('early help absence causes kept along the fold (R8)', () => {
  const recorded = (absenceId: string, from: IsoDate, days: number, reason: AbsenceReason = 'illness') =>
    event('AbsenceRecorded', {
      absenceId,
      from,
      to: addDays(from, days),
      days,
      reason,
      extendForLeave: null,
      recordedOn: from,
    } as EctEventOf<'AbsenceRecorded'>['data']);
  const fold = (start: EctState, events: readonly EctEvent[]) => {
    const states = [start];
    for (const e of events) states.push(ectDecider.evolve(states.at(-1)!, e));
    return states;
  };

  it('adds a recorded absence to its year and counts again after a withdrawal', () => {
    const states = fold(stateOf(registered()), [
      recorded('a1', '2025-10-01', 12),
      recorded('a2', '2025-11-03', 9),
      recorded('a3', '2025-12-01', 10),
      event('AbsenceWithdrawn', { absenceId: 'a2', reason: 'entered in error', withdrawnOn: '2025-12-05' }),
    ]);
    expect(states.map((state) => absenceCauses(state, calendar).map((c) => [c.cause, c.since]))).toEqual([
      [],
      [],
      [['absence-warning', '2025-11-12']],
      [['absence-threshold', '2025-12-11']],
      [['absence-warning', '2025-12-11']],
    ]);
    // The same absences under the same posts and pauses: the very causes found before.
    expect(absenceCauses({ ...states[3]! }, calendar)).toBe(absenceCauses(states[3]!, calendar));
    for (const state of states)
      expect(absenceCauses(state, calendar)).toEqual(absenceCausesCountedAgain(state));
  });

  it('places the absences in their year again when a pause moves the start of year 2', () => {
    const start = stateOf(registered());
    const [before, after] = fold(start, [recorded('a1', '2026-10-01', 25)]);
    const paused = ectDecider.evolve(
      after!,
      event('InductionPaused', { from: '2025-10-01', reason: 'other', pausedOn: '2025-10-01' }),
    );
    expect(absenceCauses(paused, calendar)).toEqual(absenceCausesCountedAgain(paused));
    expect(absenceCauses(after!, calendar)).toEqual(absenceCausesCountedAgain(after!));
    expect(absenceCauses(before!, calendar)).toEqual([]);
  });

  it('equals counting every absence again, along random folds of absences, withdrawals and pauses', () => {
    const start = stateOf(registered());
    const day = fc.integer({ min: 0, max: 1000 }).map((n) => addDays('2025-09-01', n));
    /** A step other than recording an absence: its kind and where it applies (no days, no reason). */
    const other = <K extends string, A>(kind: K, at: fc.Arbitrary<A>) => ({
      weight: 1,
      arbitrary: fc.tuple(fc.constant(kind), at, fc.constant(0), fc.constant<AbsenceReason>('illness')),
    });
    const step = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(
          fc.constant('record' as const),
          day,
          fc.integer({ min: 0, max: 25 }),
          fc.constantFrom<AbsenceReason>('illness', 'illness', 'maternity'),
        ),
      },
      other('withdraw', fc.nat()),
      other('pause', day),
      other('resume', day),
      other('again', fc.nat()),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const states = [start];
        let n = 0;
        for (const [kind, at, days, reason] of steps) {
          const state = states.at(-1)!;
          if (kind === 'record') {
            states.push(ectDecider.evolve(state, recorded(`a${n++}`, at as IsoDate, days, reason)));
          } else if (kind === 'withdraw' && state.absences.length > 0) {
            const absenceId = state.absences[(at as number) % state.absences.length]!.absenceId;
            states.push(
              ectDecider.evolve(
                state,
                event('AbsenceWithdrawn', { absenceId, reason: 'error', withdrawnOn: '2026-01-01' }),
              ),
            );
          } else if (kind === 'pause') {
            states.push(
              ectDecider.evolve(
                state,
                event('InductionPaused', { from: at as IsoDate, reason: 'other', pausedOn: at as IsoDate }),
              ),
            );
          } else if (kind === 'resume') {
            states.push(
              ectDecider.evolve(
                state,
                event('InductionResumed', { from: at as IsoDate, resumedOn: at as IsoDate }),
              ),
            );
          } else if (kind === 'again' && states.length > 1) {
            // An earlier state asked again (a rebuild reads rows back; live runs fold from the stored state).
            states.push(states[(at as number) % states.length]!);
          }
          const now = states.at(-1)!;
          expect(absenceCauses(now, calendar)).toEqual(absenceCausesCountedAgain(now));
          expect(standingEarlyHelpCauses(now, calendar)).toEqual(
            standingEarlyHelpCauses(structuredClone(now), calendar),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});
