import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../../auth/principal.js';
import type { AuditEntry } from '../../ects/ect-audit-trail/ect-audit-trail.query.js';
import type { EctView } from '../../ects/ect-queries.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { ectPageExtras } from './ect-page-extras.js';

const ECT_ID = '11111111-1111-4111-8111-111111111111';
const ABSENCE_ID = '22222222-2222-4222-8222-222222222222';
const tutor: Principal = {
  userId: 'tess',
  role: 'induction_tutor',
  schoolUrns: ['300001'],
} as unknown as Principal;
const panel: Principal = { userId: 'pat', role: 'panel_member', schoolUrns: [] } as unknown as Principal;

const ect = (fields: Record<string, unknown>): EctView => ({
  id: ECT_ID,
  trn: '4000001',
  firstName: 'Grace',
  lastName: 'Hopper',
  schoolUrn: '300001',
  cohort: null,
  lateRegistration: false,
  revision: 1,
  ...fields,
});

const services = {
  entitlementsOf: () =>
    Promise.resolve([
      {
        entitlement: 'mentor-with-qts',
        status: 'not-met',
        met: false,
        since: '2026-01-05',
        detail: 'Named mentor holding QTS',
      },
    ]),
  plans: {
    forEct: () =>
      Promise.resolve({
        entries: [
          { date: '2026-01-05', title: 'Year 1 formal assessment (R12)', who: 'ect', done: false },
          { date: '2026-03-01', title: 'Training', who: 'mentor', personName: 'Sam Patel', done: false },
        ],
      }),
  },
} as unknown as TutorHubServices;

const leave: AuditEntry = {
  revision: 3,
  type: 'AbsenceRecorded',
  schemaVersion: 1,
  recordedAt: '2026-01-20T09:00:00Z',
  actor: 'tess',
  actorRole: 'induction_tutor',
  correlationId: 'c',
  data: { absenceId: ABSENCE_ID, reason: 'maternity', from: '2026-01-05', to: '2026-01-16' },
};

describe('ectPageExtras', () => {
  it('gives a tutor the actions for an open induction, the R22 checks and the plan with what is overdue', async () => {
    const view = await ectPageExtras(services, tutor, ect({ status: 'in-progress' }), [], '2026-01-20');
    expect(view.actions.map((a) => a.text)).toEqual([
      'Submit a progress review',
      'Submit a formal assessment',
      'Record an absence',
      'Change mentor',
    ]);
    expect(view.entitlements).toEqual([
      {
        key: { text: 'Named mentor with QTS' },
        value: { text: 'Named mentor holding QTS (since 5 January 2026)' },
        tag: { text: 'Not met', classes: 'govuk-tag--red' },
      },
    ]);
    expect(view.plan.map((p) => [p.who, p.overdue])).toEqual([
      ['ECT', true],
      ['Mentor (Sam Patel)', false],
    ]);
  });

  it('offers the R13 interim assessment even after the ECT is released, and the R9 choice for pending leave', async () => {
    const view = await ectPageExtras(
      services,
      tutor,
      ect({ status: 'released', interimAssessmentRequired: true, leaveChoicesPending: [ABSENCE_ID] }),
      [leave],
      '2026-01-20',
    );
    expect(view.actions.map((a) => a.text)).toEqual(['Submit an interim assessment']);
    expect(view.leaveChoices).toEqual([
      {
        href: `/ects/${ECT_ID}/absences/${ABSENCE_ID}/leave-choice`,
        text: 'Maternity leave from 5 January 2026 to 16 January 2026',
      },
    ]);
  });

  it('gives a panel member nothing to record', async () => {
    const view = await ectPageExtras(
      services,
      panel,
      ect({ status: 'in-progress', leaveChoicesPending: [ABSENCE_ID] }),
      [leave],
      '2026-01-20',
    );
    expect(view.actions).toEqual([]);
    expect(view.leaveChoices).toEqual([]);
  });
});
