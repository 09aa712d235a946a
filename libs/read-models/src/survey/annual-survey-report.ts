/**
 * The annual survey report (issue 8) for one academic year, for the whole AB and for each school: response
 * rate, each question's distribution and mean with the change from last year, free-text themes, the school's
 * service figures read from the projections' tables, and suggested actions tied to the figure that triggered
 * them. Figures from read models another slice owns (early help, moderation, training attendance) are read
 * when their tables exist and shown as not available (null) otherwise: never invented.
 */
import { INDUCTION_STATUSES } from '#induction/induction/induction-summary.js';
import type { DataSource, EntityManager } from 'typeorm';
import {
  academicYearLabel,
  type Answer,
  type SurveyQuestion,
} from '#induction/survey/annual-survey.decider.js';
import {
  countThemes,
  suggestActions,
  summariseQuestion,
  yearOnYearChange,
  type QuestionSummary,
  type SuggestedAction,
  type ThemeCount,
} from '#induction/survey/survey-report-rules.js';
import { EntitlementEntity, entitlementsOn } from '../entitlements/entitlement-view.projection.js';

export interface QuestionResult extends QuestionSummary {
  id: string;
  text: string;
  kind: SurveyQuestion['kind'];
  previousMean: number | null;
  change: number | null;
}

export interface ServiceFigures {
  ectsByStatus: Record<string, number>;
  outcomes: { passed: number; failed: number; extended: number };
  reviews: { due: number; submitted: number };
  assessments: { recorded: number; onTime: number };
  entitlements: { ects: number; allMet: number };
  /** ECTs with at least one early-help cause; null when the early-help read model is not there. */
  earlyHelpCases: number | null;
  /** Moderated forms and those where the moderator agreed; null when not available. */
  moderation: { checked: number; agreed: number } | null;
  /** ECT attendance at the hub's training programme this year; null when not available. */
  trainingAttendance: { recorded: number; attended: number } | null;
  /** Induction-tutor training and drop-in clinics this year: places booked and attended. */
  tutorTraining: { sessions: number; places: number; attended: number };
  clinics: { sessions: number; places: number; attended: number };
  sla: { reviewed: number; met: number };
}

export interface ReportScope {
  invited: number;
  responded: number;
  responseRate: number | null;
  questions: QuestionResult[];
  themes: ThemeCount[];
  service: ServiceFigures;
  actions: SuggestedAction[];
}

export interface SchoolReport extends ReportScope {
  schoolUrn: string;
  schoolName: string;
}

export interface AnnualSurveyReport {
  year: number;
  academicYear: string;
  title: string;
  opensOn: string;
  closesOn: string;
  /** Service figures are as at this date (the day the report was generated, or the year's end if earlier). */
  asAt: string;
  available: { earlyHelp: boolean; moderation: boolean; trainingAttendance: boolean };
  ab: ReportScope;
  schools: SchoolReport[];
}

export type ReportProgress = (done: number, of: number, stage: string) => Promise<void> | void;

type Db = DataSource | EntityManager;
const AB = '*';
const share = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

async function tableExists(db: Db, table: string): Promise<boolean> {
  const [row] = (await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table])) as {
    present: boolean;
  }[];
  return row?.present === true;
}

/** Adds a row's count to its school and to the AB total. */
function tally<T>(map: Map<string, T>, urn: string | null, make: () => T, add: (t: T) => void): void {
  for (const key of urn === null ? [AB] : [urn, AB]) {
    let value = map.get(key);
    if (value === undefined) map.set(key, (value = make()));
    add(value);
  }
}

const emptyService = (): ServiceFigures => ({
  ectsByStatus: Object.fromEntries(INDUCTION_STATUSES.map((s) => [s, 0])),
  outcomes: { passed: 0, failed: 0, extended: 0 },
  reviews: { due: 0, submitted: 0 },
  assessments: { recorded: 0, onTime: 0 },
  entitlements: { ects: 0, allMet: 0 },
  earlyHelpCases: null,
  moderation: null,
  trainingAttendance: null,
  tutorTraining: { sessions: 0, places: 0, attended: 0 },
  clinics: { sessions: 0, places: 0, attended: 0 },
  sla: { reviewed: 0, met: 0 },
});

