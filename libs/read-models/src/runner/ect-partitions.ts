import type { RecordedEvent } from '#event-store/event-store.port.js';
import { PERSONAL_DATA_ERASED } from '../erasure/redact-erased.js';
import { ECT_STREAM } from '../entitlements/ect-fold.js';
import { partitionOfKey } from './ect-partition-key.js';

export {
  MAX_PARTITIONS,
  partitionOfKey,
  partitionPredicate,
  type RebuildPartition,
} from './ect-partition-key.js';

/**
 * Splitting a rebuild by ECT (issue 9, bench/README.md "Seventh pass"): the projections whose rows are each
 * ONE ECT's (the register, the entitlement view, the plan, the early-help queue, the due items) can be rebuilt
 * in several worker threads at once, each thread applying only the events of the ECTs it owns, so that each
 * ECT stream is folded once, in one thread, with its rows kept in that thread's caches. These are the rules
 * of the split; `rebuildProjections` (projection-rebuild.ts) applies them.
 */

const CASE_STREAM = /^early-help-(.+)$/;
const TRAINING_STREAM = /^training-programme-\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ECT an event belongs to, for the projections keyed by ECT: its ECT stream's id, its early-help case's,
 * an ECT's own training attendance (`AttendanceRecorded` with role `ect`), or a sweep's
 * `EarlyHelpCauseDetected` (its `ectId`); null for anything else (schools, the calendar, panels, surveys,
 * the rest of training). Lower case, as the early-help queue keys its rows.
 */
export function ectKeyOf(event: RecordedEvent): string | null {
  const data = event.data as Record<string, unknown>;
  const stream = ECT_STREAM.exec(event.streamId) ?? CASE_STREAM.exec(event.streamId);
  let id: unknown = stream?.[1] ?? null;
  if (id === null && TRAINING_STREAM.test(event.streamId) && event.type === 'AttendanceRecorded')
    id = data['role'] === 'ect' ? data['participantId'] : null;
  if (id === null && event.type === 'EarlyHelpCauseDetected') id = data['ectId'];
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
}

/**
 * The stream an erasure is handed on under to the partitions that do not own its ECT: no projection folds an
 * ECT or a case from it, but each still redacts the subject from its own rows (`redactErased` reads only the
 * type and the subject, and in a partition changes only the partition's rows: `partitionPredicate`), because
 * the subject (a mentor, a tutor) may sit in the states of ECTs of every partition. Each partition redacts
 * after folding its share of the page, as one thread would after folding the whole page; a redaction that
 * reached another partition's rows could come before that partition folded the page's earlier events.
 */
export const REDACTION_STREAM = '$rebuild-redaction';

/**
 * Splits a page of the log over `count` partitions: an event with an ECT key goes to the partition that owns
 * the ECT, one without to partition 0 (so each event is applied once, as in one thread), and an erasure goes to
 * its own partition as itself and to every other as a redaction order on `REDACTION_STREAM`. Each partition's
 * events are in log order.
 */
export function partitionPage(events: readonly RecordedEvent[], count: number): RecordedEvent[][] {
  const parts: RecordedEvent[][] = Array.from({ length: count }, () => []);
  for (const event of events) {
    const key = ectKeyOf(event);
    const owner = key === null ? 0 : partitionOfKey(key, count);
    parts[owner]!.push(event);
    if (event.type !== PERSONAL_DATA_ERASED) continue;
    for (let k = 0; k < count; k++)
      if (k !== owner) parts[k]!.push({ ...event, streamId: REDACTION_STREAM, streamRevision: 0n });
  }
  return parts;
}
