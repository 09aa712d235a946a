/**
 * The home page is the signed-in user's dashboard: a tutor sees what is due and overdue for their school's
 * ECTs; hub staff see counts that link to the lists; a panel member sees the cases awaiting a decision
 * (R16 deadlines). "Overdue" is decided here, at query time, never in a projection.
 */
import { Router } from 'express';
import { ECT_STATUSES } from '../../ects/ect-status.js';
import type { EctView } from '../../ects/ect-queries.js';
import type { Principal } from '../../auth/principal.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { dueKind, statusTag } from '../view-models/format.js';
import {
  everyPage,
  pageHref,
  pageWithin,
  paginationLinks,
  requestedPage,
  showing,
} from '../view-models/pagination.js';
import type { WebServices } from '../web-services.js';
import type { TutorHubServices } from '../tutor-hub-services.js';

/** A tutor's dashboard reads every ECT of their school(s), a read-model page at a time; the hub's shows counts. */
/** A panel member's cases a page (GOV.UK pagination, as the other long lists). */
const PANEL_PAGE_SIZE = 50;

interface DueItem {
  kind: string;
  dueBy: string;
  detail: string;
}

export function dashboardRoutes(services: WebServices, extra?: TutorHubServices): Router {
  const router = Router();

  router.get('/', requireRole(), async (req, res) => {
    const principal = principalOf(req);
    switch (principal.role) {
      case 'induction_tutor':
        return res.render('pages/dashboard-tutor', await tutorDashboard(services, principal));
      case 'panel_member':
        return res.render(
          'pages/dashboard-panel',
          extra
            ? await panelCasesDashboard(extra, requestedPage(req.query['page']))
            : await panelDashboard(services, principal),
        );
      default:
        return res.render('pages/dashboard-hub', {
          ...(await hubDashboard(services, principal)),
          ...(extra ? await hubAttention(extra, principal) : {}),
        });
    }
  });

  return router;
}

const nameOf = (e: EctView) => [e.firstName, e.lastName].filter(Boolean).join(' ') || 'Name erased';

async function tutorDashboard(services: WebServices, principal: Principal) {
  const today = services.today();
  const [page, schools] = await Promise.all([
    everyPage<EctView>((page, pageSize) => services.ects.list(principal, { page, pageSize })).then(
      (items) => ({
        items,
        total: items.length,
      }),
    ),
    services.schools.visibleTo(principal),
  ]);
  const items = page.items
    .flatMap((ect) =>
      ((ect['nextDue'] as DueItem[] | undefined) ?? []).map((item) => ({
        ectId: ect.id,
        name: nameOf(ect),
        kind: dueKind(item.kind),
        detail: item.detail,
        dueBy: item.dueBy,
        overdue: item.dueBy < today,
      })),
    )
    .sort((a, b) => a.dueBy.localeCompare(b.dueBy));
  return {
    pageTitle: 'Your dashboard',
    schoolNames: schools.map((s) => s.name).join(', '),
    overdue: items.filter((i) => i.overdue),
    upcoming: items.filter((i) => !i.overdue),
    ectCount: page.total,
    atRisk: page.items.filter((e) => e['atRisk'] === true).map((e) => ({ id: e.id, name: nameOf(e) })),
  };
}

async function hubDashboard(services: WebServices, principal: Principal) {
  const counts = await Promise.all(
    ECT_STATUSES.map(async (status) => ({
      status,
      text: statusTag(status).text,
      count: (await services.ects.list(principal, { status, pageSize: 1 })).total,
    })),
  );
  const all = await services.ects.list(principal, { pageSize: 1 });
  return {
    pageTitle: 'Hub dashboard',
    schoolCount: await services.schools.count(),
    ectCount: all.total,
    counts,
  };
}

/**
 * What needs the hub's attention, each linking to its list: ECTs missing an R22 entitlement, failed jobs, panel
 * cases awaiting a decision (and how many are past R16), open early-help cases, moderation checks to do.
 */
async function hubAttention(extra: TutorHubServices, principal: Principal) {
  const [entitlements, jobs, awaiting, overdue, earlyHelp, moderation] = await Promise.all([
    // Counted over every ECT in scope by the query service (a first page of ECTs would stop at its size).
    extra.entitlements.list(principal, { status: 'not-met', page: 1, pageSize: 1 }),
    extra.jobs.overview(),
    // Counted by the read model, not from a first page of cases (which stopped counting at its size).
    extra.panel.cases({ page: 1, pageSize: 1, status: 'awaiting-decision' }),
    extra.panel.cases({ page: 1, pageSize: 1, status: 'awaiting-decision', overdue: 'true' }),
    extra.earlyHelp.list({ page: 1, pageSize: 1, status: 'open' }),
    extra.moderation.queue({ page: 1, pageSize: 1, status: 'to-check' }),
  ]);
  return {
    entitlementShortfalls: entitlements.total,
    failedJobs: jobs.queues.reduce((sum, q) => sum + (q.counts.failed ?? 0), 0),
    panelAwaiting: awaiting.total,
    panelOverdue: overdue.total,
    earlyHelpOpen: earlyHelp.total,
    moderationToCheck: moderation.total,
  };
}

/**
 * A panel member's cases awaiting a decision, soonest R16 deadline first, paged by the read model (the
 * register's list, sorted here, only ever held its first 500 ECTs by name).
 */
async function panelCasesDashboard(extra: TutorHubServices, requested: number) {
  const load = (page: number) =>
    extra.panel.cases({ status: 'awaiting-decision', page, pageSize: PANEL_PAGE_SIZE });
  const first = await load(requested);
  const { page, pages } = pageWithin(requested, PANEL_PAGE_SIZE, first.total);
  const result = page === requested ? first : await load(page);
  return {
    pageTitle: 'Cases awaiting a decision',
    cases: result.items.map((c) => ({
      id: c.ectId,
      name: [c.firstName, c.lastName].filter(Boolean).join(' ') || 'Name erased',
      schoolUrn: c.schoolUrn,
      dueBy: c.decisionDueBy,
      overdue: c.overdue,
    })),
    total: result.total,
    showing: showing(page, PANEL_PAGE_SIZE, result.total, 'cases'),
    pagination: paginationLinks(page, pages, pageHref('/', {})),
  };
}

async function panelDashboard(services: WebServices, principal: Principal) {
  const today = services.today();
  const awaiting: EctView[] = await everyPage<EctView>((n, pageSize) =>
    services.ects.list(principal, { status: 'awaiting-decision', page: n, pageSize }),
  );
  const cases = awaiting
    .map((ect: EctView) => {
      const decision = ect['decision'] as { decisionDueBy?: string } | null | undefined;
      const dueBy = decision?.decisionDueBy ?? null;
      return {
        id: ect.id,
        name: nameOf(ect),
        schoolUrn: ect.schoolUrn,
        dueBy,
        overdue: dueBy !== null && dueBy < today,
      };
    })
    .sort((a, b) => (a.dueBy ?? '9999').localeCompare(b.dueBy ?? '9999'));
  return { pageTitle: 'Cases awaiting a decision', cases, total: awaiting.length };
}
