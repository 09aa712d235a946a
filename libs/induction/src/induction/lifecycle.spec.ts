import { describe, expect, it } from '@jest/globals';
import { summariseInduction } from './induction-summary.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import {
  calendar,
  command,
  ECT_ID,
  given,
  history,
  MENTOR_ID,
  registered,
  stateOf,
} from '../testing/ect-fixtures.js';
import { checkEntitlements } from '../entitlements/r22-entitlements.js';
import { upcastEctEvent } from './upcasters.js';

const reduce = (extra: object = {}) =>
  command('ReduceInduction', {
    reducedTo: 3,
    ectAgreedOn: '2025-09-05',
    headAdvisedOn: '2025-09-04',
    reason: 'Prior experience',
    on: '2025-09-10',
    ...extra,
  });

describe('R6 reduction', () => {
  it('R6: needs the ECT’s recorded agreement and the head’s advice, and at least 1 FTE term', () => {
    given(registered())
      .when(reduce({ ectAgreedOn: undefined }))
      .thenThrows('R6', 'statutory');
    given(registered())
      .when(reduce({ headAdvisedOn: undefined }))
      .thenThrows('R6', 'statutory');
    given(registered())
      .when(reduce({ reducedTo: 0.5 }))
      .thenThrows('R6', 'statutory');
  });

  it('R6: after a reduction only the final assessment is due, at the reduced length', () => {
    const events = history(registered(), reduce());
    const s = summariseInduction(stateOf(events), '2025-09-10', calendar);
    expect(s).toMatchObject({ termsRequired: 3, expectedEndDate: '2026-08-31' });
    expect(s.nextDue.filter((d) => d.kind === 'formal-assessment')).toEqual([
      { kind: 'formal-assessment', dueBy: '2026-08-31', detail: 'final' },
    ]);
    given(events).when(formalAssessment()).thenThrows('R6');
  });
});

describe('R7 simultaneous posts', () => {
  const second = command('AddSimultaneousPost', {
    postId: 'p2',
    schoolUrn: '222222',
    startDate: '2025-09-01',
    fte: 0.5,
    on: '2025-09-01',
  });

  it('R7: posts together cannot exceed 1.0 FTE', () => {
    given(registered({ fte: 0.6 }))
      .when(second)
      .thenThrows('R7', 'statutory');
  });

  it('R7: each post counts on its own once it meets R5', () => {
    const events = history(registered({ fte: 0.5 }), second);
    expect(summariseInduction(stateOf(events), '2025-12-31', calendar)).toMatchObject({
      termsServed: 1,
      fte: 1,
    });
    const shortSecond = history(
      registered({ fte: 0.5 }),
      command('AddSimultaneousPost', {
        postId: 'p2',
        schoolUrn: '222222',
        startDate: '2025-11-01',
        fte: 0.5,
        on: '2025-11-01',
      }),
      command('TransferEct', { postId: 'p2', leftOn: '2026-01-31', reason: 'ended', on: '2026-01-31' }),
    );
    expect(shortSecond.at(-1)).toMatchObject({ type: 'PostLeft' });
    expect(summariseInduction(stateOf(shortSecond), '2026-02-01', calendar).termsServed).toBeCloseTo(
      0.5 + (0.5 * 32) / 95,
      2,
    ); // p2 (under a term) adds nothing
  });
});

describe('working patterns, pauses, corrections and people', () => {
  it('R4: a change of working pattern accrues pro rata from its date', () => {
    const events = history(
      registered(),
      command('ChangeWorkingPattern', { fte: 0.5, from: '2026-01-01', on: '2025-12-15' }),
    );
    expect(summariseInduction(stateOf(events), '2026-08-31', calendar)).toMatchObject({
      termsServed: 2,
      fte: 0.5,
    });
  });

  it('R4: a pause other than statutory leave adds nothing; statutory leave still accrues (R9)', () => {
    const paused = history(
      registered(),
      command('PauseInduction', { from: '2026-01-01', reason: 'other', on: '2026-01-01' }),
      command('ResumeInduction', { from: '2026-04-06', on: '2026-04-06' }),
    );
    expect(summariseInduction(stateOf(paused), '2026-08-31', calendar).termsServed).toBe(2);
    const leave = history(
      registered(),
      command('PauseInduction', { from: '2026-01-01', reason: 'statutory-leave', on: '2026-01-01' }),
    );
    expect(summariseInduction(stateOf(leave), '2026-04-05', calendar)).toMatchObject({
      termsServed: 2,
      status: 'paused',
    });
  });

  it('corrects the start date as a new event, keeping the previous one', () => {
    given(registered())
      .when(command('CorrectStartDate', { startDate: '2025-09-03', reason: 'Typo', on: '2025-09-10' }))
      .then([
        { type: 'StartDateCorrected', data: { previousStartDate: '2025-09-01', startDate: '2025-09-03' } },
      ]);
    given(registered())
      .when(command('CorrectStartDate', { startDate: '2025-07-01', reason: 'x', on: '2025-09-10' }))
      .thenThrows('R20');
  });

  it('changes the mentor from a date with their personal data under personal', () => {
    given(registered())
      .when(
        command('ChangeMentor', {
          mentor: { personId: 'm-2', name: 'New', email: 'n@example.org' },
          from: '2026-01-01',
          on: '2025-12-20',
        }),
      )
      .then([
        {
          type: 'MentorChanged',
          data: { mentorId: 'm-2', personal: { 'm-2': { name: 'New', email: 'n@example.org' } } },
        },
      ]);
  });
});

