/** What one ECT's page shows: the summary rows, what is due (overdue first), entitlements (R22), the decision. */
import type { AuditEntry } from '../../ects/ect-audit-trail/ect-audit-trail.query.js';
import type { EctView } from '../../ects/ect-queries.js';
import {
  dueKind,
  govukDate,
  govukDateTime,
  programmeName,
  ROLE_NAMES,
  statusTag,
} from '../view-models/format.js';

interface DueItem {
  kind: string;
  dueBy: string;
  detail: string;
}
interface Entitlement {
  entitlement: string;
  met: boolean | null;
  detail: string;
}

const ENTITLEMENTS: Record<string, string> = {
  programme: 'Training programme in place',
  'induction-tutor-with-qts': 'Named induction tutor with QTS',
  'mentor-with-qts': 'Named mentor with QTS',
  'mentor-distinct-from-tutor': 'Mentor is not the induction tutor',
  'reduced-timetable': 'Reduced timetable',
  'ab-contact': 'Named appropriate body contact',
  'reviews-on-time': 'Progress reviews on time',
  'assessments-on-time': 'Formal assessments on time',
};

export function ectPageView(ect: EctView, schoolName: string | null, today: string) {
  const name = [ect.firstName, ect.lastName].filter(Boolean).join(' ') || 'Name erased';
  const absence = ect['absence'] as { year1Days?: number; year2Days?: number } | undefined;
  const due = ((ect['nextDue'] as DueItem[] | undefined) ?? []).map((item) => ({
    ...item,
    kindName: dueKind(item.kind),
    overdue: item.dueBy < today,
  }));
  const entitlements = ((ect['entitlements'] as Entitlement[] | undefined) ?? []).map((e) => ({
    key: { text: ENTITLEMENTS[e.entitlement] ?? e.entitlement },
    value: { text: e.detail || '' },
    tag:
      e.met === true
        ? { text: 'Met', classes: 'govuk-tag--green' }
        : e.met === false
          ? { text: 'Not met', classes: 'govuk-tag--red' }
          : { text: 'Not known', classes: 'govuk-tag--grey' },
  }));
  const decision = ect['decision'] as Record<string, string | null> | null | undefined;
  const row = (key: string, value: unknown) => ({
    key: { text: key },
    value: { text: value === null || value === undefined || value === '' ? 'Not recorded' : String(value) },
  });
  return {
    pageTitle: name,
    id: ect.id,
    name,
    status: statusTag(ect['status']),
    atRisk: ect['atRisk'] === true,
    lateRegistration: ect.lateRegistration,
    headNoticeYears: (ect['headNoticeYears'] as number[] | undefined) ?? [],
    interimAssessmentRequired: ect['interimAssessmentRequired'] === true,
    summaryRows: [
      row('TRN', ect.trn),
      row('School', schoolName ? `${schoolName} (URN ${ect.schoolUrn})` : ect.schoolUrn),
      row('Programme', programmeName(ect['programme'])),
      row('FTE', ect['fte']),
      row('Induction start date', govukDate(ect['startDate'])),
      row('Terms served', `${ect['termsServed']} of ${ect['termsRequired']} FTE terms`),
      row('Expected end date', govukDate(ect['expectedEndDate'])),
      row(
        'Absence (ad hoc days)',
        absence ? `Year 1: ${absence.year1Days ?? 0} days, year 2: ${absence.year2Days ?? 0} days` : null,
      ),
    ],
    due,
    entitlements,
    decisionRows: decision
      ? [
          row('Outcome', decision['outcome'] ?? 'Not decided'),
          row('Decision due by', govukDate(decision['decisionDueBy'])),
          ...(decision['decidedOn'] ? [row('Decided on', govukDate(decision['decidedOn']))] : []),
          ...(decision['appealBy'] ? [row('Appeal by', govukDate(decision['appealBy']))] : []),
        ]
      : null,
  };
}

/** "ProgressReviewSubmitted" → "Progress review submitted"; ECT stays in capitals. */
function eventTitle(type: string): string {
  const words = type
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
  const text = words.map((w) => (w === 'ect' ? 'ECT' : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The ECT's events for the timeline, newest first, with who did them in which role. */
export function timelineView(entries: readonly AuditEntry[]) {
  return [...entries].reverse().map((entry) => ({
    title: eventTitle(entry.type),
    when: govukDateTime(entry.recordedAt),
    datetime: entry.recordedAt,
    by: entry.actorRole ? (ROLE_NAMES[entry.actorRole] ?? entry.actorRole) : null,
  }));
}
