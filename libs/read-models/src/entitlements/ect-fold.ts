import type { ObjectLiteral } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { type EctSchedule, ectSchedule } from '#induction/early-help/ect-schedule.js';
import { writtenUnchanged } from '../bulk-write.js';

/**
 * What the AB's read models need from the domain to fold ECT streams themselves: each projection owns its
 * tables, so none reads another's; they share this helper instead.
 */
export interface EctFoldDeps {
  evolve(state: EctState, event: EctEvent): EctState;
  initialState(): EctState;
  toDomainEvent(event: RecordedEvent): EctEvent;
  calendar: TermCalendar;
}

export const ECT_STREAM = /^ect-(.+)$/;

/** Every ECT event type: a projection that folds ECT streams must see all of them. */
export const isEctEvent = (event: RecordedEvent) => ECT_STREAM.test(event.streamId);

export function groupByStream(
  events: readonly RecordedEvent[],
  pattern: RegExp,
): Map<string, RecordedEvent[]> {
  const byId = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const match = pattern.exec(event.streamId);
    if (!match) continue;
    const list = byId.get(match[1]!) ?? [];
    list.push(event);
    byId.set(match[1]!, list);
  }
  return byId;
}

/**
 * One fold of each ECT stream per page, shared by the projections that fold ECT state (the register, the
 * entitlement view, the plan, the early-help queue): each gets the state `evolve` gives after an event, but
 * only the first to ask computes it. Entries hang off the page's own event objects (a WeakMap, so they go
 * with the page) and off the `evolve` function; a hit needs the same state going in (the same object along a
 * chain, else equal by value, e.g. each projection's copy loaded from its own row), so a projection whose
 * stored state differs (say, redacted) simply folds its own. States are never mutated, so sharing them is safe.
 */
type FoldMemo = WeakMap<RecordedEvent, { input: EctState; output: EctState }[]>;
const foldMemos = new WeakMap<EctFoldDeps['evolve'], FoldMemo>();
export function evolveShared(
  deps: Pick<EctFoldDeps, 'evolve' | 'toDomainEvent'>,
  state: EctState,
  event: RecordedEvent,
): EctState {
  let memo = foldMemos.get(deps.evolve);
  if (!memo) foldMemos.set(deps.evolve, (memo = new WeakMap()));
  const entries = memo.get(event);
  if (entries) {
    for (const entry of entries) if (entry.input === state) return entry.output;
    for (const entry of entries) if (sameValue(entry.input, state)) return entry.output;
  }
  // Shared, so never mutated: bulk writes may keep its JSON text for every projection that stores it.
  const output = writtenUnchanged(deps.evolve(state, deps.toDomainEvent(event)));
  if (!entries) memo.set(event, [{ input: state, output }]);
  else if (entries.length < 4) entries.push({ input: state, output });
  return output;
}

/** Deep equality of JSON-shaped values (what a folded state is), shortcutting shared sub-objects. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

export interface FoldedRow {
  state: EctState;
  revision: string;
}

/**
 * Folds a batch's ECT events onto each ECT's stored state (idempotent: events at or below the stored
 * revision are skipped), calling `step` after each event with the state before and after it. The stored rows
 * come from `stored`: the projection's `keyedRows` (kept across a rebuild's pages).
 */
export async function foldEcts<Row extends FoldedRow & ObjectLiteral>(
  events: readonly RecordedEvent[],
  deps: EctFoldDeps,
  step: (
    id: string,
    row: Row | undefined,
    before: EctState,
    after: EctState,
    event: RecordedEvent,
    draft: Partial<Row>,
  ) => void,
  stored: { get(ids: readonly string[]): Promise<Map<string, Row>> },
): Promise<
  {
    id: string;
    row: Row | undefined;
    state: EctState;
    revision: bigint;
    draft: Partial<Row>;
    last: RecordedEvent;
  }[]
> {
  const byEct = groupByStream(events, ECT_STREAM);
  if (byEct.size === 0) return [];
  const rows = await stored.get([...byEct.keys()]);
  const out = [];
  for (const [id, streamEvents] of byEct) {
    const row = rows.get(id);
    let state = row?.state ?? deps.initialState();
    let revision = row ? BigInt(row.revision) : -1n;
    const draft: Partial<Row> = {};
    let last: RecordedEvent | undefined;
    for (const event of streamEvents) {
      if (event.streamRevision <= revision) continue;
      const before = state;
      state = evolveShared(deps, state, event);
      revision = event.streamRevision;
      last = event;
      step(id, row, before, state, event, draft);
    }
    if (last) out.push({ id, row, state, revision, draft, last });
  }
  return out;
}

/**
 * The schedule (R3, R11, R12) of an ECT at a stream revision. It is the costly part of a summary (~20 ms for a
 * part-time ECT) and the same for every projection that asks at the same revision, so it is memoised, per
 * calendar: hub staff can change the term dates (R1), and a schedule is only good for the calendar it used.
 */
const scheduleCaches = new WeakMap<TermCalendar, Map<string, EctSchedule>>();
const SCHEDULE_CACHE_SIZE = 20_000;
export function scheduleAt(
  ectId: string,
  revision: bigint,
  state: EctState,
  calendar: TermCalendar,
): EctSchedule {
  const key = `${ectId}@${revision}`;
  let scheduleCache = scheduleCaches.get(calendar);
  if (!scheduleCache) scheduleCaches.set(calendar, (scheduleCache = new Map()));
  let schedule = scheduleCache.get(key);
  if (!schedule) {
    schedule = ectSchedule(state, calendar);
    if (scheduleCache.size >= SCHEDULE_CACHE_SIZE) scheduleCache.delete(scheduleCache.keys().next().value!);
    scheduleCache.set(key, schedule);
  }
  return schedule;
}

/** The data fields that carry an event's business date, in the order `eventDate` asks them. */
export const EVENT_DATE_FIELDS = [
  'registeredOn',
  'submittedOn',
  'receivedOn',
  'decidedOn',
  'checkedOn',
  'recordedOn',
  'grantedOn',
  'reducedOn',
  'correctedOn',
  'chosenOn',
  'withdrawnOn',
  'pausedOn',
  'resumedOn',
  'notifiedOn',
  'lodgedOn',
  'determinedOn',
  'reachedOn',
  'since',
  'from',
  'leftOn',
] as const;

/** The business date an event carries (the first date field it has), else the London date it was recorded. */
export function eventDate(event: RecordedEvent): string {
  const data = event.data as Record<string, unknown>;
  for (const field of EVENT_DATE_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  }
  return londonDay(event.recordedAt);
}

const london = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
export const londonDay = (instant: Date) => london.format(instant);
