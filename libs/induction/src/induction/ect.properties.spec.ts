import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '../calendar/calendar-date.js';
import { isWorkingDay, workingDaysBetween } from '../calendar/r2-working-days.js';
import { termsRequired } from '../accrual/r3-length.js';
import { termsServed } from '../accrual/r4-accrual.js';
import { calendarTermsInPost } from '../accrual/r5-minimum-period.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import {
  calendar,
  command,
  decider,
  decided,
  history,
  registered,
  stateOf,
} from '../testing/ect-fixtures.js';
import { summariseInduction } from './induction-summary.js';
import type { EctEvent } from './ect.events.js';

const day = (from: string, to: string) =>
  fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);
const fte = fc.integer({ min: 1, max: 10 }).map((tenths) => tenths / 10);
const startDate = day('2024-09-01', '2026-08-31');

/** Registered ECTs with some ad hoc absence, the histories the properties run over. */
const inductions = fc
  .record({
    start: startDate,
    fte,
    absences: fc.array(
      fc.record({ offset: fc.integer({ min: 0, max: 700 }), days: fc.integer({ min: 1, max: 20 }) }),
      { maxLength: 4 },
    ),
  })
  .map(({ start, fte, absences }) =>
    history(
      registered({ startDate: start, fte, qtsAwardedOn: '2024-07-01', on: start }),
      ...absences.map((a, i) =>
        command('RecordAbsence', {
          absenceId: `a${i}`,
          from: addDays(start, a.offset),
          to: addDays(start, a.offset + 40),
          days: a.days,
          reason: 'illness',
          on: addDays(start, a.offset),
        }),
      ),
    ),
  );

describe('properties of the ECT induction', () => {
  it('R4 R5: terms served never decrease over time and never exceed elapsed calendar terms × FTE', () => {
    fc.assert(
      fc.property(
        startDate,
        fte,
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: 400 }),
        (start, f, a, gap) => {
          const state = stateOf(
            registered({ startDate: start, fte: f, qtsAwardedOn: '2024-07-01', on: start }),
          );
          const earlier = addDays(start, a);
          const later = addDays(earlier, gap);
          const servedEarlier = termsServed(state, earlier, calendar);
          const servedLater = termsServed(state, later, calendar);
          expect(servedLater).toBeGreaterThanOrEqual(servedEarlier - 1e-9);
          expect(servedLater).toBeLessThanOrEqual(
            calendarTermsInPost(state.posts[0], later, calendar) * f + 1e-9,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('R16: no pass or fail before the required length has been served', () => {
    fc.assert(
      fc.property(
        inductions,
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('pass' as const, 'fail' as const),
        (events, offset, decision) => {
          const state = stateOf(events);
          const decidedOn = addDays(state.startDate!, offset);
          const awaiting: EctEvent[] = [
            ...events,
            {
              type: 'RecommendationReceived',
              schemaVersion: 1,
              data: {
                recommendation: 'satisfactory',
                receivedOn: state.startDate!,
                representationsBy: state.startDate!,
                decisionDueBy: state.startDate!,
              },
            },
          ];
          const decide = () =>
            decided(
              awaiting,
              command('DecideOutcome', {
                decision,
                decidedOn,
                rationale: 'r',
                decidedBy: { personId: 'panel' },
                on: decidedOn,
              }),
            );
          if (termsServed(state, decidedOn, calendar) < termsRequired(state, calendar) - 1e-9) {
            expect(decide).toThrow('R16: induction not yet served');
          } else {
            expect(decide()[0]).toMatchObject({ type: 'OutcomeDecided', data: { outcome: decision } });
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('R2: every statutory deadline an event carries lands on a working day, weekends and bank holidays counted out', () => {
    fc.assert(
      fc.property(day('2027-06-01', '2028-12-31'), (on) => {
        const events = history(
          registered(),
          formalAssessment(),
          formalAssessment({
            point: 'final',
            assessedOn: '2027-07-01',
            signedOn: { inductionTutor: '2027-07-01', head: '2027-07-01', ect: '2027-07-01' },
            on,
          }),
        );
        const received = events.at(-1)!;
        expect(received.type).toBe('RecommendationReceived');
        const { representationsBy, decisionDueBy } = (
          received as Extract<EctEvent, { type: 'RecommendationReceived' }>
        ).data;
        expect(isWorkingDay(representationsBy) && isWorkingDay(decisionDueBy)).toBe(true);
        expect(workingDaysBetween(on, representationsBy)).toBe(10);
        expect(workingDaysBetween(on, decisionDueBy)).toBe(20);
      }),
      { numRuns: 60 },
    );
  });

  it('replaying the same events always gives the same state and summary', () => {
    fc.assert(
      fc.property(inductions, day('2024-09-01', '2030-08-31'), (events, today) => {
        const once = events.reduce(decider.evolve, decider.initialState());
        const again = JSON.parse(JSON.stringify(events)).reduce(decider.evolve, decider.initialState());
        expect(again).toEqual(once);
        expect(summariseInduction(again, today, calendar)).toEqual(summariseInduction(once, today, calendar));
      }),
      { numRuns: 60 },
    );
  });
});
