/**
 * Hub staff's early-help pages (issue 6): the queue of open cases, oldest first, and a case page with its
 * causes, what the hub did, and the form to record an action or close the case. The form sends the API's
 * RecordCaseActionCommand; the class-validator DTO and the case decider decide what is valid.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Router, type Request, type Response } from 'express';
import { EarlyHelpQueries } from '../../early-help/early-help-queries.js';
import { EARLY_HELP_CAUSES, type ListEarlyHelpQueryDto } from '../../early-help/list-early-help.query.dto.js';
import { RecordCaseActionCommand } from '../../early-help/record-case-action/record-case-action.handler.js';
import {
  CASE_ACTIONS,
  RecordCaseActionRequestDto,
} from '../../early-help/record-case-action/record-case-action.request.dto.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { WebServices } from '../web-services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 25;

export const CAUSE_NAMES: Record<(typeof EARLY_HELP_CAUSES)[number], string> = {
  'not-on-track': 'Not on track at the last progress review',
  'not-on-track-twice': 'Not on track at two reviews running',
  'year-1-unsatisfactory': 'Year 1 assessment unsatisfactory',
  'review-overdue': 'Progress review overdue',
  'report-overdue': 'Assessment report overdue',
  'absence-warning': 'Absence reaching 20 days this year',
  'absence-threshold': 'Absence of 30 days or more this year',
  'no-mentor': 'No mentor',
  'no-induction-tutor': 'No induction tutor',
  'mentor-is-tutor': 'Mentor is also the induction tutor',
  'timetable-over-limit': 'Timetable over the limit',
  'fidelity-check-missing': 'School-led programme without a fidelity check',
  'late-registration': 'Registered after the start date',
  'low-attendance': 'Poor training attendance',
};
const ACTION_NAMES: Record<(typeof CASE_ACTIONS)[number], string> = {
  call: 'Called the school',
  email: 'Emailed the school',
  visit: 'Visited the school',
  meeting: 'Met the school',
  letter: 'Wrote to the school',
  'support-plan': 'Agreed a support plan',
  note: 'Something else',
  closed: 'Close the case',
};

const STATUS_TAGS = {
  open: { text: 'Open', classes: 'govuk-tag--orange' },
  resolved: { text: 'Closed', classes: 'govuk-tag--green' },
  none: { text: 'No case', classes: 'govuk-tag--grey' },
} as const;

const causeName = (cause: string) => CAUSE_NAMES[cause as keyof typeof CAUSE_NAMES] ?? cause;
const actionName = (kind: string) => ACTION_NAMES[kind as keyof typeof ACTION_NAMES] ?? kind;

interface ActionForm {
  kind: string;
  note: string;
  day: string;
  month: string;
  year: string;
}

/** Checks the form in the words the page shows; the DTO and decider check again behind it. */
function validate(form: ActionForm, today: string): { errors: FieldErrors; dueBy?: string } {
  const errors: FieldErrors = {};
  if (!(CASE_ACTIONS as readonly string[]).includes(form.kind)) errors['kind'] = 'Select what the hub did';
  if (form.note.trim() === '')
    errors['note'] =
      form.kind === 'closed' ? 'Enter the reason for closing the case' : 'Enter a note of what was done';
  else if (form.note.length > 5000) errors['note'] = 'The note must be 5000 characters or fewer';
  let dueBy: string | undefined;
  if (form.day || form.month || form.year) {
    const [d, m, y] = [form.day, form.month, form.year].map((v) => Number(v.trim()));
    const date = new Date(Date.UTC(y!, m! - 1, d!));
    const real =
      Number.isInteger(d) &&
      Number.isInteger(m) &&
      Number.isInteger(y) &&
      date.getUTCFullYear() === y &&
      date.getUTCMonth() === m! - 1 &&
      date.getUTCDate() === d;
    if (!real) errors['dueBy'] = 'Next action by must be a real date';
    else {
      dueBy = date.toISOString().slice(0, 10);
      if (dueBy < today) errors['dueBy'] = 'Next action by must be today or in the future';
    }
  }
  return { errors, dueBy };
}

