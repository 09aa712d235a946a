/**
 * R22 entitlements the AB checks (5.8, 5.11, 2.20, 2.28): programme in place (school-led: fidelity check
 * done), a named induction tutor with QTS, a named mentor with QTS who is not the tutor, a timetable of at most
 * 90% (year 1) / 95% (year 2) of a main-pay-range teacher's on top of PPA, a named AB contact, and reviews and
 * assessments arriving on time. Pure checks over the state; `met` is null when the evidence is not recorded.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type { TermCalendar } from '../calendar/r1-terms.js';
import { inductionYearOn } from '../absence/r8-automatic-extension.js';
import { progressReviewsDue } from '../progress-reviews/r11-progress-reviews.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { type ContactPersonalData, ectEvent } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate } from '../registration/validation.js';
import { invalid, statutory } from '../shared/domain-error.js';

/** R22 (2.20): the most an ECT's timetable may be, as a % of a main-pay-range teacher's, per induction year. */
export const MAX_TIMETABLE_PERCENT = { 1: 90, 2: 95 } as const;

export type Entitlement =
  | 'programme'
  | 'induction-tutor-with-qts'
  | 'mentor-with-qts'
  | 'mentor-distinct-from-tutor'
  | 'reduced-timetable'
  | 'ab-contact'
  | 'reviews-on-time'
  | 'assessments-on-time';

export interface EntitlementCheck {
  readonly entitlement: Entitlement;
  readonly met: boolean | null;
  readonly detail: string;
}

const hasQts = (state: EctState, personId: string | null): boolean | null => {
  if (personId === null) return false;
  const person = state.people[personId] as ContactPersonalData | null | undefined;
  return person?.hasQts ?? null;
};

/**
 * R22 (2.28): the dates on which any of `ids` (a person id or a sign-in account id) decided this ECT's outcome
 * (R16). Null ids are ignored. Older stored states (before `deciders`) count as no decisions.
 */
export function decisionsBy(state: EctState, ids: readonly (string | null)[]): IsoDate[] {
  const wanted = new Set(ids.filter((id): id is string => id !== null && id !== ''));
  return (state.deciders ?? []).filter((d) => wanted.has(d.decidedBy)).map((d) => d.decidedOn);
}

/** R22 (2.28): the ECT's named AB contact, checked against who made the AB's decisions for this ECT. */
export function abContactCheck(state: EctState): { met: boolean; detail: string } {
  if (state.abContactId === null) return { met: false, detail: 'No named AB contact for this ECT (2.28)' };
  const decided = decisionsBy(state, [state.abContactId, state.abContactAccountId ?? null]);
  if (decided.length > 0) {
    return {
      met: false,
      detail: `The named AB contact also decided the outcome on ${decided.join(', ')}: the contact must take no part in monitoring or decisions (2.28)`,
    };
  }
  return { met: true, detail: 'A named AB contact outside monitoring and decisions' };
}

export function checkEntitlements(
  state: EctState,
  today: IsoDate,
  calendar: TermCalendar,
): EntitlementCheck[] {
  const year = inductionYearOn(state, today, calendar);
  const timetable = state.timetables.filter((t) => t.from <= today).at(-1);
  const maxTimetable = MAX_TIMETABLE_PERCENT[year];
  const overdueReviews = progressReviewsDue(state, calendar).filter(
    (due) => due.dueBy < today && !state.reviews.some((review) => review.term === due.term),
  );
  const lateReports = state.assessments.filter((a) => a.late);
  const programmeMet =
    state.programme === 'provider-led'
      ? true
      : state.fidelityCheck === null
        ? null
        : state.fidelityCheck.coversFramework;
  return [
    {
      entitlement: 'programme',
      met: state.programme === null ? false : programmeMet,
      detail:
        state.programme === 'school-led'
          ? 'School-led: the AB checks it covers the ITTECF in full (fidelity check)'
          : 'Provider-led programme',
    },
    {
      entitlement: 'induction-tutor-with-qts',
      met: hasQts(state, state.inductionTutorId),
      detail: 'Named induction tutor holding QTS',
    },
    {
      entitlement: 'mentor-with-qts',
      met: hasQts(state, state.mentorId),
      detail: 'Named mentor holding QTS',
    },
    {
      entitlement: 'mentor-distinct-from-tutor',
      met: state.mentorId !== null && state.mentorId !== state.inductionTutorId,
      detail: 'The mentor is not the induction tutor, except exceptionally',
    },
    {
      entitlement: 'reduced-timetable',
      met: timetable === undefined ? null : timetable.percentOfMainPayRangeTimetable <= maxTimetable,
      detail: `Year ${year}: at most ${maxTimetable}% of a main-pay-range teacher's timetable, on top of PPA`,
    },
    { entitlement: 'ab-contact', ...abContactCheck(state) },
    {
      entitlement: 'reviews-on-time',
      met: overdueReviews.length === 0,
      detail:
        overdueReviews.length === 0
          ? 'No progress review overdue'
          : `Overdue: terms ${overdueReviews.map((r) => r.term).join(', ')}`,
    },
    {
      entitlement: 'assessments-on-time',
      met: lateReports.length === 0,
      detail:
        lateReports.length === 0
          ? 'Assessment reports arrived on time'
          : `${lateReports.length} report(s) arrived late`,
    },
  ];
}

export const entitlementCommands: Pick<CommandHandlers, 'RecordFidelityCheck' | 'RecordTimetable'> = {
  RecordFidelityCheck: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.checkedOn, 'checkedOn');
    if (state.programme !== 'school-led') {
      throw statutory('R22', 'only a school-led programme has a fidelity check (5.8)', 'programme');
    }
    return [
      ectEvent('FidelityCheckRecorded', {
        checkedOn: data.checkedOn,
        coversFramework: data.coversFramework,
        notes: data.notes ?? '',
      }),
    ];
  },
  RecordTimetable: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.from, 'from');
    const percent = data.percentOfMainPayRangeTimetable;
    if (typeof percent !== 'number' || percent <= 0 || percent > 100) {
      throw invalid('Timetable is a percentage above 0 and at most 100', 'percentOfMainPayRangeTimetable');
    }
    return [ectEvent('TimetableRecorded', { from: data.from, percentOfMainPayRangeTimetable: percent })];
  },
};

export const entitlementEvents: Pick<EventAppliers, 'FidelityCheckRecorded' | 'TimetableRecorded'> = {
  FidelityCheckRecorded: (state, { data }) => ({
    ...state,
    fidelityCheck: { checkedOn: data.checkedOn, coversFramework: data.coversFramework },
  }),
  TimetableRecorded: (state, { data }) => ({
    ...state,
    timetables: [...state.timetables.filter((t) => t.from !== data.from), data].sort((a, b) =>
      a.from.localeCompare(b.from),
    ),
  }),
};
