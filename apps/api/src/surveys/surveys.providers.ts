import type { Provider, Type } from '@nestjs/common';
import { AnnualSurveyReportHttpController } from '../reports/annual-survey-report.http-controller.js';
import { AnnualSurveyReportService } from '../reports/annual-survey-report.service.js';
import { RecordSchoolServiceHandler } from '../service-records/service-records.handler.js';
import { ServiceRecordsHttpController } from '../service-records/service-records.http-controller.js';
import {
  DefineSurveyHandler,
  InviteRespondentsHandler,
  SubmitSurveyResponseHandler,
} from './survey.handlers.js';
import { SurveysHttpController } from './surveys.http-controller.js';

/** The annual survey, service records and the AB quality report (issue 8): one list for api.module.ts. */
export const SURVEY_CONTROLLERS: Type[] = [
  SurveysHttpController,
  AnnualSurveyReportHttpController,
  ServiceRecordsHttpController,
];
export const SURVEY_PROVIDERS: Provider[] = [
  DefineSurveyHandler,
  InviteRespondentsHandler,
  SubmitSurveyResponseHandler,
  RecordSchoolServiceHandler,
  AnnualSurveyReportService,
];
