/**
 * R9 statutory leave (3.7, 2.56): maternity, paternity, adoption, shared parental, parental bereavement and
 * carer's leave never count towards R8. The ECT chooses whether to extend induction by the days of leave and
 * that choice must be granted; assessments due during leave wait until the ECT is back and has chosen.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import {
  type AbsenceReason,
  STATUTORY_LEAVE_REASONS,
  type StatutoryLeaveReason,
} from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';

export const isStatutoryLeave = (reason: AbsenceReason): reason is StatutoryLeaveReason =>
  (STATUTORY_LEAVE_REASONS as readonly string[]).includes(reason);

/** R9: days of statutory leave the ECT chose to extend induction by. */
export const leaveExtensionDays = (state: EctState): number =>
  state.absences
    .filter((absence) => !absence.withdrawn && absence.statutory && absence.extendForLeave === true)
    .reduce((sum, absence) => sum + absence.days, 0);

/** R9: statutory leave whose extension choice the ECT has not yet made. */
export const leaveChoicesPending = (state: EctState): string[] =>
  state.absences
    .filter((absence) => !absence.withdrawn && absence.statutory && absence.extendForLeave === null)
    .map((absence) => absence.absenceId);

/** R9 (2.56): on statutory leave on `date` (a statutory-leave pause or a recorded leave spanning it). */
export const onStatutoryLeave = (state: EctState, date: IsoDate): boolean =>
  state.pauses.some(
    (pause) =>
      pause.reason === 'statutory-leave' &&
      pause.from <= date &&
      (pause.until === null || pause.until >= date),
  ) ||
  state.absences.some(
    (absence) => !absence.withdrawn && absence.statutory && absence.from <= date && absence.to >= date,
  );
