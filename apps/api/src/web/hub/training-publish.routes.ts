/**
 * Hub staff publish the year's training programme (issue 6) with GOV.UK's "add another" pattern: add the events
 * one page at a time (kept in the session until published), see them all on one page that is the check-answers
 * page (remove any), publish, then a confirmation. Publishing sends the API's PublishProgrammeCommand, so the
 * training-programme decider refuses exactly as `POST /training/:year/programme` does (a September induction
 * conference, year-1 sessions in a phase group formed first, published once by the start of the year); its
 * messages name events by their title, not by the id the page made for them.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Router, type Request, type Response } from 'express';
import { AUDIENCES, TRAINING_EVENT_KINDS } from '#induction/training/training-programme.decider.js';
import { PublishProgrammeCommand } from '../../training/publish-programme.handler.js';
import { TrainingQueries } from '../../training/training-queries.js';
import { PublishProgrammeRequestDto } from '../../training/training.request.dto.js';
import { parseAcademicYear } from '../../training/training-writes.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { everyPage } from '../view-models/pagination.js';
import { isRealDate, readDateInput as readDate } from '../forms/form-input.js';

export const EVENT_KIND_NAMES: Record<(typeof TRAINING_EVENT_KINDS)[number], string> = {
  'induction-conference': 'Induction conference',
  'year-1-session': 'Year 1 session',
  'year-2-development-cycle': 'Year 2 development cycle',
  'mentor-session': 'Mentor session',
  'leadership-module': 'Leadership module (optional)',
};
export const AUDIENCE_NAMES: Record<(typeof AUDIENCES)[number], string> = {
  'ect-year-1': 'Year 1 ECTs',
  'ect-year-2': 'Year 2 ECTs',
  'mentor-year-1': 'Year 1 mentors',
  'mentor-year-2': 'Year 2 mentors',
};
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

interface DraftEvent {
  eventId: string;
  kind: (typeof TRAINING_EVENT_KINDS)[number];
  title: string;
  date: string;
  startTime?: string;
  endTime?: string;
  audiences: (typeof AUDIENCES)[number][];
  groupId?: string;
  online?: boolean;
  location?: string;
}
interface Draft {
  key: string;
  events: DraftEvent[];
}

const yearName = (year: number) => `${year} to ${year + 1}`;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text).filter(Boolean);

export function trainingPublishRoutes(services: WebServices, app: INestApplicationContext): Router {
  const router = Router();
  const hub = requireRole('hub_staff');
  const queries = app.get(TrainingQueries);
  const draftKey = (year: number) => `training-programme:${year}`;
  const readDraft = (req: Request, year: number): Draft => {
    const raw = req.session.drafts?.[draftKey(year)]?.['json'];
    return raw ? (JSON.parse(raw) as Draft) : { key: randomUUID(), events: [] };
  };
  const saveDraft = (req: Request, year: number, draft: Draft | null) => {
    req.session.drafts ??= {};
    if (draft) req.session.drafts[draftKey(year)] = { json: JSON.stringify(draft) };
    else delete req.session.drafts[draftKey(year)];
  };
  const published = async (year: number) => (await queries.events(year, { pageSize: 1 })).total > 0;

  const renderList = async (req: Request, res: Response, year: number, messages: string[]) => {
    const draft = readDraft(req, year);
    const titles = new Map(draft.events.map((e) => [e.eventId, e.title]));
    res.status(messages.length ? 400 : 200).render('pages/training-publish', {
      pageTitle: `Publish the training programme for ${yearName(year)}`,
      activeNav: 'training',
      year,
      yearName: yearName(year),
      events: [...draft.events]
        .map((e, index) => ({ ...e, index }))
        .sort((a, b) => a.date.localeCompare(b.date) || (a.startTime ?? '').localeCompare(b.startTime ?? ''))
        .map((e) => ({
          index: e.index,
          title: e.title,
          date: govukDate(e.date),
          time: e.startTime && e.endTime ? `${e.startTime} to ${e.endTime}` : (e.startTime ?? ''),
          kindName: EVENT_KIND_NAMES[e.kind],
          audienceNames: e.audiences.map((a) => AUDIENCE_NAMES[a]).join(', '),
          where: e.online ? 'Online' : (e.location ?? ''),
        })),
      // The decider names events by id; the page by the title the hub gave them.
      errorList: messages.map((m) => ({
        text: m.replace(/^event ([a-z0-9-]+):/, (whole, id: string) =>
          titles.has(id) ? `${titles.get(id)}:` : whole,
        ),
        href: draft.events.length ? '#events' : '#add',
      })),
    });
  };

  router.get('/training/:year/publish', hub, async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    if (await published(year)) return res.redirect(303, `/training/${year}`);
    await renderList(req, res, year, []);
  });

  router.post('/training/:year/publish', hub, async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const draft = readDraft(req, year);
    if (draft.events.length === 0)
      return renderList(req, res, year, [
        'Add the events of the programme, starting with the induction conference',
      ]);
    const request = plainToInstance(PublishProgrammeRequestDto, { events: draft.events });
    try {
      await services.execute(
        principalOf(req),
        (context) => new PublishProgrammeCommand(year, request, context),
        draft.key,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      saveDraft(req, year, { ...draft, key: randomUUID() });
      return renderList(req, res, year, messages);
    }
    saveDraft(req, year, null);
    req.session.drafts![`${draftKey(year)}:done`] = { count: String(draft.events.length) };
    res.redirect(303, `/training/${year}/publish/confirmation`);
  });

  router.get('/training/:year/publish/confirmation', hub, (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const done = req.session.drafts?.[`${draftKey(year)}:done`];
    if (!done) return res.redirect(303, `/training/${year}`);
    res.render('pages/training-publish-confirmation', {
      pageTitle: 'Training programme published',
      activeNav: 'training',
      year,
      yearName: yearName(year),
      count: Number(done['count']),
    });
  });

  router.post('/training/:year/publish/remove/:index', hub, (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const draft = readDraft(req, year);
    const index = Number(req.params['index']);
    if (Number.isInteger(index) && index >= 0 && index < draft.events.length) draft.events.splice(index, 1);
    saveDraft(req, year, draft);
    res.redirect(303, `/training/${year}/publish`);
  });

  const renderAdd = async (
    req: Request,
    res: Response,
    year: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) => {
    const groups = {
      items: await everyPage((page, pageSize) => queries.groups(year, { page, pageSize })),
    };
    const audiences = list(values['audiences']);
    res.status(Object.keys(errors).length ? 400 : 200).render('pages/training-event-add', {
      pageTitle: 'Add an event to the programme',
      activeNav: 'training',
      backLink: `/training/${year}/publish`,
      action: `/training/${year}/publish/add`,
      yearName: yearName(year),
      values: {
        ...values,
        date: { day: values['date-day'], month: values['date-month'], year: values['date-year'] },
      },
      kinds: TRAINING_EVENT_KINDS.map((k) => ({
        value: k,
        text: EVENT_KIND_NAMES[k],
        checked: values['kind'] === k,
      })),
      audiences: AUDIENCES.map((a) => ({
        value: a,
        text: AUDIENCE_NAMES[a],
        checked: audiences.includes(a),
      })),
      groups: [
        { value: '', text: 'Not a year 1 session' },
        ...groups.items.map((g) => ({
          value: g.groupId,
          text: g.name,
          selected: values['groupId'] === g.groupId,
        })),
      ],
      noGroups: groups.items.length === 0,
      groupsHref: `/training/${year}/groups`,
      errors,
      errorList: errorSummary(errors, ['date']),
    });
  };

  router.get('/training/:year/publish/add', hub, async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    if (await published(year)) return res.redirect(303, `/training/${year}`);
    await renderAdd(req, res, year, {}, {});
  });

  router.post('/training/:year/publish/add', hub, async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const body = req.body as Record<string, unknown>;
    const errors: FieldErrors = {};
    const kind = text(body['kind']) as DraftEvent['kind'];
    const title = text(body['title']);
    const date = readDate(body, 'date');
    const startTime = text(body['startTime']);
    const endTime = text(body['endTime']);
    const audiences = list(body['audiences']) as DraftEvent['audiences'];
    const groupId = text(body['groupId']);
    const online = text(body['online']) === 'yes';
    const location = text(body['location']);
    // In the order the page asks, so the error summary reads as the page does.
    if (!TRAINING_EVENT_KINDS.includes(kind)) errors['kind'] = 'Select the type of event';
    if (title === '') errors['title'] = 'Enter the title of the event';
    else if (title.length > 200) errors['title'] = 'Title must be 200 characters or fewer';
    if (date === '') errors['date'] = 'Enter the date of the event';
    else if (!isRealDate(date)) errors['date'] = 'Date of the event must be a real date';
    if (startTime && !TIME.test(startTime)) errors['startTime'] = 'Start time must be a time like 09:00';
    if (endTime && !TIME.test(endTime)) errors['endTime'] = 'End time must be a time like 15:30';
    else if (endTime && !startTime) errors['startTime'] = 'Enter the start time, or leave both times blank';
    else if (startTime && endTime && !errors['startTime'] && endTime <= startTime)
      errors['endTime'] = 'End time must be after the start time';
    if (audiences.length === 0 || audiences.some((a) => !AUDIENCES.includes(a)))
      errors['audiences'] = 'Select who the event is for';
    if (kind === 'year-1-session' && groupId === '')
      errors['groupId'] = 'Select the phase group of the year 1 session';
    if (!online && location === '') errors['location'] = 'Enter where the event is held, or select online';
    else if (location.length > 200)
      errors['location'] = 'Where the event is held must be 200 characters or fewer';
    if (Object.keys(errors).length > 0) return renderAdd(req, res, year, body, errors);

    const draft = readDraft(req, year);
    draft.events.push({
      eventId: uniqueId(title, date, draft.events),
      kind,
      title,
      date,
      ...(startTime ? { startTime } : {}),
      ...(endTime ? { endTime } : {}),
      audiences,
      ...(kind === 'year-1-session' && groupId ? { groupId } : {}),
      online,
      ...(location ? { location } : {}),
    });
    saveDraft(req, year, draft);
    res.redirect(303, `/training/${year}/publish`);
  });

  return router;
}

/** An id the API accepts (lower-case letters, digits, hyphens), from the title and date, unique in the draft. */
function uniqueId(title: string, date: string, events: readonly DraftEvent[]): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'event';
  const base = `${slug}-${date}`;
  let id = base;
  for (let n = 2; events.some((e) => e.eventId === id); n += 1) id = `${base}-${n}`;
  return id;
}
