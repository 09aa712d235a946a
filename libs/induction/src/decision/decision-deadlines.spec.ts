import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '../calendar/calendar-date.js';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from '../calendar/r2-working-days.js';
import { summariseInduction } from '../induction/induction-summary.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import { calendar, command, given, history, registered, stateOf } from '../testing/ect-fixtures.js';
import { DECISION_WORKING_DAYS } from './r16-decision.js';
import { decideFailBecameFinal } from './r18-appeal.js';

const signed = (date: string) => ({ inductionTutor: date, head: date, ect: date });
const throughYearOne = () => history(registered(), formalAssessment());
/** The final assessment meets on `assessedOn`; the AB receives the head's recommendation on `receivedOn`. */
const recommended = (receivedOn: string, assessedOn = '2027-07-01', recommendation = 'satisfactory') =>
  history(
    throughYearOne(),
    formalAssessment({
      point: 'final',
      recommendation: recommendation as 'satisfactory',
      assessedOn,
      signedOn: signed(assessedOn),
      on: receivedOn,
    }),
  );
const decide = (decision: 'pass' | 'fail' | 'extend', decidedOn: string) =>
  command('DecideOutcome', {
    decision,
    decidedOn,
    rationale: 'Panel reviewed the evidence',
    decidedBy: { personId: 'panel-1' },
    ...(decision === 'extend' ? { extensionTerms: 1 } : {}),
    on: decidedOn,
  });

