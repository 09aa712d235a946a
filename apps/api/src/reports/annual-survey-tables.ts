/**
 * The report's tables, as the page, the PDF and CSV show them. Every table has a CSV (`?table=`); each row
 * names its scope: `AB` for the whole appropriate body, otherwise the school's URN.
 */
import type {
  AnnualSurveyReport,
  ReportScope,
  ServiceFigures,
} from '#read-models/survey/annual-survey-report.js';
import { INDUCTION_STATUSES } from '#induction/induction/induction-summary.js';

export const REPORT_TABLES = ['response-rates', 'questions', 'service', 'themes', 'actions'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

const NOT_AVAILABLE = 'not available';
const pct = (part: number, whole: number) =>
  whole === 0 ? 'none due' : `${Math.round((part / whole) * 1000) / 10}% (${part} of ${whole})`;

/** The service figures as label and value, for the page and the PDF. */
export function serviceRows(scope: ReportScope): { figure: string; value: string }[] {
  const s: ServiceFigures = scope.service;
  const statuses = INDUCTION_STATUSES.filter((n) => (s.ectsByStatus[n] ?? 0) > 0)
    .map((n) => `${n} ${s.ectsByStatus[n]}`)
    .join(', ');
  return [
    { figure: 'ECTs by status', value: statuses || 'none' },
    {
      figure: 'Outcomes',
      value: `passed ${s.outcomes.passed}, failed ${s.outcomes.failed}, extended ${s.outcomes.extended}`,
    },
    { figure: 'Progress reviews submitted when due', value: pct(s.reviews.submitted, s.reviews.due) },
    { figure: 'Formal assessments on time', value: pct(s.assessments.onTime, s.assessments.recorded) },
    {
      figure: 'ECTs with every statutory entitlement met',
      value: pct(s.entitlements.allMet, s.entitlements.ects),
    },
    {
      figure: 'ECTs with early-help causes',
      value: s.earlyHelpCases === null ? NOT_AVAILABLE : String(s.earlyHelpCases),
    },
    {
      figure: 'Moderation agreement',
      value: s.moderation === null ? NOT_AVAILABLE : pct(s.moderation.agreed, s.moderation.checked),
    },
    {
      figure: 'ECT training attendance',
      value:
        s.trainingAttendance === null
          ? NOT_AVAILABLE
          : pct(s.trainingAttendance.attended, s.trainingAttendance.recorded),
    },
    {
      figure: 'Induction-tutor training places attended',
      value: `${pct(s.tutorTraining.attended, s.tutorTraining.places)} in ${s.tutorTraining.sessions} sessions`,
    },
    {
      figure: 'Clinic places attended',
      value: `${pct(s.clinics.attended, s.clinics.places)} in ${s.clinics.sessions} clinics`,
    },
    { figure: 'SLA commitments met', value: pct(s.sla.met, s.sla.reviewed) },
  ];
}

type Scoped = { scope: string; schoolName: string; data: ReportScope };
const scopes = (report: AnnualSurveyReport): Scoped[] => [
  { scope: 'AB', schoolName: 'Whole appropriate body', data: report.ab },
  ...report.schools.map((s) => ({ scope: s.schoolUrn, schoolName: s.schoolName, data: s as ReportScope })),
];

export interface CsvTable {
  columns: { header: string; value: (row: never) => unknown }[];
  rows: unknown[];
}

type Row = Record<string, unknown>;
const columns = (headers: string[]) =>
  headers.map((header) => ({ header, value: (row: Row) => row[header] }));

export function reportTable(report: AnnualSurveyReport, table: ReportTable): CsvTable {
  const all = scopes(report);
  switch (table) {
    case 'response-rates':
      return {
        columns: columns(['scope', 'school', 'invited', 'responded', 'responseRate']),
        rows: all.map(({ scope, schoolName, data }) => ({
          scope,
          school: schoolName,
          invited: data.invited,
          responded: data.responded,
          responseRate: data.responseRate,
        })),
      };
    case 'questions':
      return {
        columns: columns([
          'scope',
          'questionId',
          'question',
          'kind',
          'responses',
          'rating1',
          'rating2',
          'rating3',
          'rating4',
          'rating5',
          'yes',
          'no',
          'mean',
          'previousMean',
          'change',
        ]),
        rows: all.flatMap(({ scope, data }) =>
          data.questions
            .filter((q) => q.kind !== 'free-text')
            .map((q) => ({
              scope,
              questionId: q.id,
              question: q.text,
              kind: q.kind,
              responses: q.responses,
              rating1: q.distribution['1'],
              rating2: q.distribution['2'],
              rating3: q.distribution['3'],
              rating4: q.distribution['4'],
              rating5: q.distribution['5'],
              yes: q.distribution['yes'],
              no: q.distribution['no'],
              mean: q.mean,
              previousMean: q.previousMean,
              change: q.change,
            })),
        ),
      };
    case 'service':
      return {
        columns: columns([
          'scope',
          ...INDUCTION_STATUSES.map((s) => `ects ${s}`),
          'passed',
          'failed',
          'extended',
          'reviewsDue',
          'reviewsSubmitted',
          'assessments',
          'assessmentsOnTime',
          'ectsOpen',
          'ectsAllEntitlementsMet',
          'earlyHelpCases',
          'moderationChecked',
          'moderationAgreed',
          'trainingRecorded',
          'trainingAttended',
          'tutorTrainingSessions',
          'tutorTrainingPlaces',
          'tutorTrainingAttended',
          'clinics',
          'clinicPlaces',
          'clinicAttended',
          'slaReviewed',
          'slaMet',
        ]),
        rows: all.map(({ scope, data: { service: s } }) => ({
          scope,
          ...Object.fromEntries(INDUCTION_STATUSES.map((n) => [`ects ${n}`, s.ectsByStatus[n] ?? 0])),
          ...s.outcomes,
          reviewsDue: s.reviews.due,
          reviewsSubmitted: s.reviews.submitted,
          assessments: s.assessments.recorded,
          assessmentsOnTime: s.assessments.onTime,
          ectsOpen: s.entitlements.ects,
          ectsAllEntitlementsMet: s.entitlements.allMet,
          earlyHelpCases: s.earlyHelpCases ?? NOT_AVAILABLE,
          moderationChecked: s.moderation?.checked ?? NOT_AVAILABLE,
          moderationAgreed: s.moderation?.agreed ?? NOT_AVAILABLE,
          trainingRecorded: s.trainingAttendance?.recorded ?? NOT_AVAILABLE,
          trainingAttended: s.trainingAttendance?.attended ?? NOT_AVAILABLE,
          tutorTrainingSessions: s.tutorTraining.sessions,
          tutorTrainingPlaces: s.tutorTraining.places,
          tutorTrainingAttended: s.tutorTraining.attended,
          clinics: s.clinics.sessions,
          clinicPlaces: s.clinics.places,
          clinicAttended: s.clinics.attended,
          slaReviewed: s.sla.reviewed,
          slaMet: s.sla.met,
        })),
      };
    case 'themes':
      return {
        columns: columns(['scope', 'theme', 'keywords', 'comments']),
        rows: all.flatMap(({ scope, data }) =>
          data.themes.map((t) => ({
            scope,
            theme: t.theme,
            keywords: t.keywords.join(' '),
            comments: t.comments,
          })),
        ),
      };
    case 'actions':
      return {
        columns: columns(['scope', 'figure', 'value', 'threshold', 'action']),
        rows: all.flatMap(({ scope, data }) => data.actions.map((a) => ({ scope, ...a }))),
      };
  }
}