/** The status of `GET /ects/:id`, as SQL over the register's time-independent columns (ect-queries.ts). */
const STATUS_SQL = `CASE
  WHEN e.phase = 'open' AND e.paused THEN 'paused'
  WHEN e.phase = 'open' AND e.start_date > $1::date THEN 'registered'
  WHEN e.phase = 'open' AND e.extended THEN 'extended'
  WHEN e.phase = 'open' THEN 'in-progress'
  ELSE e.phase END`;

export async function buildAnnualSurveyReport(
  db: Db,
  year: number,
  today: string,
  onProgress: ReportProgress = () => undefined,
): Promise<AnnualSurveyReport | null> {
  const [definition] = (await db.query(
    `SELECT title, opens_on, closes_on, questions FROM survey_definitions WHERE year = $1`,
    [year],
  )) as { title: string; opens_on: string; closes_on: string; questions: SurveyQuestion[] }[];
  if (!definition) return null;
  const yearEnd = `${year + 1}-08-31`;
  const asAt = today < yearEnd ? today : yearEnd;
  const stages = 6;
  await onProgress(0, stages, 'survey responses');

  const schools = (await db.query(`SELECT urn, name FROM schools ORDER BY name, urn`)) as {
    urn: string;
    name: string;
  }[];
  const invitations = (await db.query(
    `SELECT school_urn, count(*)::int AS invited, count(responded_on)::int AS responded
       FROM survey_invitations WHERE year = $1 GROUP BY school_urn`,
    [year],
  )) as { school_urn: string; invited: number; responded: number }[];
  const responses = (await db.query(
    `SELECT school_urn, answers FROM survey_responses WHERE year = $1 ORDER BY invitation_id`,
    [year],
  )) as { school_urn: string; answers: Record<string, Answer> }[];
  const previous = await previousMeans(db, year - 1);

  const service = new Map<string, ServiceFigures>();
  const figures = (urn: string | null, add: (s: ServiceFigures) => void) =>
    tally(service, urn, emptyService, add);
  await onProgress(1, stages, 'ECTs and outcomes');

  const statusRows = (await db.query(
    `SELECT e.school_urn, ${STATUS_SQL} AS status, count(*)::int AS n FROM ects e
      WHERE e.phase <> 'unregistered' GROUP BY 1, 2`,
    [asAt],
  )) as { school_urn: string | null; status: string; n: number }[];
  for (const row of statusRows)
    figures(row.school_urn, (s) => {
      s.ectsByStatus[row.status] = (s.ectsByStatus[row.status] ?? 0) + row.n;
      if (row.status === 'passed') s.outcomes.passed += row.n;
      if (row.status === 'failed') s.outcomes.failed += row.n;
    });
  const extendedRows = (await db.query(
    `SELECT school_urn, count(*)::int AS n FROM ects WHERE extended GROUP BY school_urn`,
  )) as { school_urn: string | null; n: number }[];
  for (const row of extendedRows) figures(row.school_urn, (s) => (s.outcomes.extended += row.n));

  const assessmentRows = (await db.query(
    `SELECT e.school_urn, count(*)::int AS recorded,
            count(*) FILTER (WHERE NOT coalesce((a->>'late')::boolean, false))::int AS on_time
       FROM ects e, jsonb_array_elements(e.state->'assessments') a
      WHERE a->>'assessedOn' <= $1 GROUP BY e.school_urn`,
    [asAt],
  )) as { school_urn: string | null; recorded: number; on_time: number }[];
  for (const row of assessmentRows)
    figures(row.school_urn, (s) => {
      s.assessments.recorded += row.recorded;
      s.assessments.onTime += row.on_time;
    });
  await onProgress(2, stages, 'reviews and entitlements');

  const reviewRows = (await db.query(
    `SELECT v.school_urn, count(*)::int AS due, count(*) FILTER (WHERE (r->>'submitted')::boolean)::int AS submitted
       FROM entitlement_view v, jsonb_array_elements(v.reviews) r
      WHERE r->>'dueBy' <= $1 GROUP BY v.school_urn`,
    [asAt],
  )) as { school_urn: string | null; due: number; submitted: number }[];
  for (const row of reviewRows)
    figures(row.school_urn, (s) => {
      s.reviews.due += row.due;
      s.reviews.submitted += row.submitted;
    });
  const openEcts = await db
    .getRepository(EntitlementEntity)
    .createQueryBuilder('e')
    // Everything `entitlementsOn` reads, without the folded state (the widest column by far).
    .select(['e.ectId', 'e.schoolUrn', 'e.phase', 'e.checks', 'e.reviews', 'e.lastReview', 'e.registered'])
    .addSelect(['e.yearTwoFrom', 'e.timetables'])
    .where("e.phase IN ('open', 'awaiting-decision')")
    .getMany();
  for (const row of openEcts) {
    const allMet = entitlementsOn(row, asAt).every((c) => c.status === 'met');
    figures(row.schoolUrn, (s) => {
      s.entitlements.ects += 1;
      if (allMet) s.entitlements.allMet += 1;
    });
  }
  await onProgress(3, stages, 'early help, moderation and training');

  const available = {
    earlyHelp: await tableExists(db, 'early_help_cases'),
    moderation: await tableExists(db, 'moderation_forms'),
    trainingAttendance: await tableExists(db, 'training_attendance'),
  };
  const allKeys = () => [AB, ...schools.map((s) => s.urn)];
  if (available.earlyHelp) {
    for (const key of allKeys()) figures(key === AB ? null : key, (s) => (s.earlyHelpCases ??= 0));
    const rows = (await db.query(
      `SELECT school_urn, count(*)::int AS n FROM early_help_cases
        WHERE jsonb_array_length(causes) > 0 GROUP BY school_urn`,
    )) as { school_urn: string | null; n: number }[];
    for (const row of rows)
      figures(row.school_urn, (s) => (s.earlyHelpCases = (s.earlyHelpCases ?? 0) + row.n));
  }
  if (available.moderation) {
    for (const key of allKeys())
      figures(key === AB ? null : key, (s) => (s.moderation ??= { checked: 0, agreed: 0 }));
    const rows = (await db.query(
      `SELECT school_urn, count(*)::int AS checked, count(*) FILTER (WHERE verdict = 'agree')::int AS agreed
         FROM moderation_forms WHERE academic_year = $1 AND verdict IS NOT NULL GROUP BY school_urn`,
      [year],
    )) as { school_urn: string | null; checked: number; agreed: number }[];
    for (const row of rows)
      figures(row.school_urn, (s) => {
        s.moderation!.checked += row.checked;
        s.moderation!.agreed += row.agreed;
      });
  }
  if (available.trainingAttendance) {
    for (const key of allKeys())
      figures(key === AB ? null : key, (s) => (s.trainingAttendance ??= { recorded: 0, attended: 0 }));
    const rows = (await db.query(
      `SELECT e.school_urn, count(*)::int AS recorded, count(*) FILTER (WHERE t.attended)::int AS attended
         FROM training_attendance t JOIN ects e ON e.id::text = t.participant_id
        WHERE t.academic_year = $1 AND t.role = 'ect' GROUP BY e.school_urn`,
      [year],
    )) as { school_urn: string | null; recorded: number; attended: number }[];
    for (const row of rows)
      figures(row.school_urn, (s) => {
        s.trainingAttendance!.recorded += row.recorded;
        s.trainingAttendance!.attended += row.attended;
      });
  }
  await onProgress(4, stages, 'service record');

  const sessionRows = (await db.query(
    `SELECT school_urn, kind, count(*)::int AS sessions, sum(places)::int AS places,
            coalesce(sum(attended), 0)::int AS attended
       FROM service_sessions WHERE held_on BETWEEN $1 AND $2 GROUP BY school_urn, kind`,
    [`${year}-09-01`, yearEnd],
  )) as { school_urn: string; kind: string; sessions: number; places: number; attended: number }[];
  for (const row of sessionRows)
    figures(row.school_urn, (s) => {
      const target = row.kind === 'clinic' ? s.clinics : s.tutorTraining;
      target.sessions += row.sessions;
      target.places += row.places;
      target.attended += row.attended;
    });
  const slaRows = (await db.query(
    `SELECT school_urn, count(*)::int AS reviewed, count(*) FILTER (WHERE met)::int AS met
       FROM service_sla_reviews WHERE year = $1 GROUP BY school_urn`,
    [year],
  )) as { school_urn: string; reviewed: number; met: number }[];
  for (const row of slaRows)
    figures(row.school_urn, (s) => {
      s.sla.reviewed += row.reviewed;
      s.sla.met += row.met;
    });
  await onProgress(5, stages, 'questions, themes and actions');

  // Grouped once: filtering the whole list for each school was O(schools × responses) (issue 9).
  const invitationsBySchool = groupBy(invitations, (i) => i.school_urn);
  const responsesBySchool = groupBy(responses, (r) => r.school_urn);
  const scope = (urn: string | null): ReportScope => {
    const key = urn ?? AB;
    const inv = urn === null ? invitations : (invitationsBySchool.get(urn) ?? []);
    const invited = inv.reduce((n, i) => n + i.invited, 0);
    const responded = inv.reduce((n, i) => n + i.responded, 0);
    const answersOf = urn === null ? responses : (responsesBySchool.get(urn) ?? []);
    const questions = definition.questions.map((q): QuestionResult => {
      const summary = summariseQuestion(
        q.kind,
        answersOf.map((r) => r.answers[q.id]).filter((a): a is Answer => a !== undefined),
      );
      const before = previous.get(`${key}|${q.id}`) ?? null;
      return {
        id: q.id,
        text: q.text,
        kind: q.kind,
        ...summary,
        previousMean: before,
        change: yearOnYearChange(summary.mean, before),
      };
    });
    const comments = answersOf.flatMap((r) =>
      definition.questions
        .filter((q) => q.kind === 'free-text')
        .map((q) => r.answers[q.id])
        .filter((a): a is string => typeof a === 'string' && a !== ''),
    );
    const s = service.get(key) ?? emptyService();
    const lowest = questions
      .filter((q) => q.kind === 'rating' && q.mean !== null)
      .sort((a, b) => a.mean! - b.mean!)[0];
    const sessions = s.tutorTraining.places + s.clinics.places;
    const responseRate = share(responded, invited);
    const actions = suggestActions({
      responseRate,
      reviewsOnTime: share(s.reviews.submitted, s.reviews.due),
      assessmentsOnTime: share(s.assessments.onTime, s.assessments.recorded),
      entitlementsMet: share(s.entitlements.allMet, s.entitlements.ects),
      earlyHelpCases: urn === null ? null : s.earlyHelpCases,
      moderationAgreement: s.moderation ? share(s.moderation.agreed, s.moderation.checked) : null,
      trainingAttendance: share(s.tutorTraining.attended + s.clinics.attended, sessions),
      slaCommitmentsMet: share(s.sla.met, s.sla.reviewed),
      lowestRating: lowest ? { question: lowest.text, mean: lowest.mean! } : null,
    });
    return {
      invited,
      responded,
      responseRate,
      questions,
      themes: countThemes(comments),
      service: s,
      actions,
    };
  };

  const report: AnnualSurveyReport = {
    year,
    academicYear: academicYearLabel(year),
    title: definition.title,
    opensOn: definition.opens_on,
    closesOn: definition.closes_on,
    asAt,
    available,
    ab: scope(null),
    schools: schools.map((school) => ({
      schoolUrn: school.urn,
      schoolName: school.name,
      ...scope(school.urn),
    })),
  };
  await onProgress(stages, stages, 'done');
  return report;
}

/** Last year's mean per (scope, question id), for the year-on-year change. */
async function previousMeans(db: Db, year: number): Promise<Map<string, number | null>> {
  const [definition] = (await db.query(`SELECT questions FROM survey_definitions WHERE year = $1`, [
    year,
  ])) as {
    questions: SurveyQuestion[];
  }[];
  const result = new Map<string, number | null>();
  if (!definition) return result;
  const rows = (await db.query(`SELECT school_urn, answers FROM survey_responses WHERE year = $1`, [
    year,
  ])) as {
    school_urn: string;
    answers: Record<string, Answer>;
  }[];
  const bySchool = groupBy(rows, (row) => row.school_urn);
  const scopes: [string, typeof rows][] = [[AB, rows], ...bySchool.entries()];
  for (const [key, scopeRows] of scopes)
    for (const q of definition.questions) {
      if (q.kind === 'free-text') continue;
      const answers = scopeRows.map((r) => r.answers[q.id]).filter((a): a is Answer => a !== undefined);
      result.set(`${key}|${q.id}`, summariseQuestion(q.kind, answers).mean);
    }
  return result;
}

/** The items by key, each group in the items' order. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
