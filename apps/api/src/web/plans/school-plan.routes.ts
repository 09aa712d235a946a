/**
 * The school's induction plan: every date for every ECT and mentor, month by month, with the same CSV and
 * iCalendar (.ics) the API gives (`GET /schools/:urn/plan`). A tutor sees their own school only: another
 * school's URN is a 404, as in the API.
 */
import { NotFoundException } from '@nestjs/common';
import { Router } from 'express';
import { toCsv } from '../../http/csv.js';
import { CSV_COLUMNS } from '../../plans/plans.http-controller.js';
import { planCalendar } from '../../plans/plan-queries.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import type { WebServices } from '../web-services.js';

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function schoolPlanRoutes(services: WebServices, extra: TutorHubServices): Router {
  const router = Router();
  const roles = requireRole('induction_tutor', 'hub_staff');

  /** "Plan" in a tutor's navigation: their school's plan. */
  router.get('/plan', requireRole('induction_tutor'), (req, res) => {
    const urn = principalOf(req).schoolUrns[0];
    if (!urn) throw new NotFoundException();
    res.redirect(303, `/schools/${urn}/plan`);
  });

  const load = async (req: Parameters<Parameters<typeof router.get>[1]>[0]) => {
    const principal = principalOf(req);
    const urn = String(req.params['urn']);
    const school = await services.schools.get(principal, urn);
    if (!school) throw new NotFoundException();
    return { school, plan: await extra.plans.forSchool(principal, urn) };
  };

  router.get('/schools/:urn/plan', roles, async (req, res) => {
    const { school, plan } = await load(req);
    const today = services.today();
    const names = new Map(plan.ects.map((e) => [e.ectId, e.name ?? 'Name erased']));
    const months: { month: string; entries: object[] }[] = [];
    for (const entry of plan.entries) {
      const month = monthFormat.format(new Date(`${entry.date}T00:00:00Z`));
      if (months.at(-1)?.month !== month) months.push({ month, entries: [] });
      months.at(-1)!.entries.push({
        date: entry.date,
        time: entry.startTime && entry.endTime ? `${entry.startTime} to ${entry.endTime}` : null,
        title: entry.title,
        ectId: entry.ectId,
        ect: names.get(entry.ectId) ?? '',
        who: entry.who === 'mentor' ? `Mentor${entry.personName ? `: ${entry.personName}` : ''}` : 'ECT',
        where: entry.location,
        done: entry.done,
        overdue: !entry.done && entry.date < today,
      });
    }
    res.render('pages/school-plan', {
      pageTitle: `Induction plan for ${school.name}`,
      school,
      ectCount: plan.ects.length,
      months,
      csvHref: `/schools/${school.urn}/plan.csv`,
      icsHref: `/schools/${school.urn}/plan.ics`,
    });
  });

  router.get('/schools/:urn/plan.csv', roles, async (req, res) => {
    const { school, plan } = await load(req);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="induction-plan-${school.urn}.csv"`);
    res.send(toCsv(CSV_COLUMNS, plan.entries));
  });

  router.get('/schools/:urn/plan.ics', roles, async (req, res) => {
    const { school, plan } = await load(req);
    const name = `induction-plan-${school.urn}`;
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.ics"`);
    res.send(planCalendar(plan, name, new Date(`${services.today()}T00:00:00Z`)).toString());
  });

  return router;
}
