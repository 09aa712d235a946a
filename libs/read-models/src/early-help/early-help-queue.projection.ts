import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { addDays, type IsoDate } from '#induction/calendar/calendar-date.js';
import {
  type CaseView,
  caseStatus,
  earlyHelpCaseDecider,
  type EarlyHelpCaseState,
  type EarlyHelpEvent,
} from '#induction/early-help/early-help-case.decider.js';
import {
  type EarlyHelpCause,
  type EarlyHelpCauseKind,
  standingCausesMayChange,
  standingEarlyHelpCauses,
  type TimedFacts,
  timedEarlyHelpCauses,
  timedFactsOf,
  type TrainingAttendance,
} from '#induction/early-help/early-help-causes.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { ApplyContext, Projection } from '../projection.js';
import { redactErased } from '../erasure/redact-erased.js';
import { type KeyedTable, keyedRows } from '../runner/rebuild-row-cache.js';
import { ectKeyOf } from '../runner/ect-partitions.js';
import { ECT_STREAM, type EctFoldDeps, evolveShared, scheduleAt } from '../entitlements/ect-fold.js';
import { bulkInsert, bulkUpsert } from '../bulk-write.js';

/** The event that made a cause what it is; none for a cause only the passing of time raised (before a sweep). */
export interface StoredCause extends EarlyHelpCause {
  eventId: string | null;
  eventType: string | null;
}

/**
 * One row per ECT: the early-help case (stream `early-help-<ectId>`) with the causes that open it. Causes that
 * events decide are stored with the event that raised them; causes that come with time (overdue reviews and
 * reports, this year's timetable limit) are decided at query time from the stored schedule, and matched with
 * the nightly sweep's `EarlyHelpCauseDetected` events for the event that recorded them.
 */
export interface EarlyHelpCaseRow {
  ectId: string;
  schoolUrn: string | null;
  phase: string;
  ectName: string | null;
  /** Revision of the ECT stream folded (-1: none yet). */
  revision: string;
  state: EctState | null;
  causes: StoredCause[];
  timed: TimedFacts | null;
  detected: StoredCause[];
  /** `<academicYear>|<eventId>` → attended, for this ECT's recorded training attendance. */
  attendance: Record<string, boolean>;
  caseRevision: string;
  caseState: EarlyHelpCaseState;
}

export const EarlyHelpCaseEntity = new EntitySchema<EarlyHelpCaseRow>({
  name: 'EarlyHelpCase',
  tableName: 'early_help_cases',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'early_help_cases_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    phase: { type: 'text' },
    ectName: { name: 'ect_name', type: 'text', nullable: true },
    revision: { type: 'bigint' },
    state: { type: 'jsonb', nullable: true },
    causes: { type: 'jsonb' },
    timed: { type: 'jsonb', nullable: true },
    detected: { type: 'jsonb' },
    attendance: { type: 'jsonb' },
    caseRevision: { name: 'case_revision', type: 'bigint' },
    caseState: { name: 'case_state', type: 'jsonb' },
  },
  indices: [{ name: 'early_help_cases_school', columns: ['schoolUrn'] }],
});

/**
 * The queue's view of one case over a span of dates (issue 9): what `caseOn` says on every day from
 * `validFrom` (inclusive) to `validTo` (exclusive), as far as the queue filters and sorts on it. `caseOn`
 * depends on the date only through the stored schedule and timetables, so a case row is a step function of
 * the date; `caseSpans` stores its steps, and the queue is an index range scan for `validFrom <= today <
 * validTo` in key order, for any date (today or an as-at date). Only ids, dates and cause kinds: no personal
 * data, so erasure has nothing to redact here. Days the case is neither open nor resolved have no span.
 */
export interface CaseSpan {
  /** First day of the span; null: every day before `validTo`. */
  readonly validFrom: IsoDate | null;
  /** First day after the span; null: open-ended. */
  readonly validTo: IsoDate | null;
  readonly status: 'open' | 'resolved';
  /** The queue's order: when the case (re)opened, or (resolved) its last resolution. */
  readonly sortKey: IsoDate;
  /** The kinds of the open causes (sorted, each once): what `?cause=` filters on. */
  readonly causeKinds: readonly EarlyHelpCauseKind[];
}

/** A span as stored: ±infinity for open ends, so that the range tests need no NULL handling. */
export interface EarlyHelpSpanRow {
  ectId: string;
  validFrom: string;
  validTo: string;
  status: 'open' | 'resolved';
  sortKey: string;
  causeKinds: string[];
  schoolUrn: string | null;
}

