/**
 * Commands on an ECT's induction. Each carries `on`: the date (Europe/London) the application's clock says
 * the command is decided on; the domain never reads the wall clock.
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type {
  AbsenceReason,
  AssessmentPoint,
  AssessmentRecommendation,
  AssessorRole,
  NotificationRecipient,
  Outcome,
  PauseReason,
  Programme,
  StandardJudgement,
} from './ect.events.js';

export interface ContactInput {
  readonly personId: string;
  readonly name: string;
  readonly email: string;
  readonly hasQts?: boolean;
}

type Command<Type extends string, Data extends object> = {
  readonly type: Type;
  readonly data: Readonly<Data> & { readonly on: IsoDate };
};

export type RegisterEct = Command<
  'RegisterEct',
  {
    ectId: string;
    trn: string;
    firstName: string;
    lastName: string;
    dateOfBirth: IsoDate;
    email: string;
    schoolUrn: string;
    qtsAwardedOn: IsoDate;
    startDate: IsoDate;
    fte: number;
    programme: Programme;
    mentor: ContactInput;
    inductionTutor: ContactInput;
  }
>;
export type ChangeWorkingPattern = Command<
  'ChangeWorkingPattern',
  { fte: number; from: IsoDate; postId?: string }
>;
export type AddSimultaneousPost = Command<
  'AddSimultaneousPost',
  { postId: string; schoolUrn: string; startDate: IsoDate; fte: number }
>;
/** Leaving a post: to another school with this AB (`toSchoolUrn`), or leaving the AB altogether (release). */
export type TransferEct = Command<
  'TransferEct',
  { leftOn: IsoDate; reason: string; toSchoolUrn?: string; postId?: string }
>;
export type ReduceInduction = Command<
  'ReduceInduction',
  { reducedTo: number; ectAgreedOn?: IsoDate; headAdvisedOn?: IsoDate; reason: string }
>;
export type RecordAbsence = Command<
  'RecordAbsence',
  {
    absenceId: string;
    from: IsoDate;
    to: IsoDate;
    days: number;
    reason: AbsenceReason;
    extendForLeave?: boolean;
  }
>;
export type ChooseLeaveExtension = Command<'ChooseLeaveExtension', { absenceId: string; extend: boolean }>;
export type WithdrawAbsence = Command<'WithdrawAbsence', { absenceId: string; reason: string }>;
export type PauseInduction = Command<'PauseInduction', { from: IsoDate; reason: PauseReason }>;
export type ResumeInduction = Command<'ResumeInduction', { from: IsoDate }>;
export type SubmitProgressReview = Command<
  'SubmitProgressReview',
  {
    term: number;
    reviewedOn: IsoDate;
    onTrack: boolean;
    strengths: string;
    areasForDevelopment: string;
    supportPlan?: string;
    ectComment?: string;
  }
>;
export type RecordFormalAssessment = Command<
  'RecordFormalAssessment',
  {
    point: AssessmentPoint;
    assessedOn: IsoDate;
    assessor: { personId: string; role: AssessorRole };
    /** TS1–TS8 and Part Two only (R12, 1.9): the ECF/ITTECF is never an assessment framework. */
    standards: Readonly<Record<string, StandardJudgement>>;
    recommendation: AssessmentRecommendation;
    evidence: string;
    ectComment?: string;
    signedOn: { inductionTutor?: IsoDate; head?: IsoDate; ect?: IsoDate };
  }
>;
export type RecordInterimAssessment = Command<
  'RecordInterimAssessment',
  { assessedOn: IsoDate; progress: string }
>;
export type SubmitRepresentations = Command<'SubmitRepresentations', { summary: string }>;
export type DecideOutcome = Command<
  'DecideOutcome',
  {
    decision: Outcome;
    decidedOn: IsoDate;
    extensionTerms?: number;
    rationale: string;
    /** R21: the panel member deciding; one from the ECT's own school may not decide. */
    decidedBy: { personId: string; schoolUrn?: string };
  }
>;
export type ExtendInduction = Command<
  'ExtendInduction',
  { terms: number; reason: string; grantedOn: IsoDate }
>;
export type RecordNotification = Command<
  'RecordNotification',
  { recipient: NotificationRecipient; notifiedOn: IsoDate }
>;
export type LodgeAppeal = Command<'LodgeAppeal', { lodgedOn: IsoDate }>;
export type DetermineAppeal = Command<
  'DetermineAppeal',
  { outcome: 'dismissed' | 'upheld'; determinedOn: IsoDate }
>;
export type ChangeMentor = Command<'ChangeMentor', { mentor: ContactInput; from: IsoDate }>;
export type ChangeInductionTutor = Command<
  'ChangeInductionTutor',
  { inductionTutor: ContactInput; from: IsoDate }
>;
export type AssignAbContact = Command<
  'AssignAbContact',
  { contact: ContactInput; /** R22: the contact's sign-in account, when they have one. */ accountId?: string }
>;
export type CorrectStartDate = Command<'CorrectStartDate', { startDate: IsoDate; reason: string }>;
export type RecordFidelityCheck = Command<
  'RecordFidelityCheck',
  { checkedOn: IsoDate; coversFramework: boolean; notes: string }
>;
export type RecordTimetable = Command<
  'RecordTimetable',
  { from: IsoDate; percentOfMainPayRangeTimetable: number }
>;
export type GrantAssessmentAccess = Command<
  'GrantAssessmentAccess',
  { grantee: { personId: string; name: string; email: string }; role: string }
>;
export type RequestErasure = Command<'RequestErasure', { subjectId: string }>;
/** R23: records that the subject's key has been shredded (after a recorded erasure request). */
export type ErasePersonalData = Command<'ErasePersonalData', { subjectId: string }>;
/** R18: the fail is final (appeal window closed with no appeal); decided on `on`, the sweep's date. */
export type RecordFailBecameFinal = Command<'RecordFailBecameFinal', Record<never, never>>;

export type EctCommand =
  | RegisterEct
  | ChangeWorkingPattern
  | AddSimultaneousPost
  | TransferEct
  | ReduceInduction
  | RecordAbsence
  | ChooseLeaveExtension
  | WithdrawAbsence
  | PauseInduction
  | ResumeInduction
  | SubmitProgressReview
  | RecordFormalAssessment
  | RecordInterimAssessment
  | SubmitRepresentations
  | DecideOutcome
  | ExtendInduction
  | RecordNotification
  | LodgeAppeal
  | DetermineAppeal
  | ChangeMentor
  | ChangeInductionTutor
  | AssignAbContact
  | CorrectStartDate
  | RecordFidelityCheck
  | RecordTimetable
  | GrantAssessmentAccess
  | RequestErasure
  | ErasePersonalData
  | RecordFailBecameFinal;

export type EctCommandType = EctCommand['type'];
export type EctCommandOf<T extends EctCommandType> = Extract<EctCommand, { type: T }>;
