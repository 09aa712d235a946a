import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { summariseInduction } from '../induction/induction-summary.js';
import { upcastEctEvent } from '../induction/upcasters.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import { calendar, command, given, history, registered, stateOf } from '../testing/ect-fixtures.js';
import { abContactCheck, checkEntitlements } from './r22-entitlements.js';

const CONTACT_ID = '0b7f3c1e-0000-4000-8000-0000000000c1';
const contact = (accountId?: string) =>
  command('AssignAbContact', {
    contact: { personId: CONTACT_ID, name: 'Chris Hale', email: 'chris@hub.example' },
    ...(accountId ? { accountId } : {}),
    on: '2025-09-10',
  });
const signed = (date: string) => ({ inductionTutor: date, head: date, ect: date });
const awaitingDecision = (...before: ReturnType<typeof contact>[]) =>
  history(
    registered(),
    ...before,
    formalAssessment(),
    formalAssessment({
      point: 'final',
      assessedOn: '2027-07-01',
      signedOn: signed('2027-07-01'),
      on: '2027-07-05',
    }),
  );
const decideBy = (personId: string) =>
  command('DecideOutcome', {
    decision: 'extend',
    decidedOn: '2027-07-20',
    extensionTerms: 1,
    rationale: 'More evidence needed',
    decidedBy: { personId },
    on: '2027-07-20',
  });
const abContactOf = (events: Parameters<typeof stateOf>[0]) =>
  checkEntitlements(stateOf(events), '2027-07-21', calendar).find((c) => c.entitlement === 'ab-contact')!;

describe('R22 entitlements', () => {
  it('R22 (2.28): a named AB contact who decides nothing is met', () => {
    expect(abContactOf(registered())).toMatchObject({
      met: false,
      detail: expect.stringMatching(/No named AB contact/),
    });
    const events = history(awaitingDecision(contact('oidc:chris')), decideBy('panel-1'));
    expect(abContactOf(events)).toEqual({
      entitlement: 'ab-contact',
      met: true,
      detail: 'A named AB contact outside monitoring and decisions',
    });
  });

  it('R22 (2.28): the AB contact (by their account) cannot decide the outcome', () => {
    const error = given(awaitingDecision(contact('oidc:chris')))
      .when(decideBy('oidc:chris'))
      .thenThrows('R22', 'statutory');
    expect(error.message).toMatch(/^R22: the ECT’s named AB contact takes no part in decisions/);
    given(awaitingDecision(contact())).when(decideBy(CONTACT_ID)).thenThrows('R22', 'statutory');
  });

  it('R22 (2.28): someone who decided this ECT’s outcome cannot then be named its AB contact; an earlier case is flagged', () => {
    const decided = history(awaitingDecision(), decideBy('oidc:chris'));
    const error = given(decided).when(contact('oidc:chris')).thenThrows('R22', 'statutory');
    expect(error.message).toMatch(/decided the outcome on 2027-07-20/);
    // A state where it happened anyway (a contact named before accounts were recorded, v1 events): explained.
    const flagged = stateOf(decided);
    const withContact = { ...flagged, abContactId: CONTACT_ID, abContactAccountId: 'oidc:chris' };
    expect(abContactCheck(withContact)).toEqual({
      met: false,
      detail:
        'The named AB contact also decided the outcome on 2027-07-20: the contact must take no part in monitoring or decisions (2.28)',
    });
    expect(
      summariseInduction(withContact, '2027-07-21', calendar).entitlements.find(
        (c) => c.entitlement === 'ab-contact',
      )?.met,
    ).toBe(false);
  });

  it('R22: AbContactAssigned v1 upcasts with an unknown account', () => {
    expect(
      upcastEctEvent({
        type: 'AbContactAssigned',
        schemaVersion: 1,
        data: { contactId: CONTACT_ID, personal: {} },
      }),
    ).toEqual({
      type: 'AbContactAssigned',
      schemaVersion: 2,
      data: { contactId: CONTACT_ID, accountId: null, personal: {} },
    });
  });

  it('R22: a fidelity check on a provider-led programme is a rule (422), not a malformed request', () => {
    const error = given(registered())
      .when(
        command('RecordFidelityCheck', {
          checkedOn: '2025-10-01',
          coversFramework: true,
          notes: '',
          on: '2025-10-01',
        }),
      )
      .thenThrows('R22', 'statutory');
    expect(error.message).toMatch(/^R22: only a school-led programme has a fidelity check/);
    given(registered({ programme: 'school-led' }))
      .when(
        command('RecordFidelityCheck', {
          checkedOn: '2025-10-01',
          coversFramework: true,
          notes: '',
          on: '2025-10-01',
        }),
      )
      .then([{ type: 'FidelityCheckRecorded' }]);
  });

  it('property R22: the AB contact check fails exactly when the contact is among the deciders', () => {
    const ids = ['panel-1', 'panel-2', 'oidc:chris', CONTACT_ID];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ids), { maxLength: 4 }),
        fc.option(fc.constantFrom(...ids), { nil: null }),
        (deciders, accountId) => {
          const state = {
            ...stateOf(registered()),
            abContactId: CONTACT_ID,
            abContactAccountId: accountId,
            deciders: deciders.map((decidedBy, i) => ({ decidedBy, decidedOn: `2027-0${i + 1}-01` })),
          };
          const involved = deciders.some((d) => d === CONTACT_ID || (accountId !== null && d === accountId));
          const check = abContactCheck(state);
          expect(check.met).toBe(!involved);
          if (involved) expect(check.detail).toMatch(/\(2\.28\)$/);
        },
      ),
    );
  });
});

describe('statutory refusals are 422 with the rule id, not 409 or 400', () => {
  it('R13: recording an interim assessment nobody owes is refused by R13 (statutory)', () => {
    const error = given(registered())
      .when(command('RecordInterimAssessment', { assessedOn: '2025-10-01', progress: 'p', on: '2025-10-01' }))
      .thenThrows('R13', 'statutory');
    expect(error.message).toMatch(/^R13: no interim assessment is outstanding/);
  });

  it('R11: a progress review before its term starts is refused by R11 (statutory)', () => {
    const error = given(registered())
      .when(
        command('SubmitProgressReview', {
          term: 2,
          reviewedOn: '2025-12-01',
          onTrack: true,
          strengths: 's',
          areasForDevelopment: 'a',
          on: '2025-12-01',
        }),
      )
      .thenThrows('R11', 'statutory');
    expect(error.message).toMatch(/^R11: the review for induction term 2 is held in its term/);
  });

  it('property: every refusal that names a rule is statutory (422), and every conflict names no rule', () => {
    const base = registered();
    const commands = [
      command('RecordInterimAssessment', { assessedOn: '2025-10-01', progress: 'p', on: '2025-10-01' }),
      command('RecordFidelityCheck', {
        checkedOn: '2025-10-01',
        coversFramework: true,
        notes: '',
        on: '2025-10-01',
      }),
      command('LodgeAppeal', { lodgedOn: '2025-10-01', on: '2025-10-01' }),
      command('SubmitRepresentations', { summary: 's', on: '2025-10-01' }),
      command('RecordFailBecameFinal', { on: '2025-10-01' }),
      command('ErasePersonalData', { subjectId: 'x', on: '2025-10-01' }),
      command('RecordNotification', { recipient: 'ect', notifiedOn: '2025-10-01', on: '2025-10-01' }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...commands), (c) => {
        const error = given(base).when(c).thenThrows();
        if (error.kind === 'conflict') expect(error.rule).toBeNull();
        if (error.rule !== null && error.kind !== 'invalid') expect(error.kind).toBe('statutory');
      }),
    );
  });
});
