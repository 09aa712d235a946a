/**
 * Hub staff's training-programme pages (issue 6): the year's events, the year-1 phase groups (the service's
 * suggestion, confirmed with a facilitator for each), and attendance per event. Forms send the API's
 * commands; the DTOs and the training-programme decider decide what is valid.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { Router, type Request, type Response } from 'express';
import { ConfirmGroupsCommand } from '../../training/confirm-groups.handler.js';
import { RecordAttendanceCommand } from '../../training/record-attendance.handler.js';
import { TrainingQueries } from '../../training/training-queries.js';
import { ConfirmGroupsRequestDto, RecordAttendanceRequestDto } from '../../training/training.request.dto.js';
import { parseAcademicYear } from '../../training/training-writes.js';
import { commandErrorMessages, errorSummary, type FieldErrors } from '../forms/form-errors.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { WebServices } from '../web-services.js';
import { everyPage } from '../view-models/pagination.js';

const KIND_NAMES: Record<string, string> = {
  'induction-conference': 'Induction conference',
  'year-1-session': 'Year 1 session',
  'year-2-development-cycle': 'Year 2 development cycle',
  'mentor-session': 'Mentor session',
  'leadership-module': 'Leadership module (optional)',
};
const AUDIENCE_NAMES: Record<string, string> = {
  'ect-year-1': 'Year 1 ECTs',
  'ect-year-2': 'Year 2 ECTs',
  'mentor-year-1': 'Year 1 mentors',
  'mentor-year-2': 'Year 2 mentors',
};
const yearName = (year: number) => `${year} to ${year + 1}`;
const body = (req: Request) => req.body as Record<string, unknown>;
const text = (req: Request, key: string) => {
  const value = body(req)[key];
  return typeof value === 'string' ? value : '';
};

export function trainingRoutes(services: WebServices, app: INestApplicationContext): Router {
  const router = Router();
  const queries = app.get(TrainingQueries);

  router.get('/training', requireRole('hub_staff'), (_req, res) => {
    const today = services.today();
    const year = Number(today.slice(0, 4)) - (today.slice(5, 7) < '09' ? 1 : 0);
    res.redirect(303, `/training/${year}`);
  });

  router.get('/training/:year', requireRole('hub_staff'), async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const events = {
      items: await everyPage((page, pageSize) => queries.events(year, { page, pageSize })),
    };
    res.render('pages/training-programme', {
      pageTitle: `Training programme ${yearName(year)}`,
      activeNav: 'training',
      year,
      yearName: yearName(year),
      events: events.items.map((e) => ({
        ...e,
        kindName: KIND_NAMES[e.kind] ?? e.kind,
        audienceNames: e.audiences.map((a) => AUDIENCE_NAMES[a] ?? a).join(', '),
        where: e.online ? 'Online' : (e.location ?? ''),
        time: e.startTime && e.endTime ? `${e.startTime} to ${e.endTime}` : '',
      })),
    });
  });

  const renderGroups = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const year = parseAcademicYear(String(req.params['year']));
    const [groups, suggestion] = await Promise.all([
      everyPage((page, pageSize) => queries.groups(year, { page, pageSize })).then((items) => ({ items })),
      queries.suggestion(year),
    ]);
    const unplaced = suggestion.groups.flatMap((g) => g.ects).filter((e) => e.groupId === null);
    res.status(status).render('pages/training-groups', {
      pageTitle: `Year 1 phase groups ${yearName(year)}`,
      activeNav: 'training',
      year,
      yearName: yearName(year),
      groups: groups.items,
      suggestion: groups.items.length === 0 ? suggestion.groups : [],
      unplaced,
      values: body(req) ?? {},
      errors,
      errorList: errorSummary(errors),
      idempotencyKey: randomUUID(),
    });
  };

  router.get('/training/:year/groups', requireRole('hub_staff'), async (req, res) => renderGroups(req, res));

  router.post('/training/:year/groups', requireRole('hub_staff'), async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const suggestion = await queries.suggestion(year);
    const errors: FieldErrors = {};
    const groups = suggestion.groups.map((g) => {
      const name = text(req, `facilitator-${g.suggestedGroupId}`).trim();
      if (name === '') errors[`facilitator-${g.suggestedGroupId}`] = `Enter the facilitator of ${g.name}`;
      else if (name.length > 200)
        errors[`facilitator-${g.suggestedGroupId}`] =
          `The facilitator’s name must be 200 characters or fewer`;
      return {
        groupId: g.suggestedGroupId,
        name: g.name,
        phase: g.phase,
        facilitator: { personId: randomUUID(), name },
        ectIds: g.ects.map((e) => e.ectId),
      };
    });
    if (groups.length === 0) errors['groups'] = 'There are no year 1 ECTs to put in groups';
    if (Object.keys(errors).length > 0) return renderGroups(req, res, errors, 400);
    const request = plainToInstance(ConfirmGroupsRequestDto, { groups });
    try {
      await services.execute(
        principalOf(req),
        (context) => new ConfirmGroupsCommand(year, request, context),
        text(req, 'idempotencyKey') || undefined,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      return renderGroups(req, res, { groups: messages.join('. ') }, 400);
    }
    res.redirect(303, `/training/${year}/groups`);
  });

  const renderAttendance = async (req: Request, res: Response, errors: FieldErrors = {}, status = 200) => {
    const year = parseAcademicYear(String(req.params['year']));
    const found = await queries.participants(year, String(req.params['eventId']));
    if (!found) throw new NotFoundException();
    res.status(status).render('pages/training-attendance', {
      pageTitle: `Attendance: ${found.event.title}`,
      activeNav: 'training',
      year,
      event: found.event,
      kindName: KIND_NAMES[found.event.kind] ?? found.event.kind,
      people: found.people.map((p) => ({
        ...p,
        name: p.name ?? 'Name erased',
        notRecorded: p.attended === null,
        ticked: p.attended === true,
      })),
      recorded: req.query['recorded'] === '1',
      canRecord: found.event.date <= services.today(),
      errors,
      errorList: errorSummary(errors),
      idempotencyKey: randomUUID(),
    });
  };

  router.get('/training/:year/events/:eventId/attendance', requireRole('hub_staff'), async (req, res) =>
    renderAttendance(req, res),
  );

  router.post('/training/:year/events/:eventId/attendance', requireRole('hub_staff'), async (req, res) => {
    const year = parseAcademicYear(String(req.params['year']));
    const eventId = String(req.params['eventId']);
    const found = await queries.participants(year, eventId);
    if (!found) throw new NotFoundException();
    const raw = body(req)['attended'];
    const ticked = new Set(Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : []);
    if (found.people.length === 0) return renderAttendance(req, res, { attended: 'No one to record' }, 400);
    const request = plainToInstance(RecordAttendanceRequestDto, {
      eventId,
      records: found.people.map((p) => ({
        participantId: p.participantId,
        role: p.role,
        attended: ticked.has(p.participantId),
      })),
    });
    try {
      await services.execute(
        principalOf(req),
        (context) => new RecordAttendanceCommand(year, request, context),
        text(req, 'idempotencyKey') || undefined,
      );
    } catch (error) {
      const messages = commandErrorMessages(error);
      if (!messages) throw error;
      return renderAttendance(req, res, { attended: messages.join('. ') }, 400);
    }
    res.redirect(303, `/training/${year}/events/${encodeURIComponent(eventId)}/attendance?recorded=1`);
  });

  return router;
}
