/**
 * Events of an ECT's induction stream (`ect-<ectId>`): the whole induction is one aggregate. Past tense,
 * business words. Personal data lives only under `data.personal`, keyed by subject id, and reads back as
 * `null` once that person is erased (docs/conventions.md, R23).
 */
import type { DomainEvent } from '../shared/decider.js';
import type { IsoDate } from '../calendar/calendar-date.js';

export type Programme = 'provider-led' | 'school-led';
export const PROGRAMMES: readonly Programme[] = ['provider-led', 'school-led'];

export interface EctPersonalData {
  readonly firstName: string;
  readonly lastName: string;
  readonly dateOfBirth: IsoDate;
  readonly email: string;
  readonly trn: string;
}
export interface ContactPersonalData {
  readonly name: string;
  readonly email: string;
  /** R22: the mentor and the induction tutor must hold QTS; unknown when not given. */
  readonly hasQts?: boolean;
}
/** Subject id → that person's fields, or null once erased (crypto-shredding). */
export type PersonalData = Readonly<Record<string, EctPersonalData | ContactPersonalData | null>>;

export type AdHocAbsenceReason = 'illness' | 'other';
export type StatutoryLeaveReason =
  'maternity' | 'paternity' | 'adoption' | 'shared-parental' | 'parental-bereavement' | 'carers';
export type AbsenceReason = AdHocAbsenceReason | StatutoryLeaveReason;
export const AD_HOC_ABSENCE_REASONS: readonly AdHocAbsenceReason[] = ['illness', 'other'];
export const STATUTORY_LEAVE_REASONS: readonly StatutoryLeaveReason[] = [
  'maternity',
  'paternity',
  'adoption',
  'shared-parental',
  'parental-bereavement',
  'carers',
];

export type AssessmentPoint = 'year-1' | 'final';
/** Year 1: satisfactory/unsatisfactory progress. Final (R15): the head's recommendation to the AB. */
export type AssessmentRecommendation = 'satisfactory' | 'unsatisfactory' | 'extension';
export type StandardId = 'TS1' | 'TS2' | 'TS3' | 'TS4' | 'TS5' | 'TS6' | 'TS7' | 'TS8' | 'PartTwo';
export const STANDARDS: readonly StandardId[] = [
  'TS1',
  'TS2',
  'TS3',
  'TS4',
  'TS5',
  'TS6',
  'TS7',
  'TS8',
  'PartTwo',
];
export type StandardJudgement = 'met' | 'not-met';
export type AssessorRole = 'head' | 'induction-tutor';
export type Outcome = 'pass' | 'fail' | 'extend';
export type NotificationRecipient = 'ect' | 'head' | 'employer' | 'tra';
export type PauseReason = 'statutory-leave' | 'other';

type Event<Type extends string, Data extends object> = DomainEvent<Type, Data>;

export type EctRegistered = Event<
  'EctRegistered',
  {
    ectId: string;
    schoolUrn: string;
    qtsAwardedOn: IsoDate;
    startDate: IsoDate;
    fte: number;
    programme: Programme;
    mentorId: string;
    inductionTutorId: string;
    registeredOn: IsoDate;
    /** R20: the start date is before the registration date (late notice, transfer in, migrated record). */
    lateRegistration: boolean;
    /** FTE terms served before this registration (an earlier spell with this AB, released and back). */
    priorTermsServed: number;
    personal: PersonalData;
  }
>;
export type WorkingPatternChanged = Event<
  'WorkingPatternChanged',
  { postId: string; fte: number; from: IsoDate }
>;
export type SimultaneousPostAdded = Event<
  'SimultaneousPostAdded',
  { postId: string; schoolUrn: string; startDate: IsoDate; fte: number }
>;
export type PostLeft = Event<
  'PostLeft',
  { postId: string; leftOn: IsoDate; reason: string; termsServed: number; interimAssessmentRequired: boolean }
>;
export type EctTransferred = Event<
  'EctTransferred',
  {
    fromPostId: string;
    toPostId: string;
    toSchoolUrn: string;
    leftOn: IsoDate;
    reason: string;
    termsServed: number;
    interimAssessmentRequired: boolean;
  }
