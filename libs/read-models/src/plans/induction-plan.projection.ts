import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import type { ContactPersonalData } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { TrainingEvent } from '#induction/training/training-programme.decider.js';
import type { ApplyContext, Projection } from '../projection.js';
import { redactErased } from '../erasure/redact-erased.js';
import { type KeyedTable, keyedRows } from '../runner/rebuild-row-cache.js';
import { type EctFoldDeps, foldEcts, isEctEvent, scheduleAt } from '../entitlements/ect-fold.js';
import { bulkUpsert } from '../bulk-write.js';

/** A statutory date in an ECT's plan (R11, R12, R15–R18), fixed by the state, not by today. */
export interface StatutoryDate {
  kind:
    | 'progress-review'
    | 'formal-assessment'
    | 'assessment-report'
    | 'representations'
    | 'decision'
    | 'notification'
    | 'appeal';
  date: IsoDate;
  /** First day it may be held (reviews and assessments). */
  opensOn: IsoDate | null;
  title: string;
  done: boolean;
}

export interface PlanEctRow {
  ectId: string;
  schoolUrn: string | null;
  phase: string;
  revision: string;
  state: EctState;
  ectName: string | null;
  mentorId: string | null;
  mentorName: string | null;
  startDate: IsoDate | null;
  yearTwoFrom: IsoDate | null;
  expectedEnd: IsoDate | null;
  fte: number | null;
  dates: StatutoryDate[];
  updatedAt: Date;
}

