/**
 * The annual survey's pages (issue 8). Public: the form a head or induction tutor reaches by their personal
 * link (no account; the link expires), GOV.UK form pattern with an error summary and a confirmation panel.
 * Hub staff: the survey's admin page (define with the standard questions, invite, who has responded, remind)
 * and the report page with its SVG charts, tables, and the PDF and CSV downloads.
 */
import { Router, type Request } from 'express';
import type { Answer, SurveyQuestion } from '#induction/survey/annual-survey.decider.js';
import { STANDARD_SURVEY_QUESTIONS } from '#induction/survey/standard-questions.js';
import {
  buildAnnualSurveyReport,
  type AnnualSurveyReport,
  type ReportScope,
} from '#read-models/survey/annual-survey-report.js';
import { toCsv } from '../../http/csv.js';
import { chartSvg, reportCharts } from '../../reports/annual-survey-charts.js';
import { annualSurveyPdf } from '../../reports/annual-survey-pdf.js';
import {
  REPORT_TABLES,
  reportTable,
  serviceRows,
  type ReportTable,
} from '../../reports/annual-survey-tables.js';
import { surveyLinkPath, tokenHash } from '../../surveys/survey-links.js';
import {
  DefineSurveyCommand,
  InviteRespondentsCommand,
  SubmitSurveyResponseCommand,
} from '../../surveys/survey.handlers.js';
import { listRespondents, respondentContext } from '../../surveys/surveys.http-controller.js';
import { SURVEY_JOB_NAMES } from '../../../../worker/src/jobs/survey-jobs.js';
import { QUEUES } from '../../../../worker/src/jobs/queues.js';
import { jobIdOf, type JobQueue } from '#jobs/job-queue.port.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { pageHref, pageWithin, paginationLinks, requestedPage, showing } from '../view-models/pagination.js';
import type { WebServices } from '../web-services.js';

/** Invitations a page on the survey's admin page (GOV.UK pagination, as the other long lists). */
const RESPONDENTS_PAGE_SIZE = 50;

const RATING_LABELS = ['1 (poor)', '2', '3', '4', '5 (excellent)'];
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const YEAR = /^\d{4}$/;

interface InvitationLookup {
  year: number;
  school_urn: string;
  school_name: string | null;
  role: string;
  expires_on: string;
  responded_on: string | null;
  title: string;
  opens_on: string;
  closes_on: string;
  questions: SurveyQuestion[];
}

async function invitationFor(services: WebServices, token: string): Promise<InvitationLookup | null> {
  if (!TOKEN.test(token)) return null;
  const [row] = (await services.dataSource.query(
    `SELECT i.year, i.school_urn, s.name AS school_name, i.role, i.expires_on, i.responded_on,
            d.title, d.opens_on, d.closes_on, d.questions
       FROM survey_invitations i JOIN survey_definitions d ON d.year = i.year LEFT JOIN schools s ON s.urn = i.school_urn
      WHERE i.token_hash = $1`,
    [tokenHash(token)],
  )) as InvitationLookup[];
  return row ?? null;
}

