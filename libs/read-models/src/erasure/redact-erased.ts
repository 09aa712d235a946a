import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { type RebuildPartition, partitionPredicate } from '../runner/ect-partition-key.js';

/**
 * R23 crypto-shredding in the read models. Shredding a key makes the person's fields read back as null in
 * every event, but a projection row written before the erasure still holds a plaintext copy, and a person
 * (a mentor, a tutor) can appear in many ECTs' rows while the erasure is recorded on one ECT's stream. So
 * every projection that stores personal data calls `redactErased` with its batch: for each
 * `PersonalDataErased`, the subject's entry in every row's folded `state.people` becomes null and the
 * projection's own copies (name columns…) are cleared. Tables are unqualified, as projections' are, so a
 * rebuild redacts its own copy.
 */
export const PERSONAL_DATA_ERASED = 'PersonalDataErased';

/** Subject ids erased in this batch, in log order. */
export function erasedSubjectsIn(events: readonly RecordedEvent[]): string[] {
  const ids: string[] = [];
  for (const event of events) {
    if (event.type !== PERSONAL_DATA_ERASED) continue;
    const subjectId = (event.data as { subjectId?: unknown }).subjectId;
    if (typeof subjectId === 'string' && !ids.includes(subjectId)) ids.push(subjectId);
  }
  return ids;
}

export interface RedactionTarget {
  /** Unqualified table name. */
  readonly table: string;
  /** jsonb column holding a folded EctState (`state.people` is redacted). */
  readonly stateColumn?: string;
  /** Extra statements per subject, `$1` the subject id: e.g. clearing name columns. */
  readonly statements?: readonly string[];
  /**
   * The projection's rows kept in memory (`keyedRows`, a rebuild's cache): written and forgotten before the
   * redaction, which changes the table by query (an erased mentor sits in many ECTs' states).
   */
  readonly kept?: { settle(): Promise<void> };
  /**
   * In a rebuild split by ECT (`ApplyContext.partition`, ect-partitions.ts): this thread's share, and the
   * table's ECT key column. Only the partition's own rows are redacted (each partition redacts its own after
   * folding its share of the page); every statement must then end with its WHERE clause.
   */
  readonly partition?: { keyColumn: string; of: RebuildPartition | undefined };
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Redacts every subject erased in `events` from `target`'s rows (idempotent: null stays null). */
export async function redactErased(
  em: EntityManager,
  events: readonly RecordedEvent[],
  target: RedactionTarget,
): Promise<void> {
  const subjects = erasedSubjectsIn(events);
  if (subjects.length === 0) return;
  await target.kept?.settle();
  if (!IDENT.test(target.table) || (target.stateColumn && !IDENT.test(target.stateColumn))) {
    throw new Error(`redactErased: bad identifier in ${target.table}.${target.stateColumn ?? ''}`);
  }
  const share = target.partition?.of;
  const mine = share ? ` AND ${partitionPredicate(target.partition!.keyColumn, share)}` : '';
  for (const subjectId of subjects) {
    if (target.stateColumn) {
      const column = target.stateColumn;
      await em.query(
        `UPDATE ${target.table}
            SET ${column} = jsonb_set(${column}, ARRAY['people', $1::text], 'null'::jsonb)
          WHERE jsonb_exists(${column}->'people', $1::text)${mine}`,
        [subjectId],
      );
    }
    for (const statement of target.statements ?? []) await em.query(statement + mine, [subjectId]);
  }
}
