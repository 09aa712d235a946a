import { describe, expect, it } from '@jest/globals';
import { initialEctState, type EctState } from '#induction/induction/ect.state.js';
import { decideFailBecameFinal, timeFactEventId } from './time-facts.js';
import { notificationIntents, recipientKey } from './notification-rules.js';

const failed = (appeal: EctState['appeal'] = null): EctState => ({
  ...initialEctState(),
  phase: 'failed',
  ectId: 'e1',
  decision: {
    outcome: 'fail',
    decidedOn: '2026-07-01',
    decisionDueBy: '2026-07-10',
    notifyBy: '2026-07-06',
    appealBy: '2026-07-29',
    extensionTerms: null,
  },
  appeal,
});

describe('FailBecameFinal (R18): the appeal window closes on a fail with no appeal', () => {
  it('is decided the day after the window closes, with the employment end date', () => {
    expect(decideFailBecameFinal(failed(), '2026-07-29', false)).toEqual([]);
    expect(decideFailBecameFinal(failed(), '2026-07-30', false)).toEqual([
      {
        type: 'FailBecameFinal',
        schemaVersion: 1,
        data: {
          ectId: 'e1',
          finalOn: '2026-07-29',
          appealBy: '2026-07-29',
          employmentEndsBy: '2026-08-12',
          recordedOn: '2026-07-30',
        },
      },
    ]);
  });
  it('is not decided twice, nor when an appeal was lodged, nor for a pass', () => {
    expect(decideFailBecameFinal(failed(), '2026-08-30', true)).toEqual([]);
    const lodged = { lodgedOn: '2026-07-10', outcome: null, determinedOn: null, employmentEndsBy: null };
    expect(decideFailBecameFinal(failed(lodged), '2026-08-30', false)).toEqual([]);
    expect(
      decideFailBecameFinal({ ...initialEctState(), ectId: 'e1', phase: 'passed' }, '2026-08-30', false),
    ).toEqual([]);
  });
  it('derives event ids from the fact, so a second sweep appends nothing', () => {
    expect(timeFactEventId('fail-final', 'e1', '2026-07-29')).toBe(
      timeFactEventId('fail-final', 'e1', '2026-07-29'),
    );
    expect(timeFactEventId('fail-final', 'e1', '2026-07-29')).not.toBe(
      timeFactEventId('fail-final', 'e2', '2026-07-29'),
    );
  });
});

describe('notification outbox rules', () => {
  it('R17: a decision goes to the ECT, the head and the employer; R18: appeal rights on fail or extend', () => {
    const keys = (outcome: string) =>
      notificationIntents({ type: 'OutcomeDecided', data: { outcome } }).map(
        (i) => `${recipientKey(i)}:${i.template}`,
      );
    expect(keys('pass')).toEqual([
      'ect:decision-recorded',
      'head:decision-recorded',
      'employer:decision-recorded',
    ]);
    expect(keys('fail')).toContain('ect-appeal-rights:appeal-rights');
    expect(keys('extend')).toContain('ect-appeal-rights:appeal-rights');
    expect(notificationIntents({ type: 'EctRegistered', data: {} })).toEqual([
      { recipient: 'tutor', template: 'registration-confirmed' },
    ]);
    expect(notificationIntents({ type: 'AbsenceRecorded', data: {} })).toEqual([]);
  });
});
