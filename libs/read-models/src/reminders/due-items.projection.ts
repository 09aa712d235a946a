import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { Projection } from '../projection.js';
import { dueFacts, type Audience, type DueFactKind } from './due-facts.js';
import { evolveShared, scheduleAt } from '../entitlements/ect-fold.js';
import { bulkInsert, bulkUpsert } from '../bulk-write.js';

/**
 * The event a nightly sweep appends to an ECT's stream when R18's appeal window closes on a fail with no
 * appeal (apps/worker/src/jobs/fail-final.decider.ts). The domain has no event for it yet; its evolve skips
 * types it does not know, so the ECT's own replay is unchanged.
 */
export const FAIL_BECAME_FINAL = 'FailBecameFinal';

/** One ECT's folded state, kept so the next event can be folded in. Personal data is not kept here. */
export interface DueItemEctRow {
  ectId: string;
  schoolUrn: string | null;
  phase: string;
  revision: string;
  failFinalRecorded: boolean;
  state: EctState;
}

/** One outstanding due fact of an open ECT (libs/read-models/src/reminders/due-facts.ts). */
export interface DueItemRow {
  ectId: string;
  itemKey: string;
  kind: DueFactKind;
  detail: string;
  dueBy: string;
  audience: Audience;
  schoolUrn: string | null;
}

export const DueItemEctEntity = new EntitySchema<DueItemEctRow>({
  name: 'DueItemEct',
  tableName: 'due_item_ects',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'due_item_ects_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    phase: { type: 'text' },
    revision: { type: 'bigint' },
    failFinalRecorded: { name: 'fail_final_recorded', type: 'boolean', default: false },
    state: { type: 'jsonb' },
  },
});

export const DueItemEntity = new EntitySchema<DueItemRow>({
  name: 'DueItem',
  tableName: 'due_items',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'due_items_pkey' },
    itemKey: { name: 'item_key', type: 'text', primary: true, primaryKeyConstraintName: 'due_items_pkey' },
    kind: { type: 'text' },
    detail: { type: 'text' },
    dueBy: { name: 'due_by', type: 'date' },
    audience: { type: 'text' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
  },
  indices: [
    { name: 'due_items_kind_due_by', columns: ['kind', 'dueBy'] },
    // The list's order when no kind is asked for (GET /due-items): 75 ms → 0.4 ms at national scale.
    { name: 'due_items_due_by', columns: ['dueBy', 'ectId', 'itemKey'] },
  ],
});

export interface DueItemsDeps {
  evolve(state: EctState, event: EctEvent): EctState;
  initialState(): EctState;
  toDomainEvent(event: RecordedEvent): EctEvent;
  calendar: TermCalendar;
}

const ECT_STREAM = /^ect-(.+)$/;

/** Drops personal data: the due facts never need it, and an erased person then leaves no copy here. */
const withoutPeople = (state: EctState): EctState => ({ ...state, people: {} });

/**
 * `due-items`: each ECT's outstanding due facts (reviews, assessments, decision, notifications, statutory
 * deadlines, a fail about to become final), with their dates. Time-independent: the sweeps pick what is due
 * today. Replaces an ECT's rows on each of its events; idempotent by stream revision.
 */
export function dueItemsProjection(deps: DueItemsDeps): Projection {
  return {
    name: 'due-items',
    tables: ['due_item_ects', 'due_items'],
    entities: [DueItemEctEntity, DueItemEntity],
    async apply(events: readonly RecordedEvent[], em: EntityManager) {
      const byStream = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const match = ECT_STREAM.exec(event.streamId);
        if (!match) continue;
        const list = byStream.get(match[1]!) ?? [];
        list.push(event);
        byStream.set(match[1]!, list);
      }
      if (byStream.size === 0) return;
      const ids = [...byStream.keys()];
      const existing = await em.find(DueItemEctEntity, { where: { ectId: In(ids) } });
      const rows = new Map(existing.map((row) => [row.ectId, row]));
      const ects: DueItemEctRow[] = [];
      const items: DueItemRow[] = [];
      for (const [ectId, streamEvents] of byStream) {
        const previous = rows.get(ectId);
        let state = previous?.state ?? deps.initialState();
        let revision = previous ? BigInt(previous.revision) : -1n;
        let failFinalRecorded = previous?.failFinalRecorded ?? false;
        for (const event of streamEvents) {
          if (event.streamRevision <= revision) continue;
          if (event.type === FAIL_BECAME_FINAL) failFinalRecorded = true;
          // The fold shared with the other ECT projections; no applier reads `people` to set another
          // field, so dropping it once after the fold gives what dropping it after every event gave.
          else state = evolveShared(deps, state, event);
          revision = event.streamRevision;
        }
        // The reviews and assessments the other ECT projections' schedule already holds at this revision
        // (memoised): this fold is theirs but for `people`, which no schedule reads, as long as no
        // FailBecameFinal was left out of it here.
        const schedule =
          state.phase === 'open' && !failFinalRecorded
            ? scheduleAt(ectId, revision, state, deps.calendar)
            : undefined;
        state = withoutPeople(state);
        ects.push({
          ectId,
          schoolUrn: state.leadSchoolUrn,
          phase: state.phase,
          revision: revision.toString(),
          failFinalRecorded,
          state,
        });
        for (const fact of dueFacts(state, deps.calendar, failFinalRecorded, schedule)) {
          items.push({ ectId, ...fact, schoolUrn: state.leadSchoolUrn });
        }
      }
      await bulkUpsert(em, DueItemEctEntity, ects, ['ectId']);
      await em.delete(DueItemEntity, { ectId: In(ids) });
      if (items.length > 0) await bulkInsert(em, DueItemEntity, items);
    },
  };
}