export const EarlyHelpSpanEntity = new EntitySchema<EarlyHelpSpanRow>({
  name: 'EarlyHelpSpan',
  tableName: 'early_help_spans',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'early_help_spans_pkey' },
    validFrom: {
      name: 'valid_from',
      type: 'date',
      primary: true,
      primaryKeyConstraintName: 'early_help_spans_pkey',
    },
    validTo: { name: 'valid_to', type: 'date' },
    status: { type: 'text' },
    sortKey: { name: 'sort_key', type: 'date' },
    causeKinds: { name: 'cause_kinds', type: 'text', array: true },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
  },
  indices: [
    // The queue in key order (status open, or resolved), with the span's dates and cause kinds in the index so
    // that testing a span, or a cause filter, never reads the table (a rare cause: 9-25 ms -> 2-5 ms national).
    {
      name: 'early_help_spans_page',
      columns: ['status', 'sortKey', 'ectId', 'validFrom', 'validTo', 'causeKinds'],
    },
    { name: 'early_help_spans_school', columns: ['schoolUrn', 'status', 'sortKey', 'ectId'] },
  ],
});

/**
 * The queue's totals without a scan (issue 9): per status and cause kind ('' for any), +1 on the day each
 * span starts and -1 on the day it ends, so the number of spans holding `today` is the sum of the deltas up
 * to it, a few hundred rows whatever the number of cases. `writeSpans` keeps it in step with the spans.
 */
export interface EarlyHelpSpanCountRow {
  status: string;
  cause: string;
  day: string;
  delta: number;
}

export const EarlyHelpSpanCountEntity = new EntitySchema<EarlyHelpSpanCountRow>({
  name: 'EarlyHelpSpanCount',
  tableName: 'early_help_span_counts',
  columns: {
    status: { type: 'text', primary: true, primaryKeyConstraintName: 'early_help_span_counts_pkey' },
    cause: { type: 'text', primary: true, primaryKeyConstraintName: 'early_help_span_counts_pkey' },
    day: { type: 'date', primary: true, primaryKeyConstraintName: 'early_help_span_counts_pkey' },
    delta: { type: 'integer' },
  },
});

export const EARLY_HELP_CAUSE_DETECTED = 'EarlyHelpCauseDetected';
const CASE_STREAM = /^early-help-(.+)$/;

const attendanceOf = (row: EarlyHelpCaseRow): TrainingAttendance => {
  const values = Object.values(row.attendance);
  return { attended: values.filter(Boolean).length, recorded: values.length };
};

/**
 * Keeps the triggering event of a cause that still stands as it was (same kind, same since). A cause that
 * stands word for word as stored is the stored object itself, and causes that all stand so, in the same
 * order, are `previous` itself: most events leave the causes as they were, and rows are compared and
 * written by content, so nothing written changes.
 */
export function mergeCauses(
  previous: StoredCause[],
  now: readonly EarlyHelpCause[],
  event: RecordedEvent,
): StoredCause[] {
  let same = now.length === previous.length;
  const merged = now.map((cause, i) => {
    const kept = previous.find((p) => p.cause === cause.cause && p.since === cause.since);
    if (kept && kept.rule === cause.rule && kept.detail === cause.detail) {
      same &&= kept === previous[i];
      return kept;
    }
    same = false;
    return {
      ...cause,
      eventId: kept ? kept.eventId : event.eventId,
      eventType: kept ? kept.eventType : event.type,
    };
  });
  return same ? previous : merged;
}

const emptyRow = (ectId: string): EarlyHelpCaseRow => ({
  ectId,
  schoolUrn: null,
  phase: 'unregistered',
  ectName: null,
  revision: '-1',
  state: null,
  causes: [],
  timed: null,
  detected: [],
  attendance: {},
  caseRevision: '-1',
  caseState: earlyHelpCaseDecider.initialState(),
});

/**
 * Early-help queue (issue 5): events are applied one by one in log order, whatever the batch, so a rebuild
 * gives the very rows the live run gave; every step is idempotent (revisions, keyed maps, event ids).
 */
