/**
 * Hub staff schedule the AB panel's meetings (issue 6): the meetings list, then one page asking the date, the
 * quorum and the members (people who sat before, or new people with their own school), check answers, and a
 * confirmation. The form sends the API's SchedulePanelMeetingCommand, so the panel decider's rules (a quorum of
 * members, each once) refuse exactly as `POST /panel/meetings` does. Scheduled from a case (`?case=<ectId>`),
 * R21 is checked before the meeting exists: a member from the ECT's school is refused, naming them, so the hub
 * does not learn of the conflict only when the panel sits (the decision itself still refuses it in the domain).
 */
import { randomUUID } from 'node:crypto';
import { NotFoundException } from '@nestjs/common';
import { Router, type Request, type Response } from 'express';
import { plainToInstance } from 'class-transformer';
import type { PanelMeetingRow } from '#read-models/panel/panel-cases.projection.js';
import { SchedulePanelMeetingCommand } from '../../panel/schedule-panel-meeting/schedule-panel-meeting.handler.js';
import { SchedulePanelMeetingRequestDto } from '../../panel/schedule-panel-meeting/schedule-panel-meeting.request.dto.js';
import type { PanelCase, PanelQueries } from '../../panel/panel-queries.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import { everyPage, paginationLinks, requestedPage } from '../view-models/pagination.js';
import type { WebServices } from '../web-services.js';
import { escapeHtml, isRealDate, readDateInput as readDate } from '../forms/form-input.js';

/** How many new people the form offers at once (the hub adds more later through the API). */
export const NEW_MEMBER_ROWS = 6;
const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DRAFT = 'panel-meeting';

interface Member {
  personId: string;
  name: string;
  schoolUrn: string | null;
}
interface Draft {
  key: string;
  caseId: string;
  heldOn: string;
  quorum: string;
  members: Member[];
  /** What was typed, to show the form again as it was left. */
  form: Record<string, string | string[]>;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text).filter(Boolean);
