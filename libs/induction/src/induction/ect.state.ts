/**
 * The state an ECT's induction folds to. It keeps what happened (posts, absences, reviews…) rather than
 * derived figures: terms served, deadlines and what is due depend on the date asked about and on the AB's
 * term calendar, so the rules compute them on demand (induction-summary.ts).
 */
import type { IsoDate } from '../calendar/calendar-date.js';
import type {
  AbsenceReason,
  AssessmentPoint,
  AssessmentRecommendation,
  NotificationRecipient,
  Outcome,
  PauseReason,
  PersonalData,
  Programme,
} from './ect.events.js';

export type InductionPhase = 'unregistered' | 'open' | 'awaiting-decision' | 'passed' | 'failed' | 'released';

export interface WorkingPattern {
  readonly from: IsoDate;
  readonly fte: number;
}
export interface Post {
  readonly postId: string;
  readonly schoolUrn: string;
  readonly startDate: IsoDate;
  /** Last day in post (inclusive); null while in post. */
  readonly leftOn: IsoDate | null;
  /** R4: FTE from each date on, oldest first. */
  readonly patterns: readonly WorkingPattern[];
}
export interface Pause {
  readonly from: IsoDate;
  /** Last paused day (inclusive); null while paused. */
  readonly until: IsoDate | null;
  readonly reason: PauseReason;
}
export interface Absence {
  readonly absenceId: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly days: number;
  readonly reason: AbsenceReason;
  readonly statutory: boolean;
  readonly extendForLeave: boolean | null;
  readonly withdrawn: boolean;
}
export interface Review {
  readonly term: number;
  readonly reviewedOn: IsoDate;
  readonly onTrack: boolean;
  readonly hasSupportPlan: boolean;
  readonly submittedOn: IsoDate;
}
export interface Assessment {
  readonly point: AssessmentPoint;
  readonly round: number;
  readonly assessedOn: IsoDate;
  readonly recommendation: AssessmentRecommendation;
  readonly receivedOn: IsoDate;
  readonly reportDueBy: IsoDate;
  readonly late: boolean;
}
export interface Recommendation {
  readonly recommendation: AssessmentRecommendation;
  readonly receivedOn: IsoDate;
  readonly representationsBy: IsoDate;
  readonly decisionDueBy: IsoDate;
  readonly representationsOn: IsoDate | null;
}
export interface Decision {
  readonly outcome: Outcome;
  readonly decidedOn: IsoDate;
  readonly decisionDueBy: IsoDate;
  readonly notifyBy: IsoDate;
  readonly appealBy: IsoDate | null;
  readonly extensionTerms: number | null;
}
export interface Appeal {
  readonly lodgedOn: IsoDate;
  readonly outcome: 'dismissed' | 'upheld' | null;
  readonly determinedOn: IsoDate | null;
  readonly employmentEndsBy: IsoDate | null;
}

export interface EctState {
  readonly phase: InductionPhase;
  readonly ectId: string | null;
  readonly leadSchoolUrn: string | null;
  readonly programme: Programme | null;
  readonly qtsAwardedOn: IsoDate | null;
  readonly startDate: IsoDate | null;
  readonly registeredOn: IsoDate | null;
  readonly lateRegistration: boolean;
  readonly priorTermsServed: number;
  readonly posts: readonly Post[];
  readonly pauses: readonly Pause[];
  readonly absences: readonly Absence[];
  /** R10: induction years whose absence reached 30 days (head's notice). */
  readonly absenceThresholdsReached: readonly (1 | 2)[];
  /** R6: agreed reduced length in FTE terms. */
  readonly reducedTo: number | null;
  /** R19: extensions in FTE terms. */
  readonly extensions: readonly {
    readonly terms: number;
    readonly grantedOn: IsoDate;
    readonly reason: string;
  }[];
  /** Final assessments already used up by extensions (the next final assessment's round). */
  readonly finalRound: number;
  readonly reviews: readonly Review[];
  readonly assessments: readonly Assessment[];
  readonly interimAssessmentRequired: boolean;
  readonly interimAssessments: readonly { readonly assessedOn: IsoDate; readonly termsServed: number }[];
  /** R11/R14: a support plan is required at every later review. */
  readonly supportPlanRequired: {
    readonly reason: 'not-on-track' | 'year-1-unsatisfactory';
    readonly since: IsoDate;
  } | null;
  readonly recommendation: Recommendation | null;
  readonly decision: Decision | null;
  readonly notifications: readonly {
    readonly recipient: NotificationRecipient;
    readonly notifiedOn: IsoDate;
  }[];
  readonly appeal: Appeal | null;
  readonly mentorId: string | null;
  readonly inductionTutorId: string | null;
  readonly abContactId: string | null;
  /** R22: the AB contact's sign-in account, when known (to see them deciding). */
  readonly abContactAccountId: string | null;
  /** R16/R22: who decided each outcome (person or account id), oldest first. */
  readonly deciders: readonly { readonly decidedBy: string; readonly decidedOn: IsoDate }[];
  /** R18: the fail became final (recorded by FailBecameFinal). */
  readonly failFinal: { readonly finalOn: IsoDate; readonly employmentEndsBy: IsoDate } | null;
  /** Subject id → personal fields; null once erased. */
  readonly people: PersonalData;
  readonly fidelityCheck: { readonly checkedOn: IsoDate; readonly coversFramework: boolean } | null;
  readonly timetables: readonly { readonly from: IsoDate; readonly percentOfMainPayRangeTimetable: number }[];
  readonly accessGrants: readonly {
    readonly granteeId: string;
    readonly role: string;
    readonly grantedOn: IsoDate;
  }[];
  readonly erasureRequests: readonly { readonly subjectId: string; readonly requestedOn: IsoDate }[];
  /** R23: subjects whose key has been shredded (PersonalDataErased). */
  readonly erasedSubjects: readonly string[];
}

export const initialEctState = (): EctState => ({
  phase: 'unregistered',
  ectId: null,
  leadSchoolUrn: null,
  programme: null,
  qtsAwardedOn: null,
  startDate: null,
  registeredOn: null,
  lateRegistration: false,
  priorTermsServed: 0,
  posts: [],
  pauses: [],
  absences: [],
  absenceThresholdsReached: [],
  reducedTo: null,
  extensions: [],
  finalRound: 0,
  reviews: [],
  assessments: [],
  interimAssessmentRequired: false,
  interimAssessments: [],
  supportPlanRequired: null,
  recommendation: null,
  decision: null,
  notifications: [],
  appeal: null,
  mentorId: null,
  inductionTutorId: null,
  abContactId: null,
  abContactAccountId: null,
  deciders: [],
  failFinal: null,
  people: {},
  fidelityCheck: null,
  timetables: [],
  accessGrants: [],
  erasureRequests: [],
  erasedSubjects: [],
});

export const isOpen = (state: EctState): boolean =>
  state.phase === 'open' || state.phase === 'awaiting-decision';
export const openPosts = (state: EctState): Post[] => state.posts.filter((post) => post.leftOn === null);