describe('R16: 20 working days from the AB’s receipt of the recommendation (R15)', () => {
  it('R16: counted from receipt, not from the assessment meeting or the signatures', () => {
    // Meeting 1 July (a Thursday), report reaches the AB on Monday 12 July 2027.
    const events = recommended('2027-07-12', '2027-07-01');
    expect(events.at(-1)).toMatchObject({
      type: 'RecommendationReceived',
      data: { receivedOn: '2027-07-12', decisionDueBy: '2027-08-09' },
    });
    expect(workingDaysBetween('2027-07-12', '2027-08-09')).toBe(20);
    const summary = summariseInduction(stateOf(events), '2027-07-20', calendar);
    expect(summary.decision).toMatchObject({ outcome: null, decisionDueBy: '2027-08-09' });
    expect(summary.nextDue).toContainEqual({ kind: 'decision', dueBy: '2027-08-09', detail: 'satisfactory' });
  });

  it('R16 R2: bank holidays do not count (summer bank holiday 30 Aug 2027)', () => {
    const events = recommended('2027-08-18', '2027-08-16');
    expect(stateOf(events).recommendation?.decisionDueBy).toBe('2027-09-16');
  });

  it('R16: a decision on the 20th working day is on time; on the 21st it is late', () => {
    const events = recommended('2027-08-18', '2027-08-16');
    given(events)
      .when(decide('pass', '2027-09-16'))
      .then([{ type: 'OutcomeDecided', data: { decisionDueBy: '2027-09-16', late: false } }]);
    given(events)
      .when(decide('pass', '2027-09-17'))
      .then([{ type: 'OutcomeDecided', data: { late: true } }]);
    // GET /ects/:id keeps showing the deadline after the decision.
    const passed = history(events, decide('pass', '2027-09-10'));
    expect(summariseInduction(stateOf(passed), '2027-09-20', calendar).decision).toMatchObject({
      decidedOn: '2027-09-10',
      decisionDueBy: '2027-09-16',
    });
  });

  it('property R16: late exactly when decided after the 20th working day from receipt', () => {
    const receipt = fc
      .integer({ min: toDayNumber('2027-08-31'), max: toDayNumber('2028-06-30') })
      .map(fromDayNumber);
    fc.assert(
      fc.property(receipt, fc.integer({ min: 0, max: 45 }), (receivedOn, after) => {
        const events = recommended(receivedOn, addDays(receivedOn, -2));
        const due = stateOf(events).recommendation!.decisionDueBy;
        expect(due).toBe(addWorkingDays(receivedOn, DECISION_WORKING_DAYS));
        expect(isWorkingDay(due)).toBe(true);
        expect(workingDaysBetween(receivedOn, due)).toBe(DECISION_WORKING_DAYS);
        const decidedOn = addDays(receivedOn, after);
        const [outcome] = given(events)
          .when(decide('pass', decidedOn))
          .then([{ type: 'OutcomeDecided' }]);
        const late = (outcome!.data as { late: boolean }).late;
        expect(late).toBe(decidedOn > due);
        // On a working day, that is: more than 20 working days after receipt (a weekend receipt counts from Monday).
        if (isWorkingDay(decidedOn)) {
          expect(late).toBe(workingDaysBetween(receivedOn, decidedOn) > DECISION_WORKING_DAYS);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('R18: FailBecameFinal', () => {
  const failed = () =>
    history(recommended('2027-07-05', '2027-07-01', 'unsatisfactory'), decide('fail', '2027-09-01'));

  it('R18: the fail becomes final once the 20 working days to appeal close with no appeal', () => {
    const events = failed();
    expect(stateOf(events).decision?.appealBy).toBe('2027-09-29');
    given(events)
      .when(command('RecordFailBecameFinal', { on: '2027-09-29' }))
      .thenThrows('R18', 'statutory');
    const [final] = given(events)
      .when(command('RecordFailBecameFinal', { on: '2027-10-04' }))
      .then([
        {
          type: 'FailBecameFinal',
          data: {
            finalOn: '2027-09-29',
            appealBy: '2027-09-29',
            employmentEndsBy: '2027-10-13',
            recordedOn: '2027-10-04',
          },
        },
      ]);
    const after = [...events, final!];
    // Idempotent: the nightly sweep may run again.
    given(after)
      .when(command('RecordFailBecameFinal', { on: '2027-10-05' }))
      .then([]);
    const summary = summariseInduction(stateOf(after), '2027-10-05', calendar);
    expect(summary).toMatchObject({
      status: 'failed',
      failFinalOn: '2027-09-29',
      employmentEndsBy: '2027-10-13',
    });
    expect(stateOf(after).failFinal).toEqual({ finalOn: '2027-09-29', employmentEndsBy: '2027-10-13' });
  });

  it('R18: a dismissed appeal makes the fail final on the day; an upheld one never does', () => {
    const appealed = history(failed(), command('LodgeAppeal', { lodgedOn: '2027-09-10', on: '2027-09-10' }));
    given(appealed)
      .when(command('RecordFailBecameFinal', { on: '2027-10-04' }))
      .thenThrows('R18');
    const dismissed = given(appealed)
      .when(
        command('DetermineAppeal', { outcome: 'dismissed', determinedOn: '2027-11-01', on: '2027-11-02' }),
      )
      .then([
        { type: 'AppealDetermined', data: { outcome: 'dismissed', employmentEndsBy: '2027-11-15' } },
        { type: 'FailBecameFinal', data: { finalOn: '2027-11-01', employmentEndsBy: '2027-11-15' } },
      ]);
    expect(summariseInduction(stateOf([...appealed, ...dismissed]), '2027-11-03', calendar)).toMatchObject({
      failFinalOn: '2027-11-01',
      employmentEndsBy: '2027-11-15',
    });
    given(appealed)
      .when(command('DetermineAppeal', { outcome: 'upheld', determinedOn: '2027-11-01', on: '2027-11-02' }))
      .then([{ type: 'AppealDetermined', data: { outcome: 'upheld' } }]);
  });

  it('R18: only a fail becomes final', () => {
    const passed = history(recommended('2027-07-05'), decide('pass', '2027-09-01'));
    given(passed)
      .when(command('RecordFailBecameFinal', { on: '2027-12-01' }))
      .thenThrows('R18', 'statutory');
  });

  it('property R18: the fail is final exactly when the appeal window has closed, on its last day', () => {
    const events = failed();
    const state = stateOf(events);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 90 }), (offset) => {
        const today = addDays('2027-09-01', offset);
        const closed = today > state.decision!.appealBy!;
        if (!closed) {
          expect(() => decideFailBecameFinal(state, today)).toThrow(/^R18: /);
          return;
        }
        const [final] = decideFailBecameFinal(state, today);
        expect(final!.data.finalOn).toBe(state.decision!.appealBy);
        expect(workingDaysBetween(final!.data.finalOn, final!.data.employmentEndsBy)).toBe(10);
        expect(summariseInduction(stateOf([...events, final!]), today, calendar).failFinalOn).toBe(
          summariseInduction(state, today, calendar).failFinalOn,
        );
      }),
      { numRuns: 60 },
    );
  });
});
