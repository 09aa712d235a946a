/**
 * The parts of one ECT's page that come from other read models: R22 entitlements from the entitlement view
 * (as `GET /entitlements` answers), the induction plan (as `GET /ects/:id/plan`), the statutory leave still
 * waiting for the ECT's R9 choice (from the audit trail), and what the user can do next.
 */
import type { AuditEntry } from '../../ects/ect-audit-trail/ect-audit-trail.query.js';
import type { EctView } from '../../ects/ect-queries.js';
import type { Principal } from '../../auth/principal.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { govukDate } from '../view-models/format.js';
import { ABSENCE_REASON_NAMES } from './absence.routes.js';

export const ENTITLEMENT_NAMES: Record<string, string> = {
  programme: 'Training programme in place',
  'induction-tutor-with-qts': 'Named induction tutor with QTS',
  'mentor-with-qts': 'Named mentor with QTS',
  'mentor-distinct-from-tutor': 'Mentor is not the induction tutor',
  'reduced-timetable': 'Reduced timetable',
  'ab-contact': 'Named appropriate body contact',
  'reviews-on-time': 'Progress reviews on time',
  'assessments-on-time': 'Formal assessments on time',
};

export const ENTITLEMENT_TAGS: Record<string, { text: string; classes: string }> = {
  met: { text: 'Met', classes: 'govuk-tag--green' },
  'not-met': { text: 'Not met', classes: 'govuk-tag--red' },
  unknown: { text: 'Not known', classes: 'govuk-tag--grey' },
};

export async function ectPageExtras(
  extra: TutorHubServices,
  principal: Principal,
  ect: EctView,
  events: readonly AuditEntry[],
  today: string,
) {
  const [checks, plan] = await Promise.all([
    extra.entitlementsOf(ect.id, today),
    extra.plans.forEct(principal, ect.id).catch(() => null),
  ]);
  const pending = (ect['leaveChoicesPending'] as string[] | undefined) ?? [];
  const canAct = principal.role === 'induction_tutor' || principal.role === 'hub_staff';
  const open = ['registered', 'in-progress', 'extended', 'paused'].includes(String(ect['status']));
  return {
    entitlements: checks.map((c) => ({
      key: { text: ENTITLEMENT_NAMES[c.entitlement] ?? c.entitlement },
      value: { text: `${c.detail}${c.since ? ` (since ${govukDate(c.since)})` : ''}` },
      tag: ENTITLEMENT_TAGS[c.status] ?? ENTITLEMENT_TAGS['unknown']!,
    })),
    plan: (plan?.entries ?? []).map((e) => ({
      date: e.date,
      title: e.title,
      who: e.who === 'mentor' ? `Mentor${e.personName ? ` (${e.personName})` : ''}` : 'ECT',
      done: e.done,
      overdue: !e.done && e.date < today,
    })),
    leaveChoices: canAct
      ? events
          .filter((e) => e.type === 'AbsenceRecorded' && pending.includes(String(e.data['absenceId'])))
          .map((e) => ({
            href: `/ects/${ect.id}/absences/${String(e.data['absenceId'])}/leave-choice`,
            text: `${ABSENCE_REASON_NAMES[String(e.data['reason'])] ?? String(e.data['reason'])} from ${govukDate(e.data['from'])} to ${govukDate(e.data['to'])}`,
          }))
      : [],
    actions: canAct
      ? [
          ...(open
            ? [
                { text: 'Submit a progress review', href: `/ects/${ect.id}/progress-review` },
                { text: 'Submit a formal assessment', href: `/ects/${ect.id}/formal-assessment` },
              ]
            : []),
          // R13: owed when the ECT leaves, even when they leave induction altogether (released).
          ...(ect['interimAssessmentRequired'] === true
            ? [{ text: 'Submit an interim assessment', href: `/ects/${ect.id}/interim-assessment` }]
            : []),
          ...(open
            ? [
                { text: 'Record an absence', href: `/ects/${ect.id}/absence` },
                { text: 'Change mentor', href: `/ects/${ect.id}/mentor` },
              ]
            : []),
        ]
      : [],
  };
}
