/**
 * The R22 entitlement report (what `GET /entitlements` and `/entitlements/schools` answer): per school, how many
 * ECTs meet each statutory entitlement; then each ECT with a check not met, linking to their page. Hub staff
 * see every school; a tutor their own (the query service scopes it).
 */
import { Router } from 'express';
import { In } from 'typeorm';
import { EctEntity } from '#read-models/ects/ect-register.projection.js';
import { ENTITLEMENTS } from '../../entitlements/list-entitlements.query.dto.js';
import { ENTITLEMENT_NAMES, ENTITLEMENT_TAGS } from '../ects/ect-page-extras.js';
import { pageWithin, paginationLinks, requestedPage, showing } from '../view-models/pagination.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import type { WebServices } from '../web-services.js';

/** Every school (a hub has about 150, the country about 3,000: the school table is one page). */
const ALL_SCHOOLS = { page: 1, pageSize: 10_000 };
/** ECTs with a shortfall listed per page. */
export const PAGE_SIZE = 50;

export function entitlementRoutes(services: WebServices, extra: TutorHubServices): Router {
  const router = Router();

  router.get('/entitlements', requireRole('hub_staff', 'induction_tutor'), async (req, res) => {
    const principal = principalOf(req);
    const requested = requestedPage(req.query['page']);
    // ECTs with a check not met, paged by the query service: counted over every ECT in scope, never cut off.
    const shortPage = (page: number) =>
      extra.entitlements.list(principal, { status: 'not-met', page, pageSize: PAGE_SIZE });
    const [schools, first, visible] = await Promise.all([
      extra.entitlements.bySchool(principal, ALL_SCHOOLS),
      shortPage(requested),
      services.schools.visibleTo(principal),
    ]);
    const schoolNames = new Map(visible.map((s) => [s.urn, s.name]));
    // A page past the end is the last page.
    const { page, pages } = pageWithin(requested, PAGE_SIZE, first.total);
    const shortfall = page === requested ? first : await shortPage(page);
    const short = shortfall.items;
    const people = short.length
      ? await services.dataSource.getRepository(EctEntity).find({
          where: { id: In(short.map((e) => e.ectId)) },
          select: { id: true, firstName: true, lastName: true },
        })
      : [];
    const names = new Map(
      people.map((p) => [p.id, [p.firstName, p.lastName].filter(Boolean).join(' ') || 'Name erased']),
    );
    res.render('pages/entitlements', {
      pageTitle: 'Statutory entitlements',
      ectCount: schools.items.reduce((sum, s) => sum + s.ects, 0),
      allMetCount: schools.items.reduce((sum, s) => sum + s.ectsWithAllMet, 0),
      head: [
        { text: 'School' },
        { text: 'ECTs', format: 'numeric' },
        { text: 'All met', format: 'numeric' },
        { text: 'Not met' },
      ],
      schoolRows: schools.items.map((s) => {
        const notMet = ENTITLEMENTS.filter((e) => (s.byEntitlement[e]?.notMet ?? 0) > 0).map(
          (e) => `${ENTITLEMENT_NAMES[e]}: ${s.byEntitlement[e]!.notMet}`,
        );
        return [
          { text: schoolNames.get(s.schoolUrn) ?? `URN ${s.schoolUrn}` },
          { text: String(s.ects), format: 'numeric' },
          { text: String(s.ectsWithAllMet), format: 'numeric' },
          { text: notMet.length ? notMet.join('; ') : 'None' },
        ];
      }),
      shortfalls: short.map((e) => ({
        id: e.ectId,
        name: names.get(e.ectId) ?? 'Name erased',
        school: schoolNames.get(e.schoolUrn ?? '') ?? e.schoolUrn,
        checks: e.checks
          .filter((c) => c.status === 'not-met')
          .map((c) => ({ name: ENTITLEMENT_NAMES[c.entitlement] ?? c.entitlement, detail: c.detail })),
      })),
      notMetTag: ENTITLEMENT_TAGS['not-met'],
      showing: showing(page, PAGE_SIZE, shortfall.total, 'ECTs'),
      pagination: paginationLinks(page, pages, (n) => `/entitlements?page=${n}`),
    });
  });

  return router;
}
