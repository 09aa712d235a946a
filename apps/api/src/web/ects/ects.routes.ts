/**
 * ECT pages: the list (scoped: a tutor sees only their school's ECTs) and one ECT's induction. An id outside
 * the user's schools is a 404, exactly like an unknown id (EctQueries decides), so ids cannot be probed.
 */
import { NotFoundException } from '@nestjs/common';
import { Router } from 'express';
import { ECT_STATUSES, type EctStatus } from '../../ects/ect-status.js';
import { principalOf, requireRole } from '../middleware/current-user.js';
import { statusTag } from '../view-models/format.js';
import type { WebServices } from '../web-services.js';
import { everyPage } from '../view-models/pagination.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { ectPageView, timelineView } from './ect-page.view-model.js';
import { ectPageExtras } from './ect-page-extras.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;
const ROLE_NAMES: Record<string, string> = {
  hub_staff: 'Hub staff',
  panel_member: 'Panel member',
  induction_tutor: 'Induction tutor',
  moderator: 'Moderator',
};
const READ_NAMES: Record<string, string> = {
  'ect-record': 'ECT record (API)',
  'ect-history': 'History (API)',
  'ect-page': 'ECT page',
  'panel-case-file': 'Panel case file (API)',
  'panel-case-page': 'Panel case page',
  'panel-cases-list': 'Panel cases list',
  'moderation-form': 'Moderation form',
  'moderation-queue': 'Moderation queue',
};
const readAt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const formatReadAt = (iso: string) => readAt.format(new Date(iso));

export function ectRoutes(services: WebServices, extra: TutorHubServices): Router {
  const router = Router();

  router.get('/ects', requireRole(), async (req, res) => {
    const principal = principalOf(req);
    const status = ECT_STATUSES.includes(req.query['status'] as EctStatus)
      ? (req.query['status'] as EctStatus)
      : undefined;
    const schools = await services.schools.visibleTo(principal);
    const schoolUrn = schools.some((s) => s.urn === req.query['schoolUrn'])
      ? String(req.query['schoolUrn'])
      : undefined;
    const pageNumber = Math.max(
      1,
      Math.min(10_000, Number.parseInt(String(req.query['page'] ?? '1'), 10) || 1),
    );
    const page = await services.ects.list(principal, {
      status,
      schoolUrn,
      page: pageNumber,
      pageSize: PAGE_SIZE,
    });
    const names = new Map(schools.map((s) => [s.urn, s.name]));
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
    const query = (n: number) =>
      `/ects?${new URLSearchParams({ ...(status ? { status } : {}), ...(schoolUrn ? { schoolUrn } : {}), page: String(n) })}`;
    res.render('pages/ects', {
      pageTitle: 'ECTs',
      total: page.total,
      ects: page.items.map((e) => ({
        id: e.id,
        name: [e.firstName, e.lastName].filter(Boolean).join(' ') || 'Name erased',
        sortName: `${e.lastName ?? ''} ${e.firstName ?? ''}`.trim(),
        trn: e.trn,
        school: names.get(e.schoolUrn ?? '') ?? e.schoolUrn,
        status: statusTag(e['status']),
        statusKey: e['status'],
        startDate: e['startDate'],
        termsServed: e['termsServed'],
        termsRequired: e['termsRequired'],
      })),
      statusItems: [
        { value: '', text: 'Any status' },
        ...ECT_STATUSES.map((s) => ({ value: s, text: statusTag(s).text, selected: s === status })),
      ],
      schoolItems:
        schools.length > 1
          ? [
              { value: '', text: 'Any school' },
              ...schools.map((s) => ({ value: s.urn, text: s.name, selected: s.urn === schoolUrn })),
            ]
          : null,
      canRegister: principal.role === 'induction_tutor' || principal.role === 'hub_staff',
      pagination:
        pages > 1
          ? {
              previous: pageNumber > 1 ? { href: query(pageNumber - 1) } : undefined,
              next: pageNumber < pages ? { href: query(pageNumber + 1) } : undefined,
              items: Array.from({ length: pages }, (_, i) => ({
                number: i + 1,
                href: query(i + 1),
                current: i + 1 === pageNumber,
              })),
            }
          : null,
    });
  });

  router.get('/ects/:id', requireRole(), async (req, res) => {
    const principal = principalOf(req);
    const id = String(req.params['id']);
    if (!UUID.test(id)) throw new NotFoundException();
    const ect = await services.ects.get(principal, id.toLowerCase());
    const school = ect.schoolUrn ? await services.schools.get(principal, ect.schoolUrn) : null;
    // The whole timeline: an ECT with a long induction has more than one read-model page of events.
    const events = {
      items: await everyPage((page, pageSize) =>
        services.auditTrail.list(principal, ect.id, { page, pageSize }),
      ),
    };
    await services.accessLog.record(principal, [ect.id], 'ect-page', req);
    // R23: hub staff see who has read this ECT's reviews and assessments (the newest 50).
    const accessLog =
      principal.role === 'hub_staff' ? await services.accessLog.list(ect.id, { pageSize: 50 }) : null;
    res.render('pages/ect', {
      ...ectPageView(ect, school?.name ?? null, services.today()),
      ...(await ectPageExtras(extra, principal, ect, events.items, services.today())),
      timeline: timelineView(events.items),
      accessLog: accessLog && {
        total: accessLog.total,
        rows: accessLog.items.map((a) => [
          { text: formatReadAt(a.readAt) },
          { text: a.actorId },
          { text: ROLE_NAMES[a.actorRole] ?? a.actorRole },
          { text: READ_NAMES[a.what] ?? a.what },
        ]),
      },
      canReview: principal.role === 'induction_tutor' || principal.role === 'hub_staff',
    });
  });

  return router;
}
