/**
 * R12 formal assessments (1.9, 2.55–2.61): at the end of FTE term 3 (year 1) and at the end of induction
 * (term 6 plus extensions), against TS1–TS8 and Part Two only, never the ECF/ITTECF. Made by the head or the
 * induction tutor, never a mentor who is not the tutor. The ECT comments, then tutor, head and ECT sign; the
 * report reaches the AB within 10 working days of the meeting. It is held in the term that closes the year
 * (or its part-time equivalent), so it is accepted from the start of that term. R6: after a reduction only
 * the final assessment is due. R9 (2.56): an assessment due during statutory leave waits for the ECT's return.
 */
import { type IsoDate } from '../calendar/calendar-date.js';
import { addWorkingDays } from '../calendar/r2-working-days.js';
import type { Term, TermCalendar } from '../calendar/r1-terms.js';
import { dateServedReaches, termsRequired, yearOneTerms } from '../accrual/r3-length.js';
import { leaveChoicesPending, onStatutoryLeave } from '../absence/r9-statutory-leave.js';
import type { RecordFormalAssessment } from '../induction/ect.commands.js';
import type { CommandHandlers, EctDeps, EventAppliers } from '../induction/ect.capability.js';
import {
  type AssessmentPoint,
  ectEvent,
  type EctEvent,
  STANDARDS,
  type StandardId,
} from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireOpen } from '../posts/working-pattern.js';
import { requireDate, requireText } from '../registration/validation.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';
import { recommendationReceived } from '../decision/r15-recommendation.js';
import { supportPlanAfterYearOne } from './r14-at-risk.js';

/** R12 (2.61): working days for the assessment report to reach the AB after the meeting. */
export const ASSESSMENT_REPORT_WORKING_DAYS = 10;

export interface FormalAssessmentDue {
  readonly point: AssessmentPoint;
  /** When the FTE terms that close the year (or induction) will have been served. */
  readonly dueBy: IsoDate;
  /** The term it is held in; accepted from its start. */
  readonly term: Term;
}

/** R12 + R6: the formal assessments this induction needs, in order (year 1 is skipped after a reduction). */
export function formalAssessmentsDue(state: EctState, calendar: TermCalendar): FormalAssessmentDue[] {
  const due: FormalAssessmentDue[] = [];
  const points: [AssessmentPoint, number][] =
    state.reducedTo === null
      ? [
          ['year-1', yearOneTerms(state, calendar)],
          ['final', termsRequired(state, calendar)],
        ]
      : [['final', termsRequired(state, calendar)]];
  for (const [point, terms] of points) {
    const dueBy = dateServedReaches(state, terms, calendar);
    if (dueBy !== null) due.push({ point, dueBy, term: calendar.termOnOrAfter(dueBy) });
  }
  return due;
}

export const isRecorded = (state: EctState, point: AssessmentPoint): boolean =>
  state.assessments.some((a) => a.point === point && (point === 'year-1' || a.round === state.finalRound));

