import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { EctState } from '#induction/induction/ect.state.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import type { ApplyContext, Projection } from '../projection.js';
import { redactErased } from '../erasure/redact-erased.js';
import { type KeyedTable, keyedRows } from '../runner/rebuild-row-cache.js';
import { evolveShared } from '../entitlements/ect-fold.js';
import { bulkUpsert } from '../bulk-write.js';

export interface EctRow {
  id: string;
  schoolUrn: string | null;
  phase: string;
  /** Academic year the induction started in, e.g. "2025/26" (api.md `cohort` filter). */
  cohort: string | null;
  firstName: string | null;
  lastName: string | null;
  trn: string | null;
  startDate: string | null;
  fte: number | null;
  programme: string | null;
  registeredOn: string | null;
  lateRegistration: boolean;
  /** Open pause (statutory leave or other) at the latest event; status "paused" is decided from it. */
  paused: boolean;
  /** R19: an extension has been granted; status "extended" while the induction is open. */
  extended: boolean;
  revision: string;
  /** The domain's own folded state: `GET /ects/:id` computes its summary from it at query time. */
  state: EctState;
  updatedAt: Date;
}

export const EctEntity = new EntitySchema<EctRow>({
  name: 'Ect',
  tableName: 'ects',
  columns: {
    id: { type: 'uuid', primary: true, primaryKeyConstraintName: 'ects_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    phase: { type: 'text' },
    cohort: { type: 'text', nullable: true },
    firstName: { name: 'first_name', type: 'text', nullable: true },
    lastName: { name: 'last_name', type: 'text', nullable: true },
    trn: { type: 'text', nullable: true },
    startDate: { name: 'start_date', type: 'date', nullable: true },
    fte: { type: 'real', nullable: true },
    programme: { type: 'text', nullable: true },
    registeredOn: { name: 'registered_on', type: 'date', nullable: true },
    lateRegistration: { name: 'late_registration', type: 'boolean', default: false },
    paused: { type: 'boolean', default: false },
    extended: { type: 'boolean', default: false },
    revision: { type: 'bigint' },
    state: { type: 'jsonb' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
  indices: [
    { name: 'ects_school_phase', columns: ['schoolUrn', 'phase'] },
    { name: 'ects_cohort', columns: ['cohort'] },
    // The register's order (GET /ects), ties broken by id: without the id, PostgreSQL read every ECT sharing
    // the first page's last name and first name, with its state, then sorted them (national data set: 270 of
    // the same name, 47 ms a page; with it, 2.3 ms).
    { name: 'ects_name_order', columns: ['lastName', 'firstName', 'id'] },
  ],
});

export interface EctRegisterDeps {
  /** The domain's evolve (from createEctDecider) and its initial state. */
  evolve(state: EctState, event: EctEvent): EctState;
  initialState(): EctState;
  /** Stored event to domain event, upcasting older schema versions. */
  toDomainEvent(event: RecordedEvent): EctEvent;
}

const ECT_STREAM = /^ect-(.+)$/;

/** Academic years run 1 September to 31 August (R1): a start in 2025-09..2026-08 is cohort "2025/26". */
export function cohortOf(startDate: string | null): string | null {
  if (!startDate) return null;
  const [year, month] = startDate.split('-').map(Number) as [number, number];
  const first = month >= 9 ? year : year - 1;
  return `${first}/${String((first + 1) % 100).padStart(2, '0')}`;
}

/** Every ECT with its induction state: the register behind `GET /ects` and `GET /ects/:id`. */
export function ectRegisterProjection(deps: EctRegisterDeps): Projection {
  return {
    name: 'ect-register',
    tables: ['ects'],
    entities: [EctEntity],
    async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
      const byStream = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const match = ECT_STREAM.exec(event.streamId);
        if (!match) continue;
        const list = byStream.get(match[1]!) ?? [];
        list.push(event);
        byStream.set(match[1]!, list);
      }
      const table = keyedRows(em, context, ectRows);
      if (byStream.size > 0) {
        const rows = await table.get([...byStream.keys()]);
        const updated: EctRow[] = [];
        for (const [id, streamEvents] of byStream) {
          const previous = rows.get(id);
          let state = previous?.state ?? deps.initialState();
          let revision = previous ? BigInt(previous.revision) : -1n;
          for (const event of streamEvents) {
            if (event.streamRevision <= revision) continue; // already applied (idempotent handler)
            state = evolveShared(deps, state, event);
            revision = event.streamRevision;
          }
          updated.push(toRow(id, state, revision, streamEvents[streamEvents.length - 1]!.recordedAt));
        }
        await table.put(updated);
      }
      // R23: an erased person's copies here go too, in every ECT's row (a mentor appears in many), also on a
      // page with no ECT event for this projection (a split rebuild's redaction order: ect-partitions.ts).
      await redactErased(em, events, {
        kept: table,
        partition: { keyColumn: 'id', of: context?.partition },
        table: 'ects',
        stateColumn: 'state',
        statements: ['UPDATE ects SET first_name = NULL, last_name = NULL, trn = NULL WHERE id = $1::uuid'],
      });
    },
  };
}

/** The register's rows by ECT id, as `apply` reads and writes them (kept across pages in a rebuild). */
const ectRows: KeyedTable<EctRow> = {
  name: 'ects',
  key: (row) => row.id,
  load: (em, ids) => em.find(EctEntity, { where: { id: In([...ids]) } }),
  write: (em, rows) => bulkUpsert(em, EctEntity, rows, ['id']),
};

function toRow(id: string, state: EctState, revision: bigint, updatedAt: Date): EctRow {
  const person = state.people[id] as
    { firstName?: string; lastName?: string; trn?: string } | null | undefined;
  const mainPost = state.posts[0];
  return {
    id,
    schoolUrn: state.leadSchoolUrn,
    phase: state.phase,
    cohort: cohortOf(state.startDate),
    firstName: person?.firstName ?? null,
    lastName: person?.lastName ?? null,
    trn: person?.trn ?? null,
    startDate: state.startDate,
    fte: mainPost?.patterns[mainPost.patterns.length - 1]?.fte ?? null,
    programme: state.programme,
    registeredOn: state.registeredOn,
    lateRegistration: state.lateRegistration,
    paused: state.pauses.some((pause) => pause.until === null),
    extended: state.extensions.length > 0,
    revision: revision.toString(),
    state,
    updatedAt,
  };
}