/** Form fields to answers, one message per unanswered or invalid question (GOV.UK error pattern). */
export function readAnswers(
  questions: readonly SurveyQuestion[],
  body: Record<string, unknown>,
): { answers: Record<string, Answer>; errors: FieldErrors } {
  const answers: Record<string, Answer> = {};
  const errors: FieldErrors = {};
  for (const q of questions) {
    const raw = body[`q-${q.id}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (q.kind === 'rating') {
      if (/^[1-5]$/.test(value)) answers[q.id] = Number(value);
      else errors[`q-${q.id}`] = `Select a rating for: ${q.text}`;
    } else if (q.kind === 'yes-no') {
      if (value === 'yes' || value === 'no') answers[q.id] = value === 'yes';
      else errors[`q-${q.id}`] = `Select yes or no for: ${q.text}`;
    } else if (value.length > 2000) errors[`q-${q.id}`] = 'Your answer must be 2,000 characters or fewer';
    else if (value !== '') answers[q.id] = value;
  }
  return { answers, errors };
}

function formFields(
  questions: readonly SurveyQuestion[],
  body: Record<string, unknown>,
  errors: FieldErrors,
) {
  return questions.map((q) => {
    const name = `q-${q.id}`;
    const value = typeof body[name] === 'string' ? (body[name] as string) : '';
    const items =
      q.kind === 'rating'
        ? RATING_LABELS.map((text, i) => ({ value: String(i + 1), text, checked: value === String(i + 1) }))
        : q.kind === 'yes-no'
          ? [
              { value: 'yes', text: 'Yes', checked: value === 'yes' },
              { value: 'no', text: 'No', checked: value === 'no' },
            ]
          : [];
    return { name, text: q.text, kind: q.kind, value, items, error: errors[name] };
  });
}

const roleName = (role: string) => (role === 'head' ? 'headteacher' : 'induction tutor');

export function surveyRoutes(services: WebServices, jobs: JobQueue): Router {
  const router = Router();

  // ---- public: the personal link ---------------------------------------------------------------------------
  const linkRefused = (res: Parameters<Parameters<Router['get']>[1]>[1], reason: string) =>
    res
      .status(404)
      .render('pages/survey-link-refused', { pageTitle: 'This survey link cannot be used', reason });

  router.get('/survey/:token', async (req, res) => {
    const invitation = await invitationFor(services, String(req.params['token'] ?? ''));
    if (!invitation)
      return linkRefused(res, 'The link is not valid. Check you copied all of it from the email.');
    const today = services.today();
    if (invitation.responded_on)
      return linkRefused(res, 'A response has already been sent with this link. Thank you.');
    if (today > invitation.expires_on || today > invitation.closes_on)
      return linkRefused(res, 'The link has expired and the survey is closed.');
    if (today < invitation.opens_on) return linkRefused(res, `The survey opens on ${invitation.opens_on}.`);
    return res.render('pages/survey-response', {
      pageTitle: invitation.title,
      invitation,
      roleName: roleName(invitation.role),
      action: surveyLinkPath(String(req.params['token'])),
      fields: formFields(invitation.questions, {}, {}),
    });
  });

  router.post('/survey/:token', async (req, res, next) => {
    const token = String(req.params['token'] ?? '');
    const invitation = await invitationFor(services, token);
    if (!invitation)
      return linkRefused(res, 'The link is not valid. Check you copied all of it from the email.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { answers, errors } = readAnswers(invitation.questions, body);
    const render = (fieldErrors: FieldErrors, extra: string[] = []) =>
      res.status(400).render('pages/survey-response', {
        pageTitle: invitation.title,
        invitation,
        roleName: roleName(invitation.role),
        action: surveyLinkPath(token),
        fields: formFields(invitation.questions, body, fieldErrors),
        errorList: [...errorSummary(fieldErrors), ...extra.map((text) => ({ text, href: '#survey-form' }))],
      });
    if (Object.keys(errors).length > 0) return render(errors);
    try {
      // Waits for the read models, so opening the link again shows that the response has been sent.
      await services.execute(
        respondentContext(token).principal,
        (context) => new SubmitSurveyResponseCommand(invitation.year, { token, answers }, context),
        `web-${tokenHash(token).slice(0, 24)}`,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (messages) return render({}, messages);
      return next(error);
    }
    return res.render('pages/survey-response-confirmation', {
      pageTitle: 'Survey response sent',
      invitation,
    });
  });

  // ---- hub staff: the survey ---------------------------------------------------------------------------------
  /** This academic year's survey: years run from 1 September (R1). */
  router.get('/surveys', requireRole('hub_staff'), (_req, res) => {
    const [year, month] = services.today().split('-').map(Number) as [number, number];
    res.redirect(303, `/surveys/${month >= 9 ? year : year - 1}`);
  });

  router.get('/surveys/:year', requireRole('hub_staff'), async (req, res) => {
    const year = String(req.params['year'] ?? '');
    if (!YEAR.test(year)) return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const [survey] = (await services.dataSource.query(`SELECT * FROM survey_definitions WHERE year = $1`, [
      Number(year),
    ])) as {
      title: string;
      opens_on: string;
      closes_on: string;
      questions: SurveyQuestion[];
    }[];
    // Both counted by the read model; the table pages through every invitation (it stopped at 500).
    const requested = requestedPage(req.query['page']);
    const load = (page: number) =>
      listRespondents(services.dataSource, Number(year), {
        skip: (page - 1) * RESPONDENTS_PAGE_SIZE,
        take: RESPONDENTS_PAGE_SIZE,
      });
    const first = survey ? await load(requested) : null;
    const { page, pages } = pageWithin(requested, RESPONDENTS_PAGE_SIZE, first?.total ?? 0);
    const respondents = first && page !== requested ? await load(page) : first;
    const responded = survey
      ? (await listRespondents(services.dataSource, Number(year), { skip: 0, take: 1, responded: true }))
          .total
      : 0;
    return res.render('pages/survey-admin', {
      pageTitle: `Annual survey ${year}`,
      activeNav: 'schools',
      year,
      survey,
      respondents,
      responded,
      respondentsShowing: showing(page, RESPONDENTS_PAGE_SIZE, respondents?.total ?? 0, 'invitations'),
      respondentsPagination: paginationLinks(page, pages, pageHref(`/surveys/${year}`, {})),
      standardQuestions: STANDARD_SURVEY_QUESTIONS,
      notice: typeof req.query['done'] === 'string' ? req.query['done'] : null,
    });
  });

  router.post('/surveys/:year/define', requireRole('hub_staff'), async (req, res, next) => {
    const year = Number(req.params['year']);
    const body = (req.body ?? {}) as Record<string, string>;
    try {
      await services.execute(
        principalOf(req),
        (context) =>
          new DefineSurveyCommand(
            year,
            {
              title:
                body['title'] ||
                `Annual survey to schools ${year}/${String((year + 1) % 100).padStart(2, '0')}`,
              opensOn: body['opensOn'] ?? '',
              closesOn: body['closesOn'] ?? '',
              questions: STANDARD_SURVEY_QUESTIONS,
            },
            context,
          ),
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) return next(error);
      return res.status(400).render('pages/survey-admin', {
        pageTitle: `Annual survey ${year}`,
        year: String(year),
        survey: null,
        standardQuestions: STANDARD_SURVEY_QUESTIONS,
        values: body,
        errorList: messages.map((text) => ({ text, href: '#opensOn' })),
      });
    }
    return res.redirect(303, `/surveys/${year}?done=defined`);
  });

  router.post('/surveys/:year/invite', requireRole('hub_staff'), async (req, res, next) => {
    const year = Number(req.params['year']);
    try {
      await services.execute(principalOf(req), (context) => new InviteRespondentsCommand(year, {}, context));
    } catch (error) {
      return next(error);
    }
    return res.redirect(303, `/surveys/${year}?done=invited`);
  });

  router.post('/surveys/:year/remind', requireRole('hub_staff'), async (req, res) => {
    const year = Number(req.params['year']);
    const today = services.today();
    await jobs.enqueue(
      QUEUES.long,
      SURVEY_JOB_NAMES.reminders,
      { year, today },
      {
        jobId: jobIdOf('survey-reminders', String(year), today),
        attempts: 3,
        backoffMs: 2000,
      },
    );
    return res.redirect(303, `/surveys/${year}?done=reminded`);
  });

  // ---- hub staff: the report ---------------------------------------------------------------------------------
  const reportFor = async (req: Request): Promise<AnnualSurveyReport | null> => {
    const year = String(req.params['year'] ?? '');
    if (!YEAR.test(year)) return null;
    return buildAnnualSurveyReport(services.dataSource, Number(year), services.today());
  };

  router.get('/reports/annual-survey/:year', requireRole('hub_staff'), async (req, res) => {
    const report = await reportFor(req);
    if (!report) return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const urn = typeof req.query['school'] === 'string' ? req.query['school'] : '';
    const school = report.schools.find((s) => s.schoolUrn === urn) ?? null;
    const scope: ReportScope = school ?? report.ab;
    const charts = await Promise.all(
      reportCharts(scope).map(async (chart) => ({
        ...chart,
        src: `data:image/svg+xml;base64,${Buffer.from(await chartSvg(chart)).toString('base64')}`,
      })),
    );
    return res.render('pages/survey-report', {
      pageTitle: `${report.title}: report`,
      report,
      school,
      scope,
      charts,
      service: serviceRows(scope),
      tables: REPORT_TABLES,
      schools: report.schools.map((s) => ({
        value: s.schoolUrn,
        text: `${s.schoolName} (${s.schoolUrn})`,
        selected: s.schoolUrn === urn,
      })),
    });
  });

  router.get('/reports/annual-survey/:year/report.pdf', requireRole('hub_staff'), async (req, res) => {
    const report = await reportFor(req);
    if (!report) return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const urn = typeof req.query['school'] === 'string' ? req.query['school'] : undefined;
    const pdf = await annualSurveyPdf(
      urn ? { ...report, schools: report.schools.filter((s) => s.schoolUrn === urn) } : report,
    );
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="annual-survey-${report.year}.pdf"`);
    return res.end(pdf);
  });

  router.get('/reports/annual-survey/:year/:table.csv', requireRole('hub_staff'), async (req, res) => {
    const table = String(req.params['table'] ?? '');
    const report = await reportFor(req);
    if (!report || !(REPORT_TABLES as readonly string[]).includes(table))
      return res.status(404).render('pages/not-found', { pageTitle: 'Page not found' });
    const csv = reportTable(report, table as ReportTable);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="annual-survey-${report.year}-${table}.csv"`);
    return res.send(toCsv(csv.columns, csv.rows));
  });

  return router;
}
