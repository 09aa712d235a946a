import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '#induction/calendar/calendar-date.js';
import { ectSchedule } from '#induction/early-help/ect-schedule.js';
import type { EctCommand } from '#induction/induction/ect.commands.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import { formalAssessment } from '#induction/testing/assessment-commands.js';
import { calendar, command, decided, registered, stateOf } from '#induction/testing/ect-fixtures.js';
import { dueFacts } from './due-facts.js';

const day = (from: string, to: string) =>
  fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);

/** Applies the commands the decider accepts, in turn, and skips the ones it refuses. */
function lenientHistory(start: readonly EctEvent[], commands: readonly EctCommand[]): EctEvent[] {
  let events = [...start];
  for (const c of commands) {
    try {
      events = [...events, ...decided(events, c)];
    } catch {
      // refused (say, a review of a term not yet reached): the history goes on without it
    }
  }
  return events;
}

/** Registered ECTs, part-time or not, with absences, some reviews submitted and maybe the year-1 assessment. */
const inductions = fc
  .record({
    start: day('2024-09-01', '2026-08-31'),
    fte: fc.integer({ min: 1, max: 10 }).map((tenths) => tenths / 10),
    absences: fc.array(
      fc.record({ offset: fc.integer({ min: 0, max: 700 }), days: fc.integer({ min: 1, max: 60 }) }),
      { maxLength: 4 },
    ),
    reviews: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { maxLength: 5 }),
    yearOne: fc.boolean(),
  })
  .map(({ start, fte, absences, reviews, yearOne }) =>
    stateOf(
      lenientHistory(registered({ startDate: start, fte, qtsAwardedOn: '2024-07-01', on: start }), [
        ...absences.map((a, i) =>
          command('RecordAbsence', {
            absenceId: `a${i}`,
            from: addDays(start, a.offset),
            to: addDays(start, a.offset + a.days),
            days: a.days,
            reason: 'illness',
            on: addDays(start, a.offset),
          }),
        ),
        ...reviews.map((term) =>
          command('SubmitProgressReview', {
            term,
            reviewedOn: addDays(start, term * 95),
            on: addDays(start, term * 95 + 1),
            onTrack: true,
            strengths: 'planning',
            areasForDevelopment: 'behaviour',
          }),
        ),
        ...(yearOne
          ? [
              formalAssessment({
                assessedOn: addDays(start, 330),
                signedOn: {
                  inductionTutor: addDays(start, 331),
                  head: addDays(start, 332),
                  ect: addDays(start, 332),
                },
                on: addDays(start, 333),
              }),
            ]
          : []),
      ]),
    ),
  );

describe('dueFacts with the schedule already worked out (the due-items rebuild, issue 9)', () => {
  it('gives the very facts it derives from the rules itself', () => {
    fc.assert(
      fc.property(inductions, fc.boolean(), (state, failFinalRecorded) => {
        expect(dueFacts(state, calendar, failFinalRecorded, ectSchedule(state, calendar))).toEqual(
          dueFacts(state, calendar, failFinalRecorded),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('example: a full-time ECT with term 1 reviewed has the term 2 review and the year-1 assessment due', () => {
    const state = stateOf(
      lenientHistory(registered({ startDate: '2025-09-01', fte: 1, qtsAwardedOn: '2024-07-01' }), [
        command('SubmitProgressReview', {
          term: 1,
          reviewedOn: '2025-12-10',
          on: '2025-12-11',
          onTrack: true,
          strengths: 'planning',
          areasForDevelopment: 'behaviour',
        }),
      ]),
    );
    const facts = dueFacts(state, calendar, false, ectSchedule(state, calendar));
    expect(facts).toEqual(dueFacts(state, calendar));
    expect(facts.map((f) => f.itemKey)).toEqual(
      expect.arrayContaining(['progress-review.term-2', 'formal-assessment.year-1', 'R12.year-1']),
    );
    expect(facts.map((f) => f.itemKey)).not.toContain('progress-review.term-1');
  });

  it('example: without a start date the schedule is empty, so the rules are asked', () => {
    const state = stateOf([]);
    expect(dueFacts(state, calendar, false, ectSchedule(state, calendar))).toEqual(dueFacts(state, calendar));
  });
});