export function earlyHelpQueueProjection(deps: EctFoldDeps): Projection {
  const caseRows = caseRowsOn(deps.calendar);
  return {
    name: 'early-help-queue',
    // 2: the date spans and their per-day counts (issue 9); tables built by version 1 have neither.
    version: 2,
    tables: ['early_help_cases', 'early_help_spans', 'early_help_span_counts'],
    entities: [EarlyHelpCaseEntity, EarlyHelpSpanEntity, EarlyHelpSpanCountEntity],
    async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
      const table = keyedRows(em, context, caseRows);
      // The ECT each event concerns (a rebuild split by ECT hands each thread the events of its own ECTs by
      // the same key: ect-partitions.ts).
      const idOf = events.map(ectKeyOf);
      const ids = new Set<string>();
      for (const id of idOf) if (id) ids.add(id);
      if (ids.size > 0) await applyToCases(events, ids, idOf, table);
      // R23: an erased person's copies go from every case (the ECT's name, anyone in a folded state), also on a
      // page with nothing else for this projection (a split rebuild's redaction order: ect-partitions.ts).
      await redactErased(em, events, {
        kept: table,
        partition: { keyColumn: 'ect_id', of: context?.partition },
        table: 'early_help_cases',
        stateColumn: 'state',
        statements: ['UPDATE early_help_cases SET ect_name = NULL WHERE ect_id = $1::uuid'],
      });
    },
  };

  /** Folds the page into the cases of the ECTs it concerns (`idOf`: each event's ECT, if any). */
  async function applyToCases(
    events: readonly RecordedEvent[],
    ids: ReadonlySet<string>,
    idOf: readonly (string | null)[],
    table: ReturnType<typeof keyedRows<EarlyHelpCaseRow>>,
  ) {
    // Rows kept by a rebuild's cache are changed in place below: every row touched is put back.
    const rows = await table.get([...ids]);
    const touched = new Map<string, EarlyHelpCaseRow>();
    const folded = new Set<string>();
    const restate = (row: EarlyHelpCaseRow, event: RecordedEvent) => {
      if (row.state === null) return;
      row.causes = mergeCauses(
        row.causes,
        standingEarlyHelpCauses(row.state, deps.calendar, attendanceOf(row)),
        event,
      );
    };
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const id = idOf[i];
      if (!id) continue;
      const row = touched.get(id) ?? rows.get(id) ?? emptyRow(id);
      touched.set(id, row);
      const data = event.data as Record<string, unknown>;
      if (ECT_STREAM.test(event.streamId)) {
        if (event.streamRevision <= BigInt(row.revision)) continue;
        const before = row.state;
        row.state = evolveShared(deps, before ?? deps.initialState(), event);
        row.revision = event.streamRevision.toString();
        folded.add(id);
        // The causes stand as they were when the event changed nothing they are decided on.
        if (before === null || standingCausesMayChange(before, row.state)) restate(row, event);
      } else if (CASE_STREAM.test(event.streamId)) {
        if (event.streamRevision <= BigInt(row.caseRevision)) continue;
        row.caseState = earlyHelpCaseDecider.evolve(row.caseState, {
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        } as unknown as EarlyHelpEvent);
        row.caseRevision = event.streamRevision.toString();
      } else if (event.type === 'AttendanceRecorded') {
        const key = `${String(data['academicYear'])}|${String(data['eventId'])}`;
        if (row.attendance[key] === data['attended']) continue;
        row.attendance = { ...row.attendance, [key]: data['attended'] === true };
        restate(row, event);
      } else if (event.type === EARLY_HELP_CAUSE_DETECTED) {
        if (row.detected.some((d) => d.eventId === event.eventId)) continue;
        row.detected = [
          ...row.detected,
          {
            cause: data['cause'] as EarlyHelpCause['cause'],
            rule: String(data['rule'] ?? ''),
            since: data['since'] as IsoDate,
            detail: String(data['detail'] ?? ''),
            eventId: event.eventId,
            eventType: event.type,
          },
        ];
      }
    }
    for (const id of folded) {
      const row = touched.get(id)!;
      const state = row.state!;
      const person = state.people[id] as { firstName?: string; lastName?: string } | null | undefined;
      row.schoolUrn = state.leadSchoolUrn;
      row.phase = state.phase;
      row.ectName = person ? `${person.firstName ?? ''} ${person.lastName ?? ''}`.trim() || null : null;
      // Its timed facts (the schedule: the costly part) are computed when the row is written.
      (row as CaseRowInMemory)[TIMED_STALE] = true;
    }
    // The spans and their counts are written with their case's row: each page when live, once in a rebuild.
    await table.put([...touched.values()]);
  }
}

