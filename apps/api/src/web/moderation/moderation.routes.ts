/**
 * Moderation pages for hub staff and moderators (issue 6): the queue of sampled forms still to check, with
 * agreement rates per school and per term, and one form's check page where the moderator agrees or disagrees
 * with feedback, or returns the form to the school for amendment. The forms send the API's commands.
 */
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { In } from 'typeorm';
import { SchoolEntity } from '#read-models/schools/school-directory.projection.js';
import { AgreementRatesQueryDto } from '../../moderation/list-moderation-queue.query.dto.js';
import type {
  AgreementRate,
  ModerationForm,
  ModerationQueries,
} from '../../moderation/moderation-queries.js';
import { RecordModerationFindingCommand } from '../../moderation/record-moderation-finding/record-moderation-finding.handler.js';
import { RecordModerationFindingRequestDto } from '../../moderation/record-moderation-finding/record-moderation-finding.request.dto.js';
import { ReturnFormForAmendmentCommand } from '../../moderation/return-form-for-amendment/return-form-for-amendment.handler.js';
import { ReturnFormForAmendmentRequestDto } from '../../moderation/return-form-for-amendment/return-form-for-amendment.request.dto.js';
import { commandErrorMessages, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { MAX_PAGE_SIZE } from '../../http/pagination.js';
import { govukDate } from '../view-models/format.js';
import { pageHref, pageWithin, paginationLinks, requestedPage, showing } from '../view-models/pagination.js';
import type { WebServices } from '../web-services.js';

/** Forms to check a page (GOV.UK pagination, as the other long lists). */
export const PAGE_SIZE = 50;
const REASONS: Record<string, string> = {
  'not-on-track': 'Not on track',
  'fail-or-extend': 'Fail or extension recommended',
  unsatisfactory: 'Unsatisfactory progress',
  random: 'Random sample',
  'school-annual': 'School’s annual check',
};
const KINDS: Record<string, string> = {
  'progress-review': 'Progress review',
  'formal-assessment': 'Formal assessment',
};
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const nameOf = (f: ModerationForm) => [f.firstName, f.lastName].filter(Boolean).join(' ') || 'Name erased';
/** "2025-autumn" → "Autumn 2025/26". */
export const termName = (term: string) => {
  const [year, name] = term.split('-') as [string, string];
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${year}/${String((Number(year) + 1) % 100).padStart(2, '0')}`;
};
const percent = (rate: number | null) => (rate === null ? 'None checked' : `${Math.round(rate * 100)}%`);

export function moderationRoutes(services: WebServices, moderation: ModerationQueries): Router {
  const router = Router();
  const guard = requireRole('moderator', 'hub_staff');

  /** Every row of an agreement-rate table, a read-model page at a time (no silent cut-off at one page). */
  const everyRate = async (by: 'school' | 'term', filter: { term?: string; schoolUrn?: string }) => {
    const rows: AgreementRate[] = [];
    for (let page = 1; ; page += 1) {
      const got = await moderation.agreementRates(
        plainToInstance(AgreementRatesQueryDto, { ...filter, by, page, pageSize: MAX_PAGE_SIZE }),
      );
      rows.push(...got.items);
      if (page * MAX_PAGE_SIZE >= got.total) return rows;
    }
  };

  const schoolNames = async (urns: string[]) => {
    const schools = urns.length
      ? await services.dataSource.getRepository(SchoolEntity).find({ where: { urn: In([...new Set(urns)]) } })
      : [];
    return new Map(schools.map((s) => [s.urn, s.name]));
  };

  router.get('/moderation', guard, async (req, res) => {
    // Filters the page keeps in its page links; anything else in the query is ignored.
    const term = /^\d{4}-(autumn|spring|summer)$/.test(text(req.query['term']))
      ? text(req.query['term'])
      : undefined;
    const schoolUrn = /^\d{6}$/.test(text(req.query['schoolUrn'])) ? text(req.query['schoolUrn']) : undefined;
    const kind = KINDS[text(req.query['kind'])] ? text(req.query['kind']) : undefined;
    const filters = { term, schoolUrn, kind };
    const requested = requestedPage(req.query['page']);
    const toCheck = (page: number) =>
      moderation.queue({ ...filters, status: 'to-check', page, pageSize: PAGE_SIZE });
    const [first, bySchool, byTerm] = await Promise.all([
      toCheck(requested),
      everyRate('school', { term, schoolUrn }),
      everyRate('term', { term, schoolUrn }),
    ]);
    // A page past the end is the last page.
    const { page, pages } = pageWithin(requested, PAGE_SIZE, first.total);
    const queue = page === requested ? first : await toCheck(page);
    const names = await schoolNames([
      ...queue.items.map((f) => f.schoolUrn),
      ...bySchool.map((r) => r.schoolUrn ?? ''),
    ]);
    res.render('pages/moderation-queue', {
      pageTitle: 'Moderation',
      total: queue.total,
      filterText: [
        kind && KINDS[kind],
        term && `from ${termName(term)}`,
        schoolUrn && `from school URN ${schoolUrn}`,
      ]
        .filter(Boolean)
        .join(' ')
        .replace(/^(.+)$/, 'Only forms: $1'),
      showing: showing(page, PAGE_SIZE, queue.total, 'forms'),
      pagination: paginationLinks(page, pages, pageHref('/moderation', filters)),
      forms: queue.items.map((f) => ({
        id: f.formId,
        name: nameOf(f),
        school: names.get(f.schoolUrn) ?? `URN ${f.schoolUrn}`,
        kind: KINDS[f.kind] ?? f.kind,
        term: termName(f.term),
        submittedOn: f.submittedOn,
        reason: REASONS[f.reason] ?? f.reason,
      })),
      schoolRows: bySchool.map((r) => [
        { text: names.get(r.schoolUrn ?? '') ?? `URN ${r.schoolUrn}` },
        { text: String(r.checked), format: 'numeric' },
        { text: String(r.agreed), format: 'numeric' },
        { text: percent(r.rate), format: 'numeric' },
      ]),
      termRows: byTerm.map((r) => [
        { text: termName(r.term ?? '') },
        { text: String(r.checked), format: 'numeric' },
        { text: String(r.agreed), format: 'numeric' },
        { text: percent(r.rate), format: 'numeric' },
      ]),
    });
  });

  const checkPage = async (
    req: Request,
    res: Response,
    values: Record<string, string>,
    errors: FieldErrors,
    messages: string[] = [],
  ) => {
    const form = await moderation.form(String(req.params['id']));
    await services.accessLog.record(principalOf(req), [form.ectId], 'moderation-form', req);
    const names = await schoolNames([form.schoolUrn]);
    const data = form.form as Record<string, unknown>;
    const row = (key: string, value: unknown) =>
      value === null || value === undefined || value === ''
        ? []
        : [{ key: { text: key }, value: { text: String(value) } }];
    res.status(Object.keys(errors).length || messages.length ? 400 : 200).render('pages/moderation-check', {
      pageTitle: `Moderation check: ${KINDS[form.kind] ?? form.kind}`,
      backLink: '/moderation',
      caption: `${nameOf(form)}, ${names.get(form.schoolUrn) ?? `URN ${form.schoolUrn}`}`,
      kind: KINDS[form.kind] ?? form.kind,
      formId: form.formId,
      ectId: form.ectId,
      saved: req.query['saved'] === '1',
      rows: [
        ...row('Why it is in the sample', REASONS[form.reason] ?? form.reason),
        ...row('Term', termName(form.term)),
        ...row('Submitted', govukDate(form.submittedOn)),
        ...(form.kind === 'progress-review'
          ? [
              ...row('Review term', data['term']),
              ...row('On track', data['onTrack'] ? 'Yes' : 'No'),
              ...row('Strengths', data['strengths']),
              ...row('Areas for development', data['areasForDevelopment']),
              ...row('Support plan', data['supportPlan']),
            ]
          : [
              ...row('Assessment point', data['point'] === 'final' ? 'Final' : 'Year 1'),
              ...row('Recommendation', data['recommendation']),
              ...row('Evidence', data['evidence']),
            ]),
        ...row('ECT’s comment', data['ectComment']),
      ],
      finding: form.verdict
        ? [
            ...row(
              'Verdict',
              form.verdict === 'agree' ? 'Agree with the school' : 'Disagree with the school',
            ),
            ...row('Feedback', form.feedback),
            ...row('Checked', govukDate(form.checkedOn)),
          ]
        : null,
      returned: form.returned
        ? [...row('Reason', form.returnReason), ...row('Returned', govukDate(form.returnedOn))]
        : null,
      values: {
        ...values,
        key: values['key'] || randomUUID(),
        returnKey: values['returnKey'] || randomUUID(),
      },
      errors,
      errorList: [
        ...Object.entries(errors).map(([field, message]) => ({ text: message, href: `#${field}` })),
        ...messages.map((message) => ({ text: message, href: '#verdict' })),
      ],
    });
  };

  router.get('/moderation/checks/:id', guard, (req, res) => checkPage(req, res, {}, {}));

  router.post('/moderation/checks/:id', guard, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = {
      verdict: text(body['verdict']),
      feedback: text(body['feedback']),
      key: text(body['key']),
    };
    const errors: FieldErrors = {};
    if (values.verdict !== 'agree' && values.verdict !== 'disagree')
      errors['verdict'] = 'Select whether you agree with the school’s judgement';
    if (values.feedback === '') errors['feedback'] = 'Enter feedback for the school';
    else if (values.feedback.length > 10_000)
      errors['feedback'] = 'Feedback must be 10,000 characters or fewer';
    if (Object.keys(errors).length) return checkPage(req, res, values, errors);
    const request = plainToInstance(RecordModerationFindingRequestDto, {
      verdict: values.verdict,
      feedback: values.feedback,
    });
    return send(req, res, values, (id, context) => new RecordModerationFindingCommand(id, request, context));
  });

  router.post('/moderation/checks/:id/return', guard, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = { reason: text(body['reason']), returnKey: text(body['returnKey']) };
    if (values.reason === '')
      return checkPage(req, res, values, { reason: 'Enter what the school must amend' });
    if (values.reason.length > 10_000)
      return checkPage(req, res, values, { reason: 'Reason must be 10,000 characters or fewer' });
    const request = plainToInstance(ReturnFormForAmendmentRequestDto, { reason: values.reason });
    return send(req, res, values, (id, context) => new ReturnFormForAmendmentCommand(id, request, context));
  });

  async function send(
    req: Request,
    res: Response,
    values: Record<string, string>,
    command: (id: string, context: Parameters<Parameters<WebServices['execute']>[1]>[0]) => object,
  ) {
    const id = String(req.params['id']);
    try {
      const key = values['key'] ?? values['returnKey'];
      await services.execute(principalOf(req), (context) => command(id, context), key || undefined);
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      // A refused command must not block a corrected retry: the next attempt gets fresh keys.
      return checkPage(req, res, { ...values, key: '', returnKey: '' }, {}, messages);
    }
    res.redirect(303, `/moderation/checks/${id}?saved=1`);
  }

  return router;
}