export const PlanEctEntity = new EntitySchema<PlanEctRow>({
  name: 'PlanEct',
  tableName: 'plan_ects',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'plan_ects_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    phase: { type: 'text' },
    revision: { type: 'bigint' },
    state: { type: 'jsonb' },
    ectName: { name: 'ect_name', type: 'text', nullable: true },
    mentorId: { name: 'mentor_id', type: 'uuid', nullable: true },
    mentorName: { name: 'mentor_name', type: 'text', nullable: true },
    startDate: { name: 'start_date', type: 'text', nullable: true },
    yearTwoFrom: { name: 'year_two_from', type: 'text', nullable: true },
    expectedEnd: { name: 'expected_end', type: 'text', nullable: true },
    fte: { type: 'real', nullable: true },
    dates: { type: 'jsonb' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [{ name: 'plan_ects_school', columns: ['schoolUrn'] }],
});

export interface PlanTrainingRow {
  eventId: string;
  academicYear: number;
  date: IsoDate;
  groupId: string | null;
  event: TrainingEvent;
}
export const PlanTrainingEntity = new EntitySchema<PlanTrainingRow>({
  name: 'PlanTrainingEvent',
  tableName: 'plan_training_events',
  columns: {
    eventId: {
      name: 'event_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'plan_training_events_pkey',
    },
    academicYear: { name: 'academic_year', type: 'int' },
    date: { type: 'text' },
    groupId: { name: 'group_id', type: 'text', nullable: true },
    event: { type: 'jsonb' },
  },
  indices: [{ name: 'plan_training_events_date', columns: ['date'] }],
});

export interface PlanAllocationRow {
  academicYear: number;
  ectId: string;
  groupId: string;
}
export const PlanAllocationEntity = new EntitySchema<PlanAllocationRow>({
  name: 'PlanAllocation',
  tableName: 'plan_group_allocations',
  columns: {
    academicYear: {
      name: 'academic_year',
      type: 'int',
      primary: true,
      primaryKeyConstraintName: 'plan_group_allocations_pkey',
    },
    ectId: {
      name: 'ect_id',
      type: 'uuid',
      primary: true,
      primaryKeyConstraintName: 'plan_group_allocations_pkey',
    },
    groupId: { name: 'group_id', type: 'text' },
  },
});

const TRAINING_STREAM = /^training-programme-\d+$/;

function statutoryDates(state: EctState, schedule: ReturnType<typeof scheduleAt>): StatutoryDate[] {
  const dates: StatutoryDate[] = [];
  for (const r of schedule.reviews)
    dates.push({
      kind: 'progress-review',
      date: r.dueBy,
      opensOn: r.opensOn,
      title: `Progress review, induction term ${r.term} (R11)`,
      done: r.submitted,
    });
  for (const a of schedule.assessments) {
    const name = a.point === 'year-1' ? 'Year 1 formal assessment' : 'Final formal assessment';
    dates.push({
      kind: 'formal-assessment',
      date: a.dueBy,
      opensOn: a.opensOn,
      title: `${name} (R12)`,
      done: a.recorded,
    });
    dates.push({
      kind: 'assessment-report',
      date: a.reportDueBy,
      opensOn: null,
      title: `${name}: report to the AB at the latest (R12)`,
      done: a.recorded,
    });
  }
  const recommendation = state.recommendation;
  if (recommendation) {
    dates.push({
      kind: 'representations',
      date: recommendation.representationsBy,
      opensOn: null,
      title: 'ECT representations by (R15)',
      done: recommendation.representationsOn !== null,
    });
    dates.push({
      kind: 'decision',
      date: recommendation.decisionDueBy,
      opensOn: null,
      title: 'AB decision due (R16)',
      done: false,
    });
  }
  if (state.decision) {
    dates.push({
      kind: 'notification',
      date: state.decision.notifyBy,
      opensOn: null,
      title: 'Decision notified by (R17)',
      done: false,
    });
    if (state.decision.appealBy)
      dates.push({
        kind: 'appeal',
        date: state.decision.appealBy,
        opensOn: null,
        title: 'Appeal notice to the TRA by (R18)',
        done: state.appeal !== null,
      });
  }
  return dates.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

/**
 * A plan row as `apply` makes it: the fields the schedule gives (`yearTwoFrom`, `expectedEnd`, `dates`) depend
 * on the state and revision alone, so the table's `write` adds them (once per ECT in a rebuild, not per page).
 */
type KeptPlanEct = Omit<PlanEctRow, 'yearTwoFrom' | 'expectedEnd' | 'dates'>;

/**
 * The plan's ECT rows by id, as `apply` reads and writes them (kept across pages in a rebuild); each row is
 * written with the statutory dates of the schedule at its revision.
 */
function planEctRows(deps: EctFoldDeps): KeyedTable<KeptPlanEct> {
  return {
    name: 'plan_ects',
    key: (row) => row.ectId,
    load: (em, ids) => em.find(PlanEctEntity, { where: { ectId: In([...ids]) } }),
    write: (em, rows) =>
      bulkUpsert(
        em,
        PlanEctEntity,
        rows.map((row): PlanEctRow => {
          const schedule = scheduleAt(row.ectId, BigInt(row.revision), row.state, deps.calendar);
          return {
            ...row,
            yearTwoFrom: schedule.yearTwoFrom,
            expectedEnd: schedule.expectedEnd,
            dates: statutoryDates(row.state, schedule),
          };
        }),
        ['ectId'],
      ),
  };
}

/**
 * The induction plan (api.md `GET /ects/:id/plan`, `GET /schools/:urn/plan`): every statutory date of every
 * ECT, computed by the domain (pro rata for part-time, reduced, extended and paused inductions), and the hub's
 * training events with the year-1 group allocations, matched to each ECT and mentor at query time.
 *
 * Only `plan_ects` goes through `keyedRows` (kept across a rebuild's pages). The training events and the
 * group allocations are written from their own events, on every page, and `apply` never reads them (the
 * queries do, `loadTraining`), so they stay out of the cache and nothing need be settled for them.
 */
export function inductionPlanProjection(deps: EctFoldDeps): Projection {
  const planEcts = planEctRows(deps);
  return {
    name: 'induction-plan',
    tables: ['plan_ects', 'plan_training_events', 'plan_group_allocations'],
    entities: [PlanEctEntity, PlanTrainingEntity, PlanAllocationEntity],
    async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
      const table = keyedRows(em, context, planEcts);
      const folded = await foldEcts<KeptPlanEct>(events.filter(isEctEvent), deps, () => undefined, table);
      const rows: KeptPlanEct[] = [];
      for (const { id, state, revision, last } of folded) {
        if (state.phase === 'unregistered') continue;
        const ect = state.people[id] as { firstName?: string; lastName?: string } | null | undefined;
        const mentor = state.mentorId
          ? (state.people[state.mentorId] as ContactPersonalData | null | undefined)
          : null;
        const post = state.posts.find((p) => p.leftOn === null) ?? state.posts.at(-1);
        rows.push({
          ectId: id,
          schoolUrn: state.leadSchoolUrn,
          phase: state.phase,
          revision: revision.toString(),
          state,
          ectName: ect ? `${ect.firstName ?? ''} ${ect.lastName ?? ''}`.trim() : null,
          mentorId: state.mentorId,
          mentorName: mentor?.name ?? null,
          startDate: state.startDate,
          fte: post?.patterns.at(-1)?.fte ?? null,
          updatedAt: last.recordedAt,
        });
      }
      await table.put(rows);
      // R23: an erased ECT's or mentor's name goes from every plan row holding it (the rows kept by a rebuild
      // written first, so that the statements see them and later pages read them back redacted).
      await redactErased(em, events, {
        kept: table,
        partition: { keyColumn: 'ect_id', of: context?.partition },
        table: 'plan_ects',
        stateColumn: 'state',
        statements: [
          'UPDATE plan_ects SET ect_name = NULL WHERE ect_id = $1::uuid',
          'UPDATE plan_ects SET mentor_name = NULL WHERE mentor_id = $1::uuid',
        ],
      });

      for (const event of events) {
        if (!TRAINING_STREAM.test(event.streamId)) continue;
        if (event.type === 'TrainingProgrammePublished') {
          const data = event.data as unknown as { academicYear: number; events: TrainingEvent[] };
          await em.delete(PlanTrainingEntity, { academicYear: data.academicYear });
          if (data.events.length > 0)
            await em.insert(
              PlanTrainingEntity,
              data.events.map((e) => ({
                eventId: e.eventId,
                academicYear: data.academicYear,
                date: e.date,
                groupId: e.groupId,
                event: e,
              })),
            );
        } else if (event.type === 'EctAllocatedToGroup') {
          const data = event.data as unknown as { academicYear: number; ectId: string; groupId: string };
          await em.upsert(
            PlanAllocationEntity,
            { academicYear: data.academicYear, ectId: data.ectId, groupId: data.groupId },
            ['academicYear', 'ectId'],
          );
        }
      }
    },
  };
}

export type PlanParticipant = 'ect' | 'mentor';
export interface PlanEntry {
  date: IsoDate;
  kind: StatutoryDate['kind'] | TrainingEvent['kind'];
  title: string;
  who: PlanParticipant;
  ectId: string;
  personId: string;
  personName: string | null;
  opensOn: IsoDate | null;
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  optional: boolean;
  done: boolean;
  /** Stable id of this entry (iCalendar UID). */
  uid: string;
}

/** The whole plan of one ECT and their mentor: statutory dates plus the training events that are theirs. */
export function planEntries(
  row: PlanEctRow,
  training: readonly PlanTrainingRow[],
  allocations: ReadonlyMap<string, string>,
): PlanEntry[] {
  const entries: PlanEntry[] = row.dates.map((d) => ({
    date: d.date,
    kind: d.kind,
    title: d.title,
    who: 'ect',
    ectId: row.ectId,
    personId: row.ectId,
    personName: row.ectName,
    opensOn: d.opensOn,
    startTime: null,
    endTime: null,
    location: null,
    optional: false,
    done: d.done,
    uid: `${row.ectId}.${d.kind}.${d.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
  }));
  if (row.startDate === null) return entries;
  for (const t of training) {
    const e = t.event;
    if (e.date < row.startDate || (row.expectedEnd !== null && e.date > row.expectedEnd)) continue;
    const year = row.yearTwoFrom !== null && e.date >= row.yearTwoFrom ? 2 : 1;
    const common = {
      date: e.date,
      kind: e.kind,
      title: e.title,
      ectId: row.ectId,
      opensOn: null,
      startTime: e.startTime,
      endTime: e.endTime,
      location: e.online ? 'Online' : e.location,
      optional: e.optional,
      done: false,
    };
    const inGroup = e.groupId === null || allocations.get(`${t.academicYear}|${row.ectId}`) === e.groupId;
    if (e.audiences.includes(`ect-year-${year}`) && inGroup)
      entries.push({
        ...common,
        who: 'ect',
        personId: row.ectId,
        personName: row.ectName,
        uid: `${row.ectId}.training.${e.eventId}`,
      });
    if (row.mentorId && e.audiences.includes(`mentor-year-${year}`))
      entries.push({
        ...common,
        who: 'mentor',
        personId: row.mentorId,
        personName: row.mentorName,
        uid: `${row.mentorId}.training.${e.eventId}`,
      });
  }
  return entries.sort((a, b) => a.date.localeCompare(b.date) || a.uid.localeCompare(b.uid));
}

export async function loadTraining(em: EntityManager, ectIds: readonly string[]) {
  const training = await em.find(PlanTrainingEntity, { order: { date: 'ASC' } });
  const allocations = ectIds.length
    ? await em.find(PlanAllocationEntity, { where: { ectId: In([...ectIds]) } })
    : [];
  return {
    training,
    allocations: new Map(allocations.map((a) => [`${a.academicYear}|${a.ectId}`, a.groupId])),
  };
}
