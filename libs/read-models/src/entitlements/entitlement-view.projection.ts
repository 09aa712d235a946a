import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { addDays, type IsoDate } from '#induction/calendar/calendar-date.js';
import { inductionYearFromSchedule } from '#induction/early-help/ect-schedule.js';
import type { ContactPersonalData } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import {
  abContactCheck,
  type Entitlement,
  MAX_TIMETABLE_PERCENT,
} from '#induction/entitlements/r22-entitlements.js';
import type { ApplyContext, Projection } from '../projection.js';
import { redactErased } from '../erasure/redact-erased.js';
import { type KeyedTable, keyedRows } from '../runner/rebuild-row-cache.js';
import { type EctFoldDeps, eventDate, foldEcts, isEctEvent, scheduleAt } from './ect-fold.js';
import { bulkUpsert } from '../bulk-write.js';

/** Who decided a check: the event that made it what it is, or the passing of time (an overdue review). */
export interface DecidedBy {
  eventId: string | null;
  eventType: string | null;
  streamRevision: number | null;
}
export interface StoredCheck extends DecidedBy {
  met: boolean | null;
  since: IsoDate;
}
type StaticEntitlement = Exclude<Entitlement, 'reduced-timetable' | 'reviews-on-time'>;

export interface EntitlementRow {
  ectId: string;
  schoolUrn: string | null;
  phase: string;
  revision: string;
  state: EctState;
  /** Checks decided by events alone, each with the date and event that last changed it. */
  checks: Record<StaticEntitlement, StoredCheck>;
  /** R11 reviews the schedule asks for (time-independent); compared with today at query time. */
  reviews: { term: number; dueBy: IsoDate; submitted: boolean }[];
  lastReview: (DecidedBy & { on: IsoDate }) | null;
  registered: DecidedBy & { on: IsoDate };
  yearTwoFrom: IsoDate | null;
  timetables: (DecidedBy & { from: IsoDate; percent: number })[];
  updatedAt: Date;
}

export const EntitlementEntity = new EntitySchema<EntitlementRow>({
  name: 'EntitlementView',
  tableName: 'entitlement_view',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'entitlement_view_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    phase: { type: 'text' },
    revision: { type: 'bigint' },
    state: { type: 'jsonb' },
    checks: { type: 'jsonb' },
    reviews: { type: 'jsonb' },
    lastReview: { name: 'last_review', type: 'jsonb', nullable: true },
    registered: { type: 'jsonb' },
    yearTwoFrom: { name: 'year_two_from', type: 'text', nullable: true },
    timetables: { type: 'jsonb' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [{ name: 'entitlement_view_school', columns: ['schoolUrn'] }],
});

const hasQts = (state: EctState, personId: string | null): boolean | null => {
  if (personId === null) return false;
  const person = state.people[personId] as ContactPersonalData | null | undefined;
  return person?.hasQts ?? null;
};

/** R22's checks that only events change (the same tests as the domain's `checkEntitlements`). */
export function staticChecks(state: EctState): Record<StaticEntitlement, boolean | null> {
  return {
    programme:
      state.programme === null
        ? false
        : state.programme === 'provider-led'
          ? true
          : state.fidelityCheck === null
            ? null
            : state.fidelityCheck.coversFramework,
    'induction-tutor-with-qts': hasQts(state, state.inductionTutorId),
    'mentor-with-qts': hasQts(state, state.mentorId),
    'mentor-distinct-from-tutor': state.mentorId !== null && state.mentorId !== state.inductionTutorId,
    // R22 (2.28): named, and not among those who decided this ECT's outcome.
    'ab-contact': abContactCheck(state).met,
    'assessments-on-time': !state.assessments.some((a) => a.late),
  };
}

const decidedBy = (event: RecordedEvent): DecidedBy => ({
  eventId: event.eventId,
  eventType: event.type,
  streamRevision: Number(event.streamRevision),
});

/**
 * An entitlement row as `apply` makes it: the schedule's fields (`reviews`, `yearTwoFrom`) depend on the state
 * and revision alone, so the table's `write` adds them (once per ECT in a rebuild, not once per page).
 */
type KeptEntitlement = Omit<EntitlementRow, 'reviews' | 'yearTwoFrom'>;

/** R22 statutory-entitlement view: per ECT, each check with since when and the event that decided it. */
export function entitlementViewProjection(deps: EctFoldDeps): Projection {
  const entitlements = entitlementRows(deps);
  return {
    name: 'entitlement-view',
    tables: ['entitlement_view'],
    entities: [EntitlementEntity],
    async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
      const table = keyedRows(em, context, entitlements);
      const folded = await foldEcts<KeptEntitlement>(
        events.filter(isEctEvent),
        deps,
        (_id, row, before, after, event, draft) => {
          const checks = (draft.checks ??= { ...(row?.checks ?? {}) } as EntitlementRow['checks']);
          void before;
          const now = staticChecks(after);
          for (const key of Object.keys(now) as StaticEntitlement[]) {
            if (checks[key] === undefined || checks[key].met !== now[key])
              checks[key] = { met: now[key], since: eventDate(event), ...decidedBy(event) };
          }
          if (event.type === 'EctRegistered')
            draft.registered = { on: eventDate(event), ...decidedBy(event) };
          if (event.type === 'ProgressReviewSubmitted')
            draft.lastReview = { on: eventDate(event), ...decidedBy(event) };
          if (event.type === 'TimetableRecorded') {
            const data = event.data as { from: IsoDate; percentOfMainPayRangeTimetable: number };
            const timetables = (draft.timetables ??= [...(row?.timetables ?? [])]);
            const kept = timetables.filter((t) => t.from !== data.from);
            kept.push({ from: data.from, percent: data.percentOfMainPayRangeTimetable, ...decidedBy(event) });
            draft.timetables = kept.sort((a, b) => a.from.localeCompare(b.from));
          }
        },
        table,
      );
      const rows: KeptEntitlement[] = [];
      for (const { id, row, state, revision, draft, last } of folded) {
        if (state.phase === 'unregistered') continue;
        rows.push({
          ectId: id,
          schoolUrn: state.leadSchoolUrn,
          phase: state.phase,
          revision: revision.toString(),
          state,
          checks: draft.checks ?? row!.checks,
          lastReview: draft.lastReview ?? row?.lastReview ?? null,
          registered: draft.registered ?? row!.registered,
          timetables: draft.timetables ?? row?.timetables ?? [],
          updatedAt: last.recordedAt,
        });
      }
      await table.put(rows);
      // R23: an erased person's fields go from every row's folded state (the rows kept by a rebuild first).
      await redactErased(em, events, {
        table: 'entitlement_view',
        stateColumn: 'state',
        kept: table,
        partition: { keyColumn: 'ect_id', of: context?.partition },
      });
    },
  };
}

