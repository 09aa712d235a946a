import { describe, expect, it } from '@jest/globals';
import { summariseInduction } from '../induction/induction-summary.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import { calendar, command, given, history, registered, stateOf } from '../testing/ect-fixtures.js';
import { isWorkingDay } from '../calendar/r2-working-days.js';

const signed = (date: string) => ({ inductionTutor: date, head: date, ect: date });
const throughYearOne = () => history(registered(), formalAssessment());
const finalAssessment = (
  recommendation: 'satisfactory' | 'unsatisfactory' | 'extension' = 'satisfactory',
  assessedOn = '2027-07-01',
  on = '2027-07-05',
) => formalAssessment({ point: 'final', recommendation, assessedOn, signedOn: signed(assessedOn), on });
const awaitingDecision = (recommendation: 'satisfactory' | 'unsatisfactory' | 'extension' = 'satisfactory') =>
  history(throughYearOne(), finalAssessment(recommendation));
const decide = (decision: 'pass' | 'fail' | 'extend', decidedOn = '2027-09-01', extra: object = {}) =>
  command('DecideOutcome', {
    decision,
    decidedOn,
    rationale: 'Panel reviewed the evidence',
    decidedBy: { personId: 'panel-1' },
    on: decidedOn,
    ...extra,
  });

describe('R15 recommendation', () => {
  it('R15: the final assessment is the head’s recommendation; representations within 10 working days', () => {
    const events = awaitingDecision();
    expect(events.at(-1)).toMatchObject({
      type: 'RecommendationReceived',
      data: { receivedOn: '2027-07-05', representationsBy: '2027-07-19', decisionDueBy: '2027-08-02' },
    });
    given(events)
      .when(command('SubmitRepresentations', { summary: 'My view', on: '2027-07-19' }))
      .then([{ type: 'RepresentationsSubmitted' }]);
    given(events)
      .when(command('SubmitRepresentations', { summary: 'My view', on: '2027-07-20' }))
      .thenThrows('R15', 'statutory');
  });
});

describe('R16 decision', () => {
  it('R16: no pass or fail before the full length has been served', () => {
    const early = history(throughYearOne(), finalAssessment('satisfactory', '2027-04-10', '2027-04-12'));
    const error = given(early).when(decide('pass', '2027-05-01')).thenThrows('R16', 'statutory');
    expect(error.message).toBe('R16: induction not yet served');
    given(early).when(decide('fail', '2027-05-01')).thenThrows('R16', 'statutory');
  });

  it('R16: decides within 20 working days of the recommendation; the summary shows the deadlines', () => {
    const events = history(awaitingDecision(), decide('pass', '2027-08-31'));
    expect(events.at(-1)).toMatchObject({
      type: 'OutcomeDecided',
      data: {
        outcome: 'pass',
        decisionDueBy: '2027-08-02',
        notifyBy: '2027-09-03',
        appealBy: null,
        late: true,
      },
    });
    const s = summariseInduction(stateOf(events), '2027-09-01', calendar);
    expect(s.status).toBe('passed');
    expect(s.decision).toEqual({
      outcome: 'pass',
      decidedOn: '2027-08-31',
      decisionDueBy: '2027-08-02',
      notifyBy: '2027-09-03',
      appealBy: null,
    });
    expect(s.nextDue).toEqual([{ kind: 'notification', dueBy: '2027-09-03', detail: 'ect, head, employer' }]);
  });

  it('R16: awaiting a decision shows decisionDueBy and a decision due item', () => {
    const s = summariseInduction(stateOf(awaitingDecision()), '2027-07-10', calendar);
    expect(s.status).toBe('awaiting-decision');
    expect(s.decision).toMatchObject({ outcome: null, decisionDueBy: '2027-08-02' });
    expect(s.nextDue).toContainEqual({ kind: 'decision', dueBy: '2027-08-02', detail: 'satisfactory' });
  });

  it('R16: there must be a recommendation to decide on', () => {
    given(throughYearOne()).when(decide('pass')).thenThrows('R16', 'statutory');
  });

  it('R21: a panel member from the ECT’s own school cannot decide', () => {
    given(awaitingDecision())
      .when(decide('pass', '2027-09-01', { decidedBy: { personId: 'p', schoolUrn: '123456' } }))
      .thenThrows('R21');
  });
});

