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
  MAX_FTE_TERM_DAYS,
  MIN_FTE_TERM_DAYS,
  MIN_TERM_WORKING_DAYS,
  academicYearLabel,
} from '#induction/calendar/ab-calendar.decider.js';
import { SetAcademicYearTermDatesCommand, SetFteTermDaysCommand } from '../../calendar/calendar.handlers.js';
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
const FTE_FLOW = 'fte-term-days';

/** R1: the school days in one full-time equivalent term, a whole number the decider accepts. */
export function fteTermDaysError(value: string): string | null {
  if (value === '') return 'Enter the number of school days in one full-time equivalent term';
  if (!/^\d{1,3}$/.test(value)) return 'School days in a term must be a whole number, like 65';
  const days = Number(value);
  return days >= MIN_FTE_TERM_DAYS && days <= MAX_FTE_TERM_DAYS
    ? null
    : `School days in a term must be between ${MIN_FTE_TERM_DAYS} and ${MAX_FTE_TERM_DAYS}`;
}

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

  // The length of an FTE term (R1): how part-time ECTs' terms served are counted. Registered before the
  // year flow, whose `/calendar/:id/change` would otherwise take `fte-term-days` for a year.
  router.get('/calendar/fte-term-days/change/days', requireRole('hub_staff'), async (req, res, next) => {
    req.session.drafts ??= {};
    const key = `${FTE_FLOW}:`;
    if (!req.session.drafts[key]) {
      const current = await calendar.view(services.today());
      req.session.drafts[key] = { _key: randomUUID(), fteTermDays: String(current.fteTermDays) };
    }
    next();
  });
  router.use(
    questionFlow({
      name: FTE_FLOW,
      basePath: '/calendar/fte-term-days/change',
      roles: ['hub_staff'],
      caption: 'Term dates',
      backTo: '/calendar',
      checkTitle: 'Check the length of a full-time equivalent term before saving it',
      submitText: 'Save term length',
      steps: [
        {
          slug: 'days',
          title: 'How many school days are in one full-time equivalent term?',
          fields: [
            {
              name: 'fteTermDays',
              label: 'School days in one full-time equivalent term',
              hint: `Part-time ECTs serve a term for every this many school days worked. The statutory guidance uses 65; between ${MIN_FTE_TERM_DAYS} and ${MAX_FTE_TERM_DAYS}.`,
              kind: 'text',
              inputmode: 'numeric',
              width: 'govuk-input--width-3',
              show: (value) => `${value} school days`,
              validate: fteTermDaysError,
            },
          ],
        },
      ],
      submit: async (answers, principal, idempotencyKey) => {
        const days = Number(answers['fteTermDays']);
        await services.execute(
          principal,
          (context) => new SetFteTermDaysCommand(days, context),
          idempotencyKey,
        );
        return { title: 'Term length saved', days };
      },
    }),
  );

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
