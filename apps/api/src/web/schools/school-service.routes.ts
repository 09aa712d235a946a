/**
 * A school's page for hub staff (issue 6, "schools: SLA"): the school on the register, its service level
 * agreements with their commitments and reviews, and the training and clinic sessions it booked; and the form
 * that records a two-year SLA (question page, check answers, then the school's page with a success banner).
 * The form sends the API's RecordSchoolServiceCommand (`POST /schools/:urn/slas`), so the school-service
 * decider refuses exactly as the API does (at most two years, no overlapping agreement). Hub staff only.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundException } from '@nestjs/common';
import { Router, type Request, type Response } from 'express';
import { RecordSchoolServiceCommand } from '../../service-records/service-records.handler.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { isRealDate, readDateInput as readDate } from '../forms/form-input.js';

export const COMMITMENT_ROWS = 3;
const DRAFT = (urn: string) => `school-sla:${urn}`;

interface Commitment {
  id: string;
  description: string;
  turnaroundWorkingDays?: number;
}
interface Draft {
  key: string;
  startsOn: string;
  endsOn: string;
  commitments: Commitment[];
  form: Record<string, string>;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export function schoolServiceRoutes(services: WebServices): Router {
  const router = Router();
  const hub = requireRole('hub_staff');

  const schoolOf = async (req: Request) => {
    const school = await services.schools.get(principalOf(req), String(req.params['urn']));
    if (!school) throw new NotFoundException();
    return school;
  };
  const readDraft = (req: Request): Draft | null => {
    const raw = req.session.drafts?.[DRAFT(String(req.params['urn']))]?.['json'];
    return raw ? (JSON.parse(raw) as Draft) : null;
  };
  const saveDraft = (req: Request, draft: Draft | null) => {
    req.session.drafts ??= {};
    const key = DRAFT(String(req.params['urn']));
    if (draft) req.session.drafts[key] = { json: JSON.stringify(draft) };
    else delete req.session.drafts[key];
  };

  router.get('/schools/:urn', hub, async (req, res) => {
    const school = await schoolOf(req);
    const q = (sql: string) =>
      services.dataSource.query(sql, [school.urn]) as Promise<Record<string, unknown>[]>;
    const [slas, reviews, sessions] = await Promise.all([
      q(
        `SELECT sla_id, starts_on, ends_on, commitments FROM service_slas WHERE school_urn = $1 ORDER BY starts_on`,
      ),
      q(
        `SELECT sla_id, commitment_id, year, met FROM service_sla_reviews WHERE school_urn = $1 ORDER BY year, commitment_id`,
      ),
      q(
        `SELECT kind, title, held_on, places, attended FROM service_sessions WHERE school_urn = $1 ORDER BY held_on, session_id`,
      ),
    ]);
    res.render('pages/school', {
      pageTitle: school.name,
      activeNav: 'schools',
      backLink: '/schools',
      recorded: req.query['sla'] === '1',
      school,
      summary: [
        ['URN', school.urn],
        [
          'Phase',
          String(school.phase).charAt(0).toUpperCase() + String(school.phase).slice(1).replace(/-/g, ' '),
        ],
        ['Local authority', school.localAuthority],
        ['On the register since', govukDate(school.addedOn)],
      ].map(([key, value]) => ({ key: { text: key }, value: { text: String(value ?? '') } })),
      slas: slas.map((s) => ({
        title: `${govukDate(s['starts_on'])} to ${govukDate(s['ends_on'])}`,
        rows: ((s['commitments'] ?? []) as Commitment[]).map((c) => {
          const met = reviews.filter((r) => r['sla_id'] === s['sla_id'] && r['commitment_id'] === c.id);
          return {
            key: { text: c.description },
            value: {
              text:
                (c.turnaroundWorkingDays ? `Within ${c.turnaroundWorkingDays} working days. ` : '') +
                (met.length
                  ? met.map((r) => `${String(r['year'])}: ${r['met'] ? 'met' : 'not met'}`).join('; ')
                  : 'Not reviewed yet'),
            },
          };
        }),
      })),
      sessions: sessions.map((s) => [
        { text: govukDate(s['held_on']) },
        { text: String(s['title'] ?? s['kind']) },
        { text: String(s['places']), format: 'numeric' },
        { text: s['attended'] === null ? 'Not recorded' : String(s['attended']), format: 'numeric' },
      ]),
    });
  });

  const renderForm = async (
    req: Request,
    res: Response,
    form: Record<string, string>,
    errors: FieldErrors,
  ) => {
    const school = await schoolOf(req);
    res.status(Object.keys(errors).length ? 400 : 200).render('pages/school-sla', {
      pageTitle: 'Record a service level agreement',
      activeNav: 'schools',
      backLink: `/schools/${school.urn}`,
      caption: school.name,
      action: `/schools/${school.urn}/sla`,
      values: form,
      dates: Object.fromEntries(
        ['startsOn', 'endsOn'].map((f) => [
          f,
          { day: form[`${f}-day`], month: form[`${f}-month`], year: form[`${f}-year`] },
        ]),
      ),
      rows: Array.from({ length: COMMITMENT_ROWS }, (_, i) => ({
        n: i + 1,
        description: form[`commitment-${i + 1}`] ?? '',
        days: form[`days-${i + 1}`] ?? '',
        descriptionError: errors[`commitment-${i + 1}`],
        daysError: errors[`days-${i + 1}`],
      })),
      errors,
      errorList: errorSummary(errors, ['startsOn', 'endsOn']),
    });
  };

  router.get('/schools/:urn/sla', hub, async (req, res) => {
    const draft = readDraft(req);
    if (req.query['change'] === '1' && draft) return renderForm(req, res, draft.form, {});
    saveDraft(req, null);
    await renderForm(req, res, {}, {});
  });

  router.post('/schools/:urn/sla', hub, async (req, res) => {
    const school = await schoolOf(req);
    const body = req.body as Record<string, unknown>;
    const form = Object.fromEntries(
      Object.entries(body)
        .filter(([k]) => k !== '_csrf')
        .map(([k, v]) => [k, text(v)]),
    );
    const errors: FieldErrors = {};
    const startsOn = readDate(body, 'startsOn');
    const endsOn = readDate(body, 'endsOn');
    if (startsOn === '') errors['startsOn'] = 'Enter the date the agreement starts';
    else if (!isRealDate(startsOn)) errors['startsOn'] = 'The start date must be a real date';
    if (endsOn === '') errors['endsOn'] = 'Enter the date the agreement ends';
    else if (!isRealDate(endsOn)) errors['endsOn'] = 'The end date must be a real date';
    else if (isRealDate(startsOn) && endsOn <= startsOn)
      errors['endsOn'] = 'The end date must be after the start date';
    const commitments: Commitment[] = [];
    for (let n = 1; n <= COMMITMENT_ROWS; n += 1) {
      const description = text(body[`commitment-${n}`]);
      const days = text(body[`days-${n}`]);
      if (days && !/^\d{1,2}$/.test(days))
        errors[`days-${n}`] = `Working days for commitment ${n} must be a whole number from 1 to 60`;
      else if (days && (Number(days) < 1 || Number(days) > 60))
        errors[`days-${n}`] = `Working days for commitment ${n} must be a whole number from 1 to 60`;
      if (!description && days) errors[`commitment-${n}`] = `Enter commitment ${n}`;
      else if (description.length > 300)
        errors[`commitment-${n}`] = `Commitment ${n} must be 300 characters or fewer`;
      if (description)
        commitments.push({
          id: `c${n}`,
          description,
          ...(days ? { turnaroundWorkingDays: Number(days) } : {}),
        });
    }
    if (commitments.length === 0 && !errors['commitment-1'])
      errors['commitment-1'] = 'Enter at least one commitment';
    if (Object.keys(errors).length > 0) return renderForm(req, res, form, errors);
    saveDraft(req, { key: readDraft(req)?.key ?? randomUUID(), startsOn, endsOn, commitments, form });
    res.redirect(303, `/schools/${school.urn}/sla/check`);
  });

  const renderCheck = async (req: Request, res: Response, draft: Draft, messages: string[]) => {
    const school = await schoolOf(req);
    const change = (label: string) => ({
      items: [{ href: `/schools/${school.urn}/sla?change=1`, text: 'Change', visuallyHiddenText: label }],
    });
    res.status(messages.length ? 400 : 200).render('pages/check-answers', {
      pageTitle: 'Check the service level agreement before recording it',
      caption: school.name,
      heading: 'Check the service level agreement before recording it',
      backLink: `/schools/${school.urn}/sla?change=1`,
      action: `/schools/${school.urn}/sla/check`,
      submitText: 'Record agreement',
      rows: [
        {
          key: { text: 'Starts' },
          value: { text: govukDate(draft.startsOn) },
          actions: change('start date'),
        },
        { key: { text: 'Ends' }, value: { text: govukDate(draft.endsOn) }, actions: change('end date') },
        ...draft.commitments.map((c, i) => ({
          key: { text: `Commitment ${i + 1}` },
          value: {
            text:
              c.description +
              (c.turnaroundWorkingDays ? ` (within ${c.turnaroundWorkingDays} working days)` : ''),
          },
          actions: change(`commitment ${i + 1}`),
        })),
      ],
      errorList: messages.map((t) => ({ text: t, href: '#submit' })),
    });
  };

  router.get('/schools/:urn/sla/check', hub, async (req, res) => {
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, `/schools/${(await schoolOf(req)).urn}/sla`);
    await renderCheck(req, res, draft, []);
  });

  router.post('/schools/:urn/sla/check', hub, async (req, res) => {
    const school = await schoolOf(req);
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, `/schools/${school.urn}/sla`);
    try {
      await services.execute(
        principalOf(req),
        (context) =>
          new RecordSchoolServiceCommand(
            school.urn,
            {
              type: 'AgreeSla',
              data: {
                slaId: `sla-${draft.startsOn}`,
                startsOn: draft.startsOn,
                endsOn: draft.endsOn,
                commitments: draft.commitments,
              },
            },
            context,
          ),
        draft.key,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      saveDraft(req, { ...draft, key: randomUUID() });
      return renderCheck(req, res, draft, messages);
    }
    saveDraft(req, null);
    res.redirect(303, `/schools/${school.urn}?sla=1`);
  });

  return router;
}