describe('R17 notification', () => {
  it('R17: within 3 working days; TRA for fail or extend, passes go in the termly return', () => {
    const passed = history(awaitingDecision(), decide('pass'));
    given(passed)
      .when(command('RecordNotification', { recipient: 'tra', notifiedOn: '2027-09-02', on: '2027-09-02' }))
      .thenThrows('R17');
    given(passed)
      .when(command('RecordNotification', { recipient: 'ect', notifiedOn: '2027-09-07', on: '2027-09-07' }))
      .then([{ type: 'OutcomeNotified', data: { late: true } }]);
  });
});

describe('R18 appeal', () => {
  it('R18: 20 working days to appeal a fail; the fail is final when the window closes', () => {
    const failed = history(awaitingDecision('unsatisfactory'), decide('fail'));
    const { appealBy } = stateOf(failed).decision!;
    expect(appealBy).toBe('2027-09-29');
    expect(summariseInduction(stateOf(failed), appealBy!, calendar).failFinalOn).toBeNull();
    expect(summariseInduction(stateOf(failed), '2027-09-30', calendar)).toMatchObject({
      failFinalOn: '2027-09-29',
      employmentEndsBy: '2027-10-13',
    });
    given(failed)
      .when(command('LodgeAppeal', { lodgedOn: '2027-09-30', on: '2027-09-30' }))
      .thenThrows('R18');
  });

  it('R18: an appeal dismissed makes the fail final; employment ends within 10 working days', () => {
    const appealed = history(
      awaitingDecision('unsatisfactory'),
      decide('fail'),
      command('LodgeAppeal', { lodgedOn: '2027-09-10', on: '2027-09-10' }),
    );
    expect(summariseInduction(stateOf(appealed), '2027-12-01', calendar).failFinalOn).toBeNull();
    given(appealed)
      .when(
        command('DetermineAppeal', { outcome: 'dismissed', determinedOn: '2027-12-01', on: '2027-12-01' }),
      )
      .then([
        { type: 'AppealDetermined', data: { employmentEndsBy: '2027-12-15' } },
        { type: 'FailBecameFinal', data: { finalOn: '2027-12-01', employmentEndsBy: '2027-12-15' } },
      ]);
  });

  it('R18: a pass cannot be appealed', () => {
    given(history(awaitingDecision(), decide('pass')))
      .when(command('LodgeAppeal', { lodgedOn: '2027-09-02', on: '2027-09-02' }))
      .thenThrows('R18');
  });
});

describe('R19 extension', () => {
  it.each([0, 0.05, 16.1, 1.25])('R19: rejects an extension of %d terms', (terms) => {
    given(awaitingDecision('extension'))
      .when(decide('extend', '2027-09-01', { extensionTerms: terms }))
      .thenThrows('R19', 'statutory');
  });

  it('R19: extending adds FTE terms and another final assessment at the new end', () => {
    const extended = history(
      awaitingDecision('extension'),
      decide('extend', '2027-07-20', { extensionTerms: 1 }),
    );
    const s = summariseInduction(stateOf(extended), '2027-09-02', calendar);
    expect(s).toMatchObject({
      status: 'extended',
      termsRequired: 7,
      expectedEndDate: '2027-12-31',
      decision: { outcome: 'extend', appealBy: '2027-08-17' },
    });
    expect(s.nextDue).toContainEqual({ kind: 'formal-assessment', dueBy: '2027-12-31', detail: 'final' });
    given(extended)
      .when(finalAssessment('satisfactory', '2027-12-01', '2027-12-02'))
      .then([{ type: 'FormalAssessmentRecorded', data: { round: 1 } }, { type: 'RecommendationReceived' }]);
  });

  it('R19: the AB grants an extension of 0.1–16 terms to one decimal', () => {
    given(registered())
      .when(
        command('ExtendInduction', {
          terms: 2.5,
          reason: 'Support',
          grantedOn: '2026-01-10',
          on: '2026-01-10',
        }),
      )
      .then([{ type: 'InductionExtended' }]);
    given(registered())
      .when(
        command('ExtendInduction', {
          terms: 17,
          reason: 'Support',
          grantedOn: '2026-01-10',
          on: '2026-01-10',
        }),
      )
      .thenThrows('R19');
  });

  it('R2: every decision deadline lands on a working day', () => {
    const d = stateOf(history(awaitingDecision('unsatisfactory'), decide('fail'))).decision!;
    for (const date of [d.decisionDueBy, d.notifyBy, d.appealBy!]) expect(isWorkingDay(date)).toBe(true);
  });
});