/**
 * The view's rows by ECT id, as `apply` reads and writes them (kept across pages in a rebuild); each row is
 * written with the R11 reviews and the start of year two of the schedule at its revision.
 */
function entitlementRows(deps: EctFoldDeps): KeyedTable<KeptEntitlement> {
  return {
    name: 'entitlement_view',
    key: (row) => row.ectId,
    load: (em, ids) => em.find(EntitlementEntity, { where: { ectId: In([...ids]) } }),
    write: (em, rows) =>
      bulkUpsert(
        em,
        EntitlementEntity,
        rows.map((row): EntitlementRow => {
          const schedule = scheduleAt(row.ectId, BigInt(row.revision), row.state, deps.calendar);
          return {
            ...row,
            reviews: schedule.reviews.map((r) => ({ term: r.term, dueBy: r.dueBy, submitted: r.submitted })),
            yearTwoFrom: schedule.yearTwoFrom,
          };
        }),
        ['ectId'],
      ),
  };
}

export interface EntitlementStatus extends DecidedBy {
  entitlement: Entitlement;
  status: 'met' | 'not-met' | 'unknown';
  met: boolean | null;
  since: IsoDate;
  detail: string;
}

const status = (met: boolean | null) => (met === null ? 'unknown' : met ? 'met' : 'not-met');
const TIME: DecidedBy = { eventId: null, eventType: null, streamRevision: null };
const DETAIL: Record<StaticEntitlement, string> = {
  programme: 'Programme in place (school-led: fidelity check done)',
  'induction-tutor-with-qts': 'Named induction tutor holding QTS',
  'mentor-with-qts': 'Named mentor holding QTS',
  'mentor-distinct-from-tutor': 'The mentor is not the induction tutor, except exceptionally',
  'ab-contact': 'A named AB contact outside monitoring and decisions',
  'assessments-on-time': 'Assessment reports arrived on time',
};

/** The checks on `today`, in the order of the domain's `checkEntitlements`: the time-dependent ones here. */
export function entitlementsOn(row: EntitlementRow, today: IsoDate): EntitlementStatus[] {
  const stored = (key: StaticEntitlement): EntitlementStatus => ({
    entitlement: key,
    ...row.checks[key],
    status: status(row.checks[key].met),
    detail: DETAIL[key],
  });
  const year = inductionYearFromSchedule(row, today);
  const limit = MAX_TIMETABLE_PERCENT[year];
  const timetable = row.timetables.filter((t) => t.from <= today).at(-1);
  const timetableMet = timetable === undefined ? null : timetable.percent <= limit;
  const overdue = row.reviews.filter((r) => !r.submitted && r.dueBy < today);
  const reviewsMet = overdue.length === 0;
  const reviewsSince = reviewsMet ? (row.lastReview?.on ?? row.registered.on) : addDays(overdue[0]!.dueBy, 1);
  return [
    stored('programme'),
    stored('induction-tutor-with-qts'),
    stored('mentor-with-qts'),
    stored('mentor-distinct-from-tutor'),
    {
      entitlement: 'reduced-timetable',
      met: timetableMet,
      status: status(timetableMet),
      since:
        timetable === undefined
          ? row.registered.on
          : year === 2 && row.yearTwoFrom !== null && row.yearTwoFrom > timetable.from
            ? row.yearTwoFrom
            : timetable.from,
      detail: `Year ${year}: at most ${limit}% of a main-pay-range teacher's timetable${timetable ? ` (recorded ${timetable.percent}%)` : ''}`,
      ...(timetable ?? row.registered),
    },
    stored('ab-contact'),
    {
      entitlement: 'reviews-on-time',
      met: reviewsMet,
      status: status(reviewsMet),
      since: reviewsSince,
      detail: reviewsMet
        ? 'No progress review overdue'
        : `Overdue: terms ${overdue.map((r) => r.term).join(', ')}`,
      ...(reviewsMet ? (row.lastReview ?? row.registered) : TIME),
    },
    stored('assessments-on-time'),
  ].map((check) => {
    const {
      on: _on,
      from: _from,
      percent: _percent,
      ...rest
    } = check as EntitlementStatus & { on?: string; from?: string; percent?: number };
    return rest as EntitlementStatus;
  });
}
