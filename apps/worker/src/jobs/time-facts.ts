/**
 * Facts that time alone creates, decided purely (no clock: `today` comes in), appended by the nightly sweep
 * with event ids derived from the fact, so a second sweep (or a retried job) appends nothing.
 *
 * - `FailBecameFinal` (R18, 2.71–2.73) on the ECT's stream `ect-<ectId>`: the appeal window closed on a fail
 *   with no appeal. The domain decides the event (`decideFailBecameFinal` in r18-appeal.ts) and evolves it
 *   (`state.failFinal`), so `GET /ects/:id` shows it; a dismissed appeal records it with `AppealDetermined`.
 * - `StatutoryDeadlineMissed` on the stream `deadline-watch`: an AB deadline (R12 report, R16 decision, R17
 *   notification) passed with the duty still outstanding. The early-help projection reads it to open a hub task.
 *   Data: `{ rule, ectId, itemKey, dueBy, detectedOn, schoolUrn }`; one per (ectId, itemKey, dueBy).
 * - `EarlyHelpCauseDetected` on `deadline-watch`: what the early-help capability's `earlyHelpCausesAt`
 *   reports for an open ECT on the night's date; data `{ ectId, cause, rule, since, detail, detectedOn,
 *   schoolUrn }`; one per (ectId, cause, since), so a cause that returns after a resolution is a new event.
 */
import { v5 as uuidv5 } from 'uuid';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import {
  decideFailBecameFinal as domainFailBecameFinal,
  failFinalOn,
} from '#induction/decision/r18-appeal.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { FAIL_BECAME_FINAL } from '#read-models/reminders/due-items.projection.js';

export { FAIL_BECAME_FINAL };
export const STATUTORY_DEADLINE_MISSED = 'StatutoryDeadlineMissed';
export const EARLY_HELP_CAUSE_DETECTED = 'EarlyHelpCauseDetected';
/** The stream deadline misses and time-based early-help causes are appended to. */
export const DEADLINE_WATCH_STREAM = 'deadline-watch';

/** Namespace for event ids derived from the fact a job serves (a fixed, random UUID). */
const TIME_FACT_NAMESPACE = '5d0c2a7e-93b1-4f3e-b5d4-1f6a8c9e2b40';
export const timeFactEventId = (...parts: string[]): string => uuidv5(parts.join('|'), TIME_FACT_NAMESPACE);

export interface FailBecameFinal {
  type: typeof FAIL_BECAME_FINAL;
  schemaVersion: 1;
  data: {
    ectId: string;
    finalOn: IsoDate;
    appealBy: IsoDate;
    employmentEndsBy: IsoDate;
    recordedOn: IsoDate;
  };
}

/**
 * R18: once the appeal window has closed on a fail with no appeal lodged, the fail is final (the domain's
 * `failFinalOn`). A dismissed appeal needs nothing here: `AppealDetermined` already records it.
 */
export function decideFailBecameFinal(
  state: EctState,
  today: IsoDate,
  alreadyRecorded: boolean,
): FailBecameFinal[] {
  if (alreadyRecorded || state.ectId === null || state.appeal !== null) return [];
  if (state.failFinal || failFinalOn(state, today) === null || !state.decision?.appealBy) return [];
  // The domain decides the event (R18), so the sweep appends exactly what the domain evolves.
  return domainFailBecameFinal(state, today).map((event) => ({
    type: FAIL_BECAME_FINAL,
    schemaVersion: 1,
    data: { ...event.data, ectId: state.ectId! },
  }));
}

export interface EarlyHelpCause {
  readonly cause: string;
  readonly since: IsoDate;
  readonly rule?: string;
  readonly detail?: string;
}
/**
 * The hook for the early-help capability's `earlyHelpCausesAt(state, today, calendar)`
 * (libs/induction/src/early-help/early-help-causes.ts); `startLedgerJobs` wires it in by default.
 */
export type EarlyHelpCausesAt = (state: EctState, today: IsoDate) => readonly EarlyHelpCause[];