function decideRecordFormalAssessment(
  { data }: RecordFormalAssessment,
  state: EctState,
  deps: EctDeps,
): EctEvent[] {
  requireOpen(state);
  requireDate(data.assessedOn, 'assessedOn');
  requireText(data.evidence, 'evidence');
  if (data.point !== 'year-1' && data.point !== 'final')
    throw invalid('Point must be year-1 or final', 'point');
  if (data.assessor.role !== 'head' && data.assessor.role !== 'induction-tutor') {
    throw statutory('R12', 'formal assessments are made by the head or the induction tutor', 'assessor');
  }
  if (data.assessor.personId === state.mentorId && data.assessor.personId !== state.inductionTutorId) {
    throw statutory('R12', 'a mentor who is not the induction tutor never assesses (2.55)', 'assessor');
  }
  const standards = judgedStandards(data.standards);
  if (!data.signedOn.inductionTutor || !data.signedOn.head || !data.signedOn.ect) {
    throw statutory(
      'R12',
      'the report must be signed by the induction tutor, the head and the ECT (2.61)',
      'signedOn',
    );
  }
  const allowed =
    data.point === 'year-1'
      ? ['satisfactory', 'unsatisfactory']
      : ['satisfactory', 'unsatisfactory', 'extension'];
  if (!allowed.includes(data.recommendation)) {
    throw invalid(`Recommendation must be one of ${allowed.join(', ')}`, 'recommendation');
  }
  if (data.point === 'year-1' && state.reducedTo !== null) {
    throw statutory('R6', 'after a reduction only the final assessment is due');
  }
  if (isRecorded(state, data.point)) throw conflict(`The ${data.point} assessment is already recorded`);
  if (data.point === 'final' && state.recommendation !== null) {
    throw conflict('A recommendation is already awaiting the AB decision');
  }
  if (onStatutoryLeave(state, data.assessedOn) || leaveChoicesPending(state).length > 0) {
    throw statutory(
      'R9',
      'an assessment due during statutory leave waits until the ECT returns and has chosen (2.56)',
    );
  }
  const due = formalAssessmentsDue(state, deps.calendar).find((d) => d.point === data.point);
  if (!due || data.assessedOn < due.term.start) {
    throw statutory(
      'R12',
      `the ${data.point} assessment is held in the term that closes it${due ? `, from ${due.term.start}` : ''}`,
      'assessedOn',
    );
  }
  const reportDueBy = addWorkingDays(data.assessedOn, ASSESSMENT_REPORT_WORKING_DAYS);
  const recorded = ectEvent('FormalAssessmentRecorded', {
    point: data.point,
    round: data.point === 'final' ? state.finalRound : 0,
    assessedOn: data.assessedOn,
    assessorId: data.assessor.personId,
    assessorRole: data.assessor.role,
    standards,
    recommendation: data.recommendation,
    evidence: data.evidence,
    ectComment: data.ectComment ?? null,
    signedOn: {
      inductionTutor: data.signedOn.inductionTutor,
      head: data.signedOn.head,
      ect: data.signedOn.ect,
    },
    receivedOn: data.on,
    reportDueBy,
    late: data.on > reportDueBy,
  });
  return [
    recorded,
    ...(data.point === 'final' ? [recommendationReceived(data.recommendation, data.on)] : []),
    ...supportPlanAfterYearOne(state, data.point, data.recommendation, data.on),
  ];
}

/** R12 (1.9, 2.57): exactly TS1–TS8 and Part Two, each met or not met. */
function judgedStandards(standards: Readonly<Record<string, string>>): Record<StandardId, 'met' | 'not-met'> {
  const keys = Object.keys(standards ?? {});
  const foreign = keys.filter((key) => !(STANDARDS as readonly string[]).includes(key));
  if (foreign.length > 0) {
    throw statutory(
      'R12',
      `assess against the Teachers' Standards only, not ${foreign.join(', ')} (1.9)`,
      'standards',
    );
  }
  const judged = {} as Record<StandardId, 'met' | 'not-met'>;
  for (const id of STANDARDS) {
    const judgement = standards[id];
    if (judgement !== 'met' && judgement !== 'not-met') {
      throw invalid(`${id} must be judged met or not-met`, `standards.${id}`);
    }
    judged[id] = judgement;
  }
  return judged;
}

export const formalAssessmentCommands: Pick<CommandHandlers, 'RecordFormalAssessment'> = {
  RecordFormalAssessment: decideRecordFormalAssessment,
};

export const formalAssessmentEvents: Pick<EventAppliers, 'FormalAssessmentRecorded'> = {
  FormalAssessmentRecorded: (state, { data }) => ({
    ...state,
    assessments: [
      ...state.assessments,
      {
        point: data.point,
        round: data.round,
        assessedOn: data.assessedOn,
        recommendation: data.recommendation,
        receivedOn: data.receivedOn,
        reportDueBy: data.reportDueBy,
        late: data.late,
      },
    ],
  }),
};
