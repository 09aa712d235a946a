/** Handlers of the ECT lifecycle routes (ect-lifecycle.http-controller.ts), registered by api.module.ts. */
import { AddSimultaneousPostHandler } from './add-simultaneous-post/add-simultaneous-post.handler.js';
import { AssignAbContactHandler } from './assign-ab-contact/assign-ab-contact.handler.js';
import { ChangeInductionTutorHandler } from './change-induction-tutor/change-induction-tutor.handler.js';
import { ChangeMentorHandler } from './change-mentor/change-mentor.handler.js';
import { ChangeWorkingPatternHandler } from './change-working-pattern/change-working-pattern.handler.js';
import { ChooseLeaveExtensionHandler } from './choose-leave-extension/choose-leave-extension.handler.js';
import { CorrectStartDateHandler } from './correct-start-date/correct-start-date.handler.js';
import { DecideOutcomeHandler } from './decide-outcome/decide-outcome.handler.js';
import { DetermineAppealHandler } from './determine-appeal/determine-appeal.handler.js';
import { ExtendInductionHandler } from './extend-induction/extend-induction.handler.js';
import { GrantAssessmentAccessHandler } from './grant-assessment-access/grant-assessment-access.handler.js';
import { LodgeAppealHandler } from './lodge-appeal/lodge-appeal.handler.js';
import { PauseInductionHandler } from './pause-induction/pause-induction.handler.js';
import { RecordAbsenceHandler } from './record-absence/record-absence.handler.js';
import { RecordFidelityCheckHandler } from './record-fidelity-check/record-fidelity-check.handler.js';
import { RecordFormalAssessmentHandler } from './record-formal-assessment/record-formal-assessment.handler.js';
import { RecordInterimAssessmentHandler } from './record-interim-assessment/record-interim-assessment.handler.js';
import { RecordNotificationHandler } from './record-notification/record-notification.handler.js';
import { RecordTimetableHandler } from './record-timetable/record-timetable.handler.js';
import { ReduceInductionHandler } from './reduce-induction/reduce-induction.handler.js';
import { RequestErasureHandler } from './request-erasure/request-erasure.handler.js';
import { ResumeInductionHandler } from './resume-induction/resume-induction.handler.js';
import { SubmitProgressReviewHandler } from './submit-progress-review/submit-progress-review.handler.js';
import { SubmitRepresentationsHandler } from './submit-representations/submit-representations.handler.js';
import { TransferEctHandler } from './transfer-ect/transfer-ect.handler.js';
import { WithdrawAbsenceHandler } from './withdraw-absence/withdraw-absence.handler.js';
import { ErasePersonalDataHandler } from './erase-personal-data/erase-personal-data.handler.js';
import { EctAuditTrailQuery } from './ect-audit-trail/ect-audit-trail.query.js';
import { EctWrites } from './shared/ect-writes.js';

export const ECT_LIFECYCLE_PROVIDERS = [
  EctWrites,
  EctAuditTrailQuery,
  AddSimultaneousPostHandler,
  AssignAbContactHandler,
  ChangeInductionTutorHandler,
  ChangeMentorHandler,
  ChangeWorkingPatternHandler,
  ChooseLeaveExtensionHandler,
  CorrectStartDateHandler,
  DecideOutcomeHandler,
  DetermineAppealHandler,
  ExtendInductionHandler,
  GrantAssessmentAccessHandler,
  LodgeAppealHandler,
  PauseInductionHandler,
  RecordAbsenceHandler,
  RecordFidelityCheckHandler,
  RecordFormalAssessmentHandler,
  RecordInterimAssessmentHandler,
  RecordNotificationHandler,
  RecordTimetableHandler,
  ReduceInductionHandler,
  RequestErasureHandler,
  ResumeInductionHandler,
  SubmitProgressReviewHandler,
  SubmitRepresentationsHandler,
  TransferEctHandler,
  WithdrawAbsenceHandler,
  ErasePersonalDataHandler,
];