>;
export type EctReleased = Event<
  'EctReleased',
  { leftOn: IsoDate; reason: string; termsServed: number; interimAssessmentRequired: boolean }
>;
export type InductionReduced = Event<
  'InductionReduced',
  { reducedTo: number; ectAgreedOn: IsoDate; headAdvisedOn: IsoDate; reason: string; reducedOn: IsoDate }
>;
export type AbsenceRecorded = Event<
  'AbsenceRecorded',
  {
    absenceId: string;
    from: IsoDate;
    to: IsoDate;
    days: number;
    reason: AbsenceReason;
    /** R9: the ECT's choice to extend by statutory leave; null until they choose. Always null for ad hoc. */
    extendForLeave: boolean | null;
    recordedOn: IsoDate;
  }
>;
export type AbsenceThresholdReached = Event<
  'AbsenceThresholdReached',
  { inductionYear: 1 | 2; days: number; reachedOn: IsoDate }
>;
export type LeaveExtensionChosen = Event<
  'LeaveExtensionChosen',
  { absenceId: string; extend: boolean; chosenOn: IsoDate }
>;
export type AbsenceWithdrawn = Event<
  'AbsenceWithdrawn',
  { absenceId: string; reason: string; withdrawnOn: IsoDate }
>;
export type InductionPaused = Event<
  'InductionPaused',
  { from: IsoDate; reason: PauseReason; pausedOn: IsoDate }
>;
export type InductionResumed = Event<'InductionResumed', { from: IsoDate; resumedOn: IsoDate }>;
export type ProgressReviewSubmitted = Event<
  'ProgressReviewSubmitted',
  {
    term: number;
    reviewedOn: IsoDate;
    onTrack: boolean;
    strengths: string;
    areasForDevelopment: string;
    supportPlan: string | null;
    ectComment: string | null;
    submittedOn: IsoDate;
  }
>;
export type SupportPlanRequired = Event<
  'SupportPlanRequired',
  { reason: 'not-on-track' | 'year-1-unsatisfactory'; since: IsoDate }
>;
export type FormalAssessmentRecorded = Event<
  'FormalAssessmentRecorded',
  {
    point: AssessmentPoint;
    /** Which final assessment: 0 for the first, +1 after each extension. */
    round: number;
    assessedOn: IsoDate;
    assessorId: string;
    assessorRole: AssessorRole;
    standards: Readonly<Record<StandardId, StandardJudgement>>;
    recommendation: AssessmentRecommendation;
    evidence: string;
    ectComment: string | null;
    signedOn: { readonly inductionTutor: IsoDate; readonly head: IsoDate; readonly ect: IsoDate };
    receivedOn: IsoDate;
    reportDueBy: IsoDate;
    /** R12: the report reached the AB after its 10 working days. */
    late: boolean;
  }
>;
export type InterimAssessmentRecorded = Event<
  'InterimAssessmentRecorded',
  { assessedOn: IsoDate; progress: string; termsServed: number; daysAbsent: number; recordedOn: IsoDate }
>;
export type RecommendationReceived = Event<
  'RecommendationReceived',
  {
    recommendation: AssessmentRecommendation;
    receivedOn: IsoDate;
    representationsBy: IsoDate;
    decisionDueBy: IsoDate;
  }
>;
export type RepresentationsSubmitted = Event<
  'RepresentationsSubmitted',
  { submittedOn: IsoDate; summary: string }
>;
export type OutcomeDecided = Event<
  'OutcomeDecided',
  {
    outcome: Outcome;
    decidedOn: IsoDate;
    decidedBy: string;
    rationale: string;
    extensionTerms: number | null;
    decisionDueBy: IsoDate;
    notifyBy: IsoDate;
    appealBy: IsoDate | null;
    late: boolean;
  }
>;
export type InductionExtended = Event<
  'InductionExtended',
  { terms: number; reason: string; grantedOn: IsoDate }
>;
export type OutcomeNotified = Event<
  'OutcomeNotified',
  { recipient: NotificationRecipient; notifiedOn: IsoDate; late: boolean }