export function earlyHelpRoutes(services: WebServices, app: INestApplicationContext): Router {
  const router = Router();
  const queries = app.get(EarlyHelpQueries);

  router.get('/early-help', requireRole('hub_staff'), async (req, res) => {
    const cause = EARLY_HELP_CAUSES.find((c) => c === req.query['cause']);
    const page = Math.max(1, Number.parseInt(String(req.query['page'] ?? '1'), 10) || 1);
    const query: ListEarlyHelpQueryDto = { page, pageSize: PAGE_SIZE, ...(cause ? { cause } : {}) };
    const result = await queries.list(query);
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const link = (p: number) =>
      `/early-help?${new URLSearchParams({ ...(cause ? { cause } : {}), page: String(p) })}`;
    res.render('pages/early-help-queue', {
      pageTitle: 'Early help',
      activeNav: 'early-help',
      total: result.total,
      cases: result.items.map((c) => ({
        ...c,
        name: c.ectName ?? 'Name erased',
        causes: c.openCauses.map((x) => causeName(x.cause)),
      })),
      causeItems: [
        { value: '', text: 'All causes' },
        ...EARLY_HELP_CAUSES.map((c) => ({ value: c, text: CAUSE_NAMES[c], selected: c === cause })),
      ],
      pagination: {
        previous: page > 1 ? { href: link(page - 1) } : undefined,
        next: page < pages ? { href: link(page + 1) } : undefined,
      },
      page,
      pages,
    });
  });

  const renderCase = async (
    req: Request,
    res: Response,
    form: ActionForm = { kind: '', note: '', day: '', month: '', year: '' },
    errors: FieldErrors = {},
    status = 200,
  ) => {
    const id = String(req.params['id']);
    if (!UUID.test(id)) throw new NotFoundException();
    const detail = await queries.get(id);
    res.status(status).render('pages/early-help-case', {
      pageTitle: `Early help: ${detail.ectName ?? 'Name erased'}`,
      activeNav: 'early-help',
      c: detail,
      statusText: STATUS_TAGS[detail.status].text,
      statusClass: STATUS_TAGS[detail.status].classes,
      name: detail.ectName ?? 'Name erased',
      causes: detail.causes.map((x) => ({ ...x, name: causeName(x.cause) })),
      actions: detail.actions.map((a) => ({ ...a, name: actionName(a.kind) })),
      recorded: req.query['recorded'] === '1',
      form,
      errors,
      errorList: errorSummary(errors, ['dueBy']),
      idempotencyKey: randomUUID(),
      kindItems: CASE_ACTIONS.map((k) => ({ value: k, text: ACTION_NAMES[k], checked: form.kind === k })),
    });
  };

  router.get('/early-help/:id', requireRole('hub_staff'), async (req, res) => renderCase(req, res));

  router.post('/early-help/:id', requireRole('hub_staff'), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
    const form: ActionForm = {
      kind: text('kind'),
      note: text('note'),
      day: text('dueBy-day'),
      month: text('dueBy-month'),
      year: text('dueBy-year'),
    };
    const { errors, dueBy } = validate(form, services.today());
    if (Object.keys(errors).length > 0) return renderCase(req, res, form, errors, 400);
    const id = String(req.params['id']).toLowerCase();
    const request = plainToInstance(RecordCaseActionRequestDto, {
      kind: form.kind,
      note: form.note.trim(),
      ...(dueBy ? { dueBy } : {}),
    });
    try {
      await services.execute(
        principalOf(req),
        (context) => new RecordCaseActionCommand(id, request, context),
        text('idempotencyKey') || undefined,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages || (error as { status?: number }).status === 404) throw error;
      return renderCase(req, res, form, { note: messages.join('. ') }, 400);
    }
    res.redirect(303, `/early-help/${id}?recorded=1`);
  });

  return router;
}