/** Marks a row whose ECT stream was folded since its `timed` facts were computed (in memory, never a column). */
const TIMED_STALE = Symbol('timed facts stale');
type CaseRowInMemory = EarlyHelpCaseRow & { [TIMED_STALE]?: true };

/**
 * The cases by ECT id, as `apply` reads and writes them (kept across pages in a rebuild), and with each case
 * its spans: an ECT's spans are replaced, and the counts moved by the difference, whenever its row is
 * written. `writeSpans` reads the spans it replaces from the table, so the counts stay right however the rows
 * are grouped and however often one is written (a rebuild writes a row again after evicting it).
 * A folded row's timed facts are computed here too, from its final state: a function of the state and
 * revision alone, so once per ECT in a rebuild (a national log in time order folds each ECT on ≈30 pages, and
 * the schedule is up to ~20 ms for a part-time ECT), every page when live, as before.
 */
function caseRowsOn(calendar: EctFoldDeps['calendar']): KeyedTable<EarlyHelpCaseRow> {
  return {
    name: 'early_help_cases',
    key: (row) => row.ectId,
    load: (em, ids) => em.find(EarlyHelpCaseEntity, { where: { ectId: In([...ids]) } }),
    async write(em, rows) {
      for (const row of rows as CaseRowInMemory[]) {
        if (!row[TIMED_STALE]) continue;
        const state = row.state!;
        row.timed = timedFactsOf(state, scheduleAt(row.ectId, BigInt(row.revision), state, calendar));
        delete row[TIMED_STALE];
      }
      await bulkUpsert(em, EarlyHelpCaseEntity, rows, ['ectId']);
      await writeSpans(em, rows);
    },
  };
}

/** Every cause standing on `today`, each with the event that raised it (time-raised: the sweep's event). */
export function causesOn(row: EarlyHelpCaseRow, today: IsoDate): StoredCause[] {
  const timed = row.timed
    ? timedEarlyHelpCauses(row.timed, today).map((cause) => {
        const detected = row.detected.find((d) => d.cause === cause.cause && d.since === cause.since);
        return {
          ...cause,
          eventId: detected?.eventId ?? null,
          eventType: detected?.eventType ?? null,
        };
      })
    : [];
  return [...row.causes, ...timed].sort(
    (a, b) => a.since.localeCompare(b.since) || a.cause.localeCompare(b.cause),
  );
}

/** The case on `today`: open while a cause stands that arose after its last resolution (the decider's rule). */
export function caseOn(
  row: EarlyHelpCaseRow,
  today: IsoDate,
): CaseView & { causes: StoredCause[]; openCauses: StoredCause[] } {
  const causes = causesOn(row, today);
  const view = caseStatus(row.caseState, causes);
  return { ...view, causes, openCauses: view.openCauses as StoredCause[] };
}

/** Every date on or after which `caseOn(row, date)` may differ from the day before, in order, each once. */
export function turningPoints(row: EarlyHelpCaseRow): IsoDate[] {
  const dates = new Set<IsoDate>();
  const timed = row.timed;
  if (timed) {
    for (const review of timed.schedule.reviews) dates.add(addDays(review.dueBy, 1));
    for (const assessment of timed.schedule.assessments) dates.add(addDays(assessment.reportDueBy, 1));
    for (const timetable of timed.timetables) dates.add(timetable.from);
    if (timed.schedule.yearTwoFrom !== null) dates.add(timed.schedule.yearTwoFrom);
  }
  // Not turning points of caseOn today (stored causes and resolutions hold on every date), but cheap to test.
  for (const cause of row.causes) dates.add(cause.since);
  if (row.caseState.resolvedOn !== null) dates.add(row.caseState.resolvedOn);
  return [...dates].sort();
}

/** Before every date a schedule holds: `timedEarlyHelpCauses` compares dates as strings. */
const BEFORE_ALL: IsoDate = '0000-01-01';

const sameSpan = (a: Omit<CaseSpan, 'validFrom' | 'validTo'>, b: Omit<CaseSpan, 'validFrom' | 'validTo'>) =>
  a.status === b.status &&
  a.sortKey === b.sortKey &&
  a.causeKinds.length === b.causeKinds.length &&
  a.causeKinds.every((kind, i) => kind === b.causeKinds[i]);

/**
 * The case's queue entries over all dates: `caseOn` evaluated before every turning point and on each,
 * consecutive equal results merged, days with no case ('none') left out. Pure: the projection stores the
 * result with the row, and `spanOn(caseSpans(row), date)` says what `caseOn(row, date)` says for the queue.
 */