const nameOf = (c: Pick<PanelCase, 'firstName' | 'lastName'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || 'Name erased';

export function panelMeetingRoutes(services: WebServices, panel: PanelQueries): Router {
  const router = Router();
  const hub = requireRole('hub_staff');

  const readDraft = (req: Request): Draft | null => {
    const raw = req.session.drafts?.[DRAFT]?.['json'];
    return raw ? (JSON.parse(raw) as Draft) : null;
  };
  const saveDraft = (req: Request, draft: Draft | null) => {
    req.session.drafts ??= {};
    if (draft) req.session.drafts[DRAFT] = { json: JSON.stringify(draft) };
    else delete req.session.drafts[DRAFT];
  };

  /** Everyone who has sat on a panel, once each (latest name), to choose from. */
  const knownPeople = async (): Promise<Member[]> => {
    const meetings = await everyPage((page, pageSize) => panel.meetings({ page, pageSize }));
    const people = new Map<string, Member>();
    for (const m of meetings)
      for (const p of m.members)
        if (p.name && !people.has(p.personId))
          people.set(p.personId, { personId: p.personId, name: p.name, schoolUrn: p.schoolUrn });
    return [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  };

  /** The case the meeting is for, if any; a tutor never reaches here (hub only), an unknown id is a 404. */
  const caseFor = async (id: string) => (id ? (await panel.caseFile(id)).case : null);

  router.get('/panel/meetings', hub, async (req, res) => {
    const page = requestedPage(req.query['page']);
    const meetings = await panel.meetings({ page, pageSize: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(meetings.total / PAGE_SIZE));
    res.render('pages/panel-meetings', {
      pageTitle: 'Panel meetings',
      scheduled: req.query['scheduled'] === '1',
      total: meetings.total,
      rows: meetings.items.map((m: PanelMeetingRow) => [
        { text: govukDate(m.heldOn) },
        { text: m.members.map((p) => p.name ?? 'Name erased').join(', ') },
        { text: String(m.quorum), format: 'numeric' },
        { text: String(m.decisions.length), format: 'numeric' },
      ]),
      pagination: paginationLinks(page, pages, (n) => `/panel/meetings?page=${n}`),
    });
  });

  const renderForm = async (
    req: Request,
    res: Response,
    form: Record<string, string | string[]>,
    errors: FieldErrors,
  ) => {
    const caseId = text(form['case']);
    const forCase = await caseFor(caseId);
    const known = list(form['known']);
    const people = await knownPeople();
    res.status(Object.keys(errors).length ? 400 : 200).render('pages/panel-meeting-new', {
      pageTitle: 'Schedule a panel meeting',
      backLink: forCase ? `/panel/cases/${forCase.ectId}` : '/panel/meetings',
      action: '/panel/meetings/new',
      forCase: forCase && { id: forCase.ectId, name: nameOf(forCase), schoolUrn: forCase.schoolUrn },
      values: {
        ...form,
        quorum: form['quorum'] ?? '3',
        heldOn: { day: form['heldOn-day'], month: form['heldOn-month'], year: form['heldOn-year'] },
      },
      people: people.map((p) => ({
        value: p.personId,
        text: p.name,
        hint: { text: p.schoolUrn ? `School URN ${p.schoolUrn}` : 'No school' },
        checked: known.includes(p.personId),
      })),
      rows: Array.from({ length: NEW_MEMBER_ROWS }, (_, i) => ({
        n: i + 1,
        name: form[`name-${i + 1}`] ?? '',
        school: form[`school-${i + 1}`] ?? '',
        nameError: errors[`name-${i + 1}`],
        schoolError: errors[`school-${i + 1}`],
      })),
      errors,
      errorList: errorSummary(errors, ['heldOn']),
    });
  };

  router.get('/panel/meetings/new', hub, async (req, res) => {
    const draft = readDraft(req);
    const caseId = text(req.query['case']);
    if (caseId && !UUID.test(caseId)) throw new NotFoundException();
    // "Change" from check answers keeps what was typed; a fresh start forgets any earlier draft.
    if (req.query['change'] === '1' && draft) return renderForm(req, res, draft.form, {});
    saveDraft(req, null);
    await renderForm(req, res, caseId ? { case: caseId } : {}, {});
  });

  router.post('/panel/meetings/new', hub, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const form: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(body))
      if (k !== '_csrf') form[k] = Array.isArray(v) ? list(v) : text(v);
    const forCase = await caseFor(text(form['case']));
    const errors: FieldErrors = {};
    const heldOn = readDate(body, 'heldOn');
    if (heldOn === '') errors['heldOn'] = 'Enter the date of the meeting';
    else if (!isRealDate(heldOn)) errors['heldOn'] = 'Date of the meeting must be a real date';
    const quorumText = text(body['quorum']);
    const quorum = Number(quorumText);
    if (!/^\d{1,2}$/.test(quorumText) || quorum < 1 || quorum > 20)
      errors['quorum'] = 'Quorum must be a whole number from 1 to 20';

    const people = await knownPeople();
    const members: Member[] = list(body['known'])
      .map((id) => people.find((p) => p.personId === id))
      .filter((p): p is Member => p !== undefined);
    for (let n = 1; n <= NEW_MEMBER_ROWS; n += 1) {
      const name = text(body[`name-${n}`]);
      const school = text(body[`school-${n}`]);
      if (school && !/^\d{6}$/.test(school))
        errors[`school-${n}`] = `School URN of new member ${n} must be 6 digits, like 123456`;
      if (!name && school) errors[`name-${n}`] = `Enter the name of new member ${n}`;
      else if (name.length > 200)
        errors[`name-${n}`] = `Name of new member ${n} must be 200 characters or fewer`;
      if (name) members.push({ personId: randomUUID(), name, schoolUrn: school || null });
    }
    if (members.length === 0) errors['known'] = 'Select or add the members of the panel';
    else if (!errors['quorum'] && members.length < quorum)
      errors['known'] =
        `A quorum of ${quorum} needs at least ${quorum} members: select or add ${quorum - members.length} more`;
    // R21: a member from the ECT's school cannot sit on the panel that decides the ECT's case.
    const conflicted = forCase?.schoolUrn ? members.filter((m) => m.schoolUrn === forCase.schoolUrn) : [];
    if (conflicted.length > 0)
      errors['known'] ??=
        `R21: ${conflicted.map((m) => m.name).join(' and ')} ${conflicted.length === 1 ? 'works' : 'work'} at ` +
        `the ECT’s school (URN ${forCase!.schoolUrn}) and cannot sit on this panel. Choose someone else`;
    if (Object.keys(errors).length > 0) {
      // In the order the page asks, so the error summary reads as the page does.
      const order = ['heldOn', 'quorum', 'known'];
      const ordered = Object.fromEntries([
        ...order.filter((k) => errors[k]).map((k) => [k, errors[k]!]),
        ...Object.entries(errors).filter(([k]) => !order.includes(k)),
      ]);
      return renderForm(req, res, form, ordered);
    }

    saveDraft(req, {
      key: readDraft(req)?.key ?? randomUUID(),
      caseId: forCase?.ectId ?? '',
      heldOn,
      quorum: String(quorum),
      members,
      form,
    });
    res.redirect(303, '/panel/meetings/check');
  });

  const renderCheck = async (req: Request, res: Response, draft: Draft, messages: string[]) => {
    const change = (label: string) => ({
      items: [{ href: '/panel/meetings/new?change=1', text: 'Change', visuallyHiddenText: label }],
    });
    const forCase = await caseFor(draft.caseId);
    res.status(messages.length ? 400 : 200).render('pages/check-answers', {
      pageTitle: 'Check the panel meeting before scheduling it',
      caption: forCase ? `Panel for ${nameOf(forCase)}` : 'Panel meeting',
      heading: 'Check the panel meeting before scheduling it',
      backLink: '/panel/meetings/new?change=1',
      action: '/panel/meetings/check',
      submitText: 'Schedule meeting',
      rows: [
        { key: { text: 'Date' }, value: { text: govukDate(draft.heldOn) }, actions: change('date') },
        { key: { text: 'Quorum' }, value: { text: draft.quorum }, actions: change('quorum') },
        {
          key: { text: 'Members' },
          value: {
            html: draft.members
              .map((m) => `${escapeHtml(m.name)}${m.schoolUrn ? ` (school URN ${m.schoolUrn})` : ''}`)
              .join('<br>'),
          },
          actions: change('members'),
        },
      ],
      errorList: messages.map((t) => ({ text: t, href: '#submit' })),
    });
  };

  router.get('/panel/meetings/check', hub, async (req, res) => {
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, '/panel/meetings/new');
    await renderCheck(req, res, draft, []);
  });

  router.post('/panel/meetings/check', hub, async (req, res) => {
    const draft = readDraft(req);
    if (!draft) return res.redirect(303, '/panel/meetings/new');
    const request = plainToInstance(SchedulePanelMeetingRequestDto, {
      heldOn: draft.heldOn,
      quorum: Number(draft.quorum),
      members: draft.members.map((m) => ({
        personId: m.personId,
        name: m.name,
        ...(m.schoolUrn ? { schoolUrn: m.schoolUrn } : {}),
      })),
    });
    let accepted;
    try {
      accepted = await services.execute(
        principalOf(req),
        (context) => new SchedulePanelMeetingCommand(request, context),
        draft.key,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      saveDraft(req, { ...draft, key: randomUUID() });
      return renderCheck(req, res, draft, messages);
    }
    saveDraft(req, null);
    req.session.drafts![`${DRAFT}:done`] = {
      id: accepted.id,
      heldOn: draft.heldOn,
      members: String(draft.members.length),
      quorum: draft.quorum,
      caseId: draft.caseId,
    };
    res.redirect(303, '/panel/meetings/confirmation');
  });

  router.get('/panel/meetings/confirmation', hub, async (req, res) => {
    const done = req.session.drafts?.[`${DRAFT}:done`];
    if (!done) return res.redirect(303, '/panel/meetings');
    const forCase = await caseFor(done['caseId'] ?? '');
    res.render('pages/panel-meeting-confirmation', {
      pageTitle: 'Panel meeting scheduled',
      heldOn: govukDate(done['heldOn']),
      members: done['members'],
      quorum: done['quorum'],
      forCase: forCase && { id: forCase.ectId, name: nameOf(forCase) },
    });
  });

  return router;
}
