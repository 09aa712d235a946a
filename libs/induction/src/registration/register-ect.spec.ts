import { describe, expect, it } from '@jest/globals';
import {
  ECT_ID,
  HUB_SCHOOL,
  MENTOR_ID,
  TUTOR_ID,
  command,
  decider,
  given,
  registerEct,
  registered,
  stateOf,
} from '../testing/ect-fixtures.js';

describe('R20 registration', () => {
  it('R20: registers an ECT with personal data only under data.personal, keyed by subject id', () => {
    const [event] = given([])
      .when(registerEct())
      .then([{ type: 'EctRegistered', schemaVersion: 2 }]);
    const { personal, ...rest } = event.data as { personal: unknown } & Record<string, unknown>;
    expect(rest).toEqual({
      ectId: ECT_ID,
      schoolUrn: '123456',
      qtsAwardedOn: '2025-07-15',
      startDate: '2025-09-01',
      fte: 1,
      programme: 'provider-led',
      mentorId: MENTOR_ID,
      inductionTutorId: TUTOR_ID,
      registeredOn: '2025-08-20',
      lateRegistration: false,
      priorTermsServed: 0,
    });
    expect(personal).toEqual({
      [ECT_ID]: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        dateOfBirth: '1999-12-10',
        email: 'ada@example.org',
        trn: '1234567',
      },
      [MENTOR_ID]: { name: 'Mo Mentor', email: 'mo@example.org', hasQts: true },
      [TUTOR_ID]: { name: 'Tu Tutor', email: 'tu@example.org', hasQts: true },
    });
    expect(JSON.stringify(rest)).not.toMatch(/Ada|Lovelace|1234567|example\.org/);
  });

  it('R20: a start date before the registration date is accepted and flagged as a late registration', () => {
    given([])
      .when(registerEct({ startDate: '2025-09-01', on: '2025-10-02' }))
      .then([{ type: 'EctRegistered', data: { lateRegistration: true } }]);
  });

  it.each([
    [{ trn: '123456' }, 'trn'],
    [{ trn: '12345678' }, 'trn'],
    [{ fte: 0.05 }, 'fte'],
    [{ fte: 1.2 }, 'fte'],
    [{ programme: 'core' as never }, 'programme'],
    [{ schoolUrn: '12345' }, 'schoolUrn'],
    [{ startDate: '2025-02-30' }, 'startDate'],
  ])('R20: rejects invalid input %o (400)', (overrides, field) => {
    const error = given([]).when(registerEct(overrides)).thenThrows(undefined, 'invalid');
    expect(error.field).toBe(field);
  });

  it('R20: QTS must be awarded on or before the start date', () => {
    given([])
      .when(registerEct({ qtsAwardedOn: '2025-09-02' }))
      .thenThrows('R20', 'statutory');
  });

  it('R20: an open induction is a duplicate (409)', () => {
    given(registered()).when(registerEct()).thenThrows(null, 'conflict');
  });

  it('R20: one induction per person: a passed or failed induction cannot be registered again (422)', () => {
    const passed = [
      ...registered(),
      { type: 'OutcomeDecided', schemaVersion: 1, data: { outcome: 'pass' } } as never,
    ];
    const error = given(passed)
      .when(registerEct({ on: '2028-01-01' }))
      .thenThrows('R20', 'statutory');
    expect(error.message).toMatch(/one induction per person/);
  });

  it('R20: a released ECT can be registered again, keeping the terms served before', () => {
    const released = [
      ...registered(),
      ...decider.decide(
        command('TransferEct', { leftOn: '2025-12-31', reason: 'moved to another AB', on: '2026-01-05' }),
        stateOf(registered()),
      ),
    ];
    given(released)
      .when(registerEct({ startDate: '2026-04-06', on: '2026-04-01', schoolUrn: '654321' }))
      .then([{ type: 'EctRegistered', data: { priorTermsServed: 1 } }]);
  });

  it('R21: the hub cannot be AB for an ECT at its own school', () => {
    given([])
      .when(registerEct({ schoolUrn: HUB_SCHOOL }))
      .thenThrows('R21', 'statutory');
  });

  it('R23: state survives erased personal data (personal[x] === null)', () => {
    const [event] = registered();
    const erased = {
      ...event,
      data: { ...event.data, personal: { [ECT_ID]: null, [MENTOR_ID]: null, [TUTOR_ID]: null } },
    };
    const state = stateOf([erased as never]);
    expect(state.people[ECT_ID]).toBeNull();
    expect(state.phase).toBe('open');
  });
});