describe('R22 entitlements', () => {
  it('R22: programme, tutor and mentor with QTS, distinct, timetable 90%/95%, AB contact, reviews on time', () => {
    const base = history(
      registered({ programme: 'school-led' }),
      command('RecordTimetable', {
        from: '2025-09-01',
        percentOfMainPayRangeTimetable: 92,
        on: '2025-09-01',
      }),
    );
    const checks = Object.fromEntries(
      checkEntitlements(stateOf(base), '2026-01-10', calendar).map((c) => [c.entitlement, c.met]),
    );
    expect(checks).toEqual({
      programme: null,
      'induction-tutor-with-qts': true,
      'mentor-with-qts': true,
      'mentor-distinct-from-tutor': true,
      'reduced-timetable': false,
      'ab-contact': false,
      'reviews-on-time': false,
      'assessments-on-time': true,
    });
  });

  it('R22: the named AB contact takes no part in decisions', () => {
    const events = history(
      registered(),
      command('AssignAbContact', {
        contact: { personId: 'ab-1', name: 'Con Tact', email: 'c@hub.org' },
        on: '2025-09-02',
      }),
      formalAssessment(),
      formalAssessment({
        point: 'final',
        assessedOn: '2027-07-01',
        signedOn: { inductionTutor: '2027-07-01', head: '2027-07-01', ect: '2027-07-01' },
        on: '2027-07-02',
      }),
    );
    given(events)
      .when(
        command('DecideOutcome', {
          decision: 'pass',
          decidedOn: '2027-09-01',
          rationale: 'ok',
          decidedBy: { personId: 'ab-1' },
          on: '2027-09-01',
        }),
      )
      .thenThrows('R22');
  });
});

describe('R23 records', () => {
  it('R23: assessment records are kept 6 years before personal data may be erased', () => {
    const events = history(registered(), formalAssessment());
    given(events)
      .when(command('RequestErasure', { subjectId: ECT_ID, on: '2030-01-01' }))
      .thenThrows('R23');
    given(events)
      .when(command('RequestErasure', { subjectId: MENTOR_ID, on: '2032-07-02' }))
      .then([{ type: 'PersonalDataErasureRequested', data: { subjectId: MENTOR_ID } }]);
  });

  it('R23: records who may see the assessments', () => {
    given(registered())
      .when(
        command('GrantAssessmentAccess', {
          grantee: { personId: 'x', name: 'Mod Erator', email: 'm@hub.org' },
          role: 'moderator',
          on: '2025-10-01',
        }),
      )
      .then([
        {
          type: 'AssessmentAccessGranted',
          data: { granteeId: 'x', role: 'moderator', personal: { x: { name: 'Mod Erator' } } },
        },
      ]);
  });
});

describe('upcasters', () => {
  it('upcasts EctRegistered v1 (no programme) to v2 as provider-led, and replays it', () => {
    const [v2] = registered();
    const { programme: _programme, priorTermsServed: _prior, ...v1Data } = v2.data as Record<string, unknown>;
    const upcast = upcastEctEvent({ type: 'EctRegistered', schemaVersion: 1, data: v1Data });
    expect(upcast).toEqual({ ...v2, data: { ...v2.data, programme: 'provider-led', priorTermsServed: 0 } });
    expect(stateOf([upcast]).programme).toBe('provider-led');
  });

  it('passes current versions through unchanged', () => {
    const [v2] = registered();
    expect(upcastEctEvent(v2)).toBe(v2);
  });
});
