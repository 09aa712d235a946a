/**
 * Hub staff's term dates (R1, issue 4): each academic year's three terms, configured or the defaults, and a
 * question flow to change a year's dates (one page of GOV.UK date inputs → check answers → confirmation). The
 * flow sends the API's command; the R1 decider refuses what the rule does not allow, shown on the check page.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { Router } from 'express';
import {
  FIRST_CONFIGURABLE_YEAR,
  LAST_CONFIGURABLE_YEAR,
  MIN_TERM_WORKING_DAYS,
  academicYearLabel,
} from '#induction/calendar/ab-calendar.decider.js';
import { SetAcademicYearTermDatesCommand } from '../../calendar/calendar.handlers.js';
import { CalendarService, parseAcademicYear } from '../../calendar/calendar.service.js';
import { questionFlow, type Field } from '../forms/question-flow.js';
import { realDate } from '../forms/answers.js';
import { notBefore } from '../ects/ect-flow-support.js';
import { requireRole } from '../middleware/current-user.js';
import { govukDate } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';

const TERMS = [
  { key: 'autumn', name: 'Autumn' },
  { key: 'spring', name: 'Spring' },
  { key: 'summer', name: 'Summer' },
] as const;

const FLOW = 'academic-year-terms';

/** The year in the path (`2026` or `2026-27`), or 404. */
function yearOf(id: string): number {
  const year = parseAcademicYear(id);
  if (year === null || year < FIRST_CONFIGURABLE_YEAR || year > LAST_CONFIGURABLE_YEAR) {
    throw new NotFoundException();
  }
  return year;
}

function dateFields(): Field[] {
  return TERMS.flatMap(({ key, name }) => [
    {
      name: `${key}Start`,
      label: `${name} term starts`,
      hint: key === 'autumn' ? 'For example, 2 9 2026' : undefined,
      kind: 'date' as const,
      show: govukDate,
      validate: realDate(`Enter the date the ${name.toLowerCase()} term starts`, `${name} term start`),
    },
    {
      name: `${key}End`,
      label: `${name} term ends`,
      hint: 'The last day of the term',
      kind: 'date' as const,
      show: govukDate,
      validate: (value: string, answers: Record<string, string>) =>
        realDate(`Enter the date the ${name.toLowerCase()} term ends`, `${name} term end`)(value) ??
        notBefore(`${key}Start`, `${name} term must end on or after the day it starts`)(value, answers),
    },
  ]);
}

export function calendarRoutes(services: WebServices, app: INestApplicationContext): Router {
  const router = Router();
  const calendar = app.get(CalendarService);

  router.get('/calendar', requireRole('hub_staff'), async (_req, res) => {
    const today = services.today();
    const view = await calendar.view(today);
    res.render('pages/calendar', {
      pageTitle: 'Term dates',
      fteTermDays: view.fteTermDays,
      minTermWorkingDays: MIN_TERM_WORKING_DAYS,
      years: view.items.map((year) => ({
        ...year,
        ended: year.summer.end < today,
        terms: TERMS.map(({ key, name }) => ({ name, ...year[key] })),
      })),
    });
  });

  // The form opens with the dates in force for the year, so hub staff change only what moves.
  router.get(`/calendar/:id/change/dates`, requireRole('hub_staff'), async (req, res, next) => {
    const id = String(req.params['id']);
    const year = yearOf(id);
    req.session.drafts ??= {};
    if (!req.session.drafts[`${FLOW}:${id}`]) {
      const current = (await calendar.view(services.today())).items.find((y) => y.academicYear === year);
      const terms = current ?? null;
      const draft: Record<string, string> = { _key: randomUUID() };
      if (terms) {
        for (const { key } of TERMS) {
          draft[`${key}Start`] = terms[key].start;
          draft[`${key}End`] = terms[key].end;
        }
      }
      req.session.drafts[`${FLOW}:${id}`] = draft;
    }
    next();
  });

  router.use(
    questionFlow({
      name: FLOW,
      basePath: '/calendar/:id/change',
      roles: ['hub_staff'],
      caption: 'Term dates',
      backTo: '/calendar',
      load: (_principal, id) => Promise.resolve({ caption: `Term dates ${academicYearLabel(yearOf(id))}` }),
      checkTitle: 'Check the term dates before saving them',
      submitText: 'Save term dates',
      steps: [{ slug: 'dates', title: 'When are the terms?', fields: dateFields() }],
      submit: async (answers, principal, idempotencyKey, id) => {
        const academicYear = yearOf(id);
        const terms = {
          autumn: { start: answers['autumnStart']!, end: answers['autumnEnd']! },
          spring: { start: answers['springStart']!, end: answers['springEnd']! },
          summer: { start: answers['summerStart']!, end: answers['summerEnd']! },
        };
        await services.execute(
          principal,
          (context) => new SetAcademicYearTermDatesCommand(academicYear, terms, context),
          idempotencyKey,
        );
        return { title: 'Term dates saved', label: academicYearLabel(academicYear) };
      },
    }),
  );

  return router;
}
