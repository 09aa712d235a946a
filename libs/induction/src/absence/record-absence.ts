/**
 * Absence and pauses: ad hoc absence feeds R8 (with R10's notice at 30 days); statutory leave never does and
 * extends induction only by the ECT's choice (R9). A recorded absence is never edited: a mistake is withdrawn
 * with a reason and recorded again.
 */
import { addDays, daysBetween } from '../calendar/calendar-date.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import {
  AD_HOC_ABSENCE_REASONS,
  ectEvent,
  type EctEvent,
  STATUTORY_LEAVE_REASONS,
} from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate, requireText } from '../registration/validation.js';
import { conflict, invalid, notFound, statutory } from '../shared/domain-error.js';
import { headNoticesDue } from './r10-head-notice.js';
import { isStatutoryLeave } from './r9-statutory-leave.js';

const REASONS: readonly string[] = [...AD_HOC_ABSENCE_REASONS, ...STATUTORY_LEAVE_REASONS];

function findAbsence(state: EctState, absenceId: string) {
  const absence = state.absences.find((a) => a.absenceId === absenceId && !a.withdrawn);
  if (!absence) throw notFound(`No absence ${absenceId}`);
  return absence;
}

const currentPause = (state: EctState) => state.pauses.find((pause) => pause.until === null);

export const absenceCommands: Pick<
  CommandHandlers,
  'RecordAbsence' | 'ChooseLeaveExtension' | 'WithdrawAbsence' | 'PauseInduction' | 'ResumeInduction'
> = {
  RecordAbsence: ({ data }, state, deps) => {
    requireOpen(state);
    requireDate(data.from, 'from');
    requireDate(data.to, 'to');
    requireText(data.absenceId, 'absenceId');
    if (data.to < data.from) throw invalid('An absence ends on or after it starts', 'to');
    if (!REASONS.includes(data.reason))
      throw invalid(`Reason must be one of ${REASONS.join(', ')}`, 'reason');
    if (!Number.isInteger(data.days) || data.days < 1 || data.days > daysBetween(data.from, data.to) + 1) {
      throw invalid('Days absent must be a whole number from 1 to the days in the period', 'days');
    }
    if (state.startDate !== null && data.from < state.startDate) {
      throw invalid('An absence cannot start before induction', 'from');
    }
    if (state.absences.some((a) => a.absenceId === data.absenceId))
      throw conflict(`Absence ${data.absenceId} exists`);
    const statutoryLeave = isStatutoryLeave(data.reason);
    if (!statutoryLeave && data.extendForLeave !== undefined) {
      throw statutory(
        'R9',
        'only statutory leave can extend induction by choice; ad hoc absence falls under R8',
        'extendForLeave',
      );
    }
    const recorded = ectEvent('AbsenceRecorded', {
      absenceId: data.absenceId,
      from: data.from,
      to: data.to,
      days: data.days,
      reason: data.reason,
      extendForLeave: statutoryLeave ? (data.extendForLeave ?? null) : null,
      recordedOn: data.on,
    });
    const events: EctEvent[] = [recorded];
    return statutoryLeave
      ? events
      : [
          ...events,
          ...headNoticesDue(absenceEvents.AbsenceRecorded(state, recorded), data.on, deps.calendar),
        ];
  },

  ChooseLeaveExtension: ({ data }, state) => {
    requireOpen(state);
    const absence = findAbsence(state, data.absenceId);
    if (!absence.statutory) throw statutory('R9', 'only statutory leave can extend induction by choice');
    if (absence.extendForLeave !== null) throw conflict('The ECT has already chosen for this leave');
    return [
      ectEvent('LeaveExtensionChosen', { absenceId: data.absenceId, extend: data.extend, chosenOn: data.on }),
    ];
  },

  WithdrawAbsence: ({ data }, state) => {
    requireOpen(state);
    requireText(data.reason, 'reason');
    findAbsence(state, data.absenceId);
    return [
      ectEvent('AbsenceWithdrawn', { absenceId: data.absenceId, reason: data.reason, withdrawnOn: data.on }),
    ];
  },

  PauseInduction: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.from, 'from');
    if (data.reason !== 'statutory-leave' && data.reason !== 'other') {
      throw invalid('Reason must be statutory-leave or other', 'reason');
    }
    if (currentPause(state)) throw conflict('Induction is already paused');
    if (state.startDate !== null && data.from < state.startDate)
      throw invalid('A pause starts on or after the start', 'from');
    return [ectEvent('InductionPaused', { from: data.from, reason: data.reason, pausedOn: data.on })];
  },

  ResumeInduction: ({ data }, state) => {
    requireOpen(state);
    requireDate(data.from, 'from');
    const pause = currentPause(state);
    if (!pause) throw conflict('Induction is not paused');
    if (data.from <= pause.from) throw invalid('Induction resumes after the pause starts', 'from');
    return [ectEvent('InductionResumed', { from: data.from, resumedOn: data.on })];
  },
};

export const absenceEvents: Pick<
  EventAppliers,
  | 'AbsenceRecorded'
  | 'AbsenceThresholdReached'
  | 'LeaveExtensionChosen'
  | 'AbsenceWithdrawn'
  | 'InductionPaused'
  | 'InductionResumed'
> = {
  AbsenceRecorded: (state, { data }) => ({
    ...state,
    absences: [
      ...state.absences,
      {
        absenceId: data.absenceId,
        from: data.from,
        to: data.to,
        days: data.days,
        reason: data.reason,
        statutory: isStatutoryLeave(data.reason),
        extendForLeave: data.extendForLeave,
        withdrawn: false,
      },
    ],
  }),
  AbsenceThresholdReached: (state, { data }) => ({
    ...state,
    absenceThresholdsReached: [...state.absenceThresholdsReached, data.inductionYear],
  }),
  LeaveExtensionChosen: (state, { data }) => ({
    ...state,
    absences: state.absences.map((a) =>
      a.absenceId === data.absenceId ? { ...a, extendForLeave: data.extend } : a,
    ),
  }),
  AbsenceWithdrawn: (state, { data }) => ({
    ...state,
    absences: state.absences.map((a) => (a.absenceId === data.absenceId ? { ...a, withdrawn: true } : a)),
  }),
  InductionPaused: (state, { data }) => ({
    ...state,
    pauses: [...state.pauses, { from: data.from, until: null, reason: data.reason }],
  }),
  InductionResumed: (state, { data }) => ({
    ...state,
    pauses: state.pauses.map((pause) =>
      pause.until === null ? { ...pause, until: addDays(data.from, -1) } : pause,
    ),
  }),
};