>;
export type AppealLodged = Event<'AppealLodged', { lodgedOn: IsoDate }>;
export type AppealDetermined = Event<
  'AppealDetermined',
  { outcome: 'dismissed' | 'upheld'; determinedOn: IsoDate; employmentEndsBy: IsoDate | null }
>;
export type MentorChanged = Event<
  'MentorChanged',
  { mentorId: string; from: IsoDate; personal: PersonalData }
>;
export type InductionTutorChanged = Event<
  'InductionTutorChanged',
  { inductionTutorId: string; from: IsoDate; personal: PersonalData }
>;
/**
 * R22 (2.28). v2 adds `accountId`: the contact's sign-in account (a user id, not personal data), so the service
 * can tell when the contact also takes part in decisions; v1 events upcast with `accountId: null` (unknown).
 */
export type AbContactAssigned = Event<
  'AbContactAssigned',
  { contactId: string; accountId: string | null; personal: PersonalData }
>;
export type StartDateCorrected = Event<
  'StartDateCorrected',
  { previousStartDate: IsoDate; startDate: IsoDate; reason: string; correctedOn: IsoDate }
>;
export type FidelityCheckRecorded = Event<
  'FidelityCheckRecorded',
  { checkedOn: IsoDate; coversFramework: boolean; notes: string }
>;
export type TimetableRecorded = Event<
  'TimetableRecorded',
  { from: IsoDate; percentOfMainPayRangeTimetable: number }
>;
export type AssessmentAccessGranted = Event<
  'AssessmentAccessGranted',
  { granteeId: string; role: string; grantedOn: IsoDate; personal: PersonalData }
>;
export type PersonalDataErasureRequested = Event<
  'PersonalDataErasureRequested',
  { subjectId: string; requestedOn: IsoDate }
>;
/**
 * R23: the subject's key was shredded (crypto-shredding), so their `personal` fields read back as null in
 * every event; read models redact any copy they hold when they see this. Names no one: only the subject id.
 */
export type PersonalDataErased = Event<'PersonalDataErased', { subjectId: string; erasedOn: IsoDate }>;
/**
 * R18 (2.71–2.73): a fail became final, when the appeal window closed with no appeal (appended by the nightly
 * sweep, `recordedOn` the sweep's date) or when the TRA dismissed the appeal.
 */
export type FailBecameFinal = Event<
  'FailBecameFinal',
  { ectId: string; finalOn: IsoDate; appealBy: IsoDate; employmentEndsBy: IsoDate; recordedOn: IsoDate }
>;

export type EctEvent =
  | EctRegistered
  | WorkingPatternChanged
  | SimultaneousPostAdded
  | PostLeft
  | EctTransferred
  | EctReleased
  | InductionReduced
  | AbsenceRecorded
  | AbsenceThresholdReached
  | LeaveExtensionChosen
  | AbsenceWithdrawn
  | InductionPaused
  | InductionResumed
  | ProgressReviewSubmitted
  | SupportPlanRequired
  | FormalAssessmentRecorded
  | InterimAssessmentRecorded
  | RecommendationReceived
  | RepresentationsSubmitted
  | OutcomeDecided
  | InductionExtended
  | OutcomeNotified
  | AppealLodged
  | AppealDetermined
  | MentorChanged
  | InductionTutorChanged
  | AbContactAssigned
  | StartDateCorrected
  | FidelityCheckRecorded
  | TimetableRecorded
  | AssessmentAccessGranted
  | PersonalDataErasureRequested
  | PersonalDataErased
  | FailBecameFinal;

export type EctEventType = EctEvent['type'];
export type EctEventOf<T extends EctEventType> = Extract<EctEvent, { type: T }>;

/** Current schema version of each event type; older versions are upcast on read (upcasters.ts). */
export const CURRENT_SCHEMA_VERSION: Readonly<Partial<Record<EctEventType, number>>> = {
  EctRegistered: 2,
  AbContactAssigned: 2,
};

export function ectEvent<T extends EctEventType>(type: T, data: EctEventOf<T>['data']): EctEventOf<T> {
  return { type, schemaVersion: CURRENT_SCHEMA_VERSION[type] ?? 1, data } as EctEventOf<T>;
}