export function caseSpans(row: EarlyHelpCaseRow): CaseSpan[] {
  const steps: { from: IsoDate | null; view: Omit<CaseSpan, 'validFrom' | 'validTo'> | null }[] = [];
  for (const from of [null, ...turningPoints(row)]) {
    const view = caseOn(row, from ?? BEFORE_ALL);
    const entry =
      view.status === 'none'
        ? null
        : {
            status: view.status,
            sortKey: (view.openedOn ?? row.caseState.resolvedOn)!,
            causeKinds: [...new Set(view.openCauses.map((c) => c.cause))].sort(),
          };
    const last = steps.at(-1);
    if (last && (last.view === entry || (last.view && entry && sameSpan(last.view, entry)))) continue;
    steps.push({ from, view: entry });
  }
  return steps.flatMap((step, i) =>
    step.view === null ? [] : [{ validFrom: step.from, validTo: steps[i + 1]?.from ?? null, ...step.view }],
  );
}

/** The span holding `date`, if any. */
export const spanOn = (spans: readonly CaseSpan[], date: IsoDate): CaseSpan | undefined =>
  spans.find(
    (s) => (s.validFrom === null || s.validFrom <= date) && (s.validTo === null || date < s.validTo),
  );

/**
 * Replaces the spans of each row's ECT (none for a case with no folded state: the queue leaves it out), and
 * moves the totals in `early_help_span_counts` by the difference between the old spans and the new.
 */
export async function writeSpans(em: EntityManager, rows: readonly EarlyHelpCaseRow[]): Promise<void> {
  const removed = (await em.query(
    // A SELECT over the DELETE: TypeORM returns a bare DELETE's rows wrapped with its row count.
    `WITH removed AS (DELETE FROM early_help_spans WHERE ect_id = ANY($1::uuid[])
       RETURNING status, valid_from, valid_to, cause_kinds)
     SELECT status, valid_from::text AS "validFrom", valid_to::text AS "validTo", cause_kinds AS "causeKinds"
       FROM removed`,
    [rows.map((r) => r.ectId)],
  )) as Pick<EarlyHelpSpanRow, 'status' | 'validFrom' | 'validTo' | 'causeKinds'>[];
  const spans = rows.flatMap((row) =>
    row.state === null
      ? []
      : caseSpans(row).map((span): EarlyHelpSpanRow => ({
          ectId: row.ectId,
          validFrom: span.validFrom ?? '-infinity',
          validTo: span.validTo ?? 'infinity',
          status: span.status,
          sortKey: span.sortKey,
          causeKinds: [...span.causeKinds],
          schoolUrn: row.schoolUrn,
        })),
  );
  await bulkInsert(em, EarlyHelpSpanEntity, spans);
  const deltas = new Map<string, EarlyHelpSpanCountRow>();
  const add = (
    span: Pick<EarlyHelpSpanRow, 'status' | 'validFrom' | 'validTo' | 'causeKinds'>,
    sign: number,
  ) => {
    for (const cause of ['', ...span.causeKinds]) {
      for (const [day, delta] of [
        [span.validFrom, sign],
        [span.validTo, -sign],
      ] as const) {
        if (day === 'infinity') continue;
        const key = `${span.status}|${cause}|${day}`;
        const entry = deltas.get(key) ?? { status: span.status, cause, day, delta: 0 };
        entry.delta += delta;
        deltas.set(key, entry);
      }
    }
  };
  for (const span of removed) add(span, -1);
  for (const span of spans) add(span, 1);
  const changed = [...deltas.values()].filter((d) => d.delta !== 0);
  if (changed.length === 0) return;
  const json = JSON.stringify(changed);
  await em.query(
    `INSERT INTO early_help_span_counts (status, cause, day, delta)
     SELECT status, cause, day, delta FROM jsonb_to_recordset($1::jsonb) AS r(status text, cause text, day date, delta int)
     ON CONFLICT (status, cause, day) DO UPDATE SET delta = early_help_span_counts.delta + EXCLUDED.delta`,
    [json],
  );
  // A day whose deltas cancel out goes, so that the table is the same whatever batches built it (a rebuild).
  await em.query(
    `DELETE FROM early_help_span_counts c USING jsonb_to_recordset($1::jsonb) AS r(status text, cause text, day date)
      WHERE c.delta = 0 AND c.status = r.status AND c.cause = r.cause AND c.day = r.day`,
    [json],
  );
}
