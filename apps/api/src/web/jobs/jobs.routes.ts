/**
 * Jobs and notifications for hub staff (what `GET /jobs` and `/jobs/notifications` answer): each queue's counts
 * and schedules, failed jobs with their reasons (retry sends them back to waiting), running jobs with progress,
 * and the notifications sent or recorded, newest first (no addresses).
 */
import { NotFoundException } from '@nestjs/common';
import { Router } from 'express';
import { JOB_STATES } from '#jobs/job-queue.port.js';
import { requireRole } from '../middleware/current-user.js';
import type { TutorHubServices } from '../tutor-hub-services.js';
import { govukDateTime } from '../view-models/format.js';
import { pageHref, pageWithin, paginationLinks, requestedPage, showing } from '../view-models/pagination.js';

const STATE_NAMES: Record<string, string> = {
  waiting: 'Waiting',
  active: 'Running',
  delayed: 'Delayed',
  completed: 'Completed',
  failed: 'Failed',
};

const progressText = (progress: unknown) =>
  typeof progress === 'number'
    ? `${progress}%`
    : progress && typeof progress === 'object'
      ? Object.entries(progress)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')
      : '';

/** Notifications a page on the jobs page (GOV.UK pagination, as the other long lists). */
const NOTIFICATIONS_PAGE_SIZE = 50;

export function jobRoutes(extra: TutorHubServices): Router {
  const router = Router();
  const hub = requireRole('hub_staff');

  router.get('/jobs', hub, async (req, res) => {
    // Notifications, newest first, a page at a time with the count (the page showed the newest 50 only).
    const [{ queues }, total] = await Promise.all([extra.jobs.overview(), extra.jobs.notificationCount()]);
    const { page, pages } = pageWithin(requestedPage(req.query['page']), NOTIFICATIONS_PAGE_SIZE, total);
    const notifications = await extra.jobs.notifications({
      limit: NOTIFICATIONS_PAGE_SIZE,
      offset: (page - 1) * NOTIFICATIONS_PAGE_SIZE,
    });
    res.render('pages/jobs', {
      pageTitle: 'Jobs and notifications',
      notificationsShowing: showing(page, NOTIFICATIONS_PAGE_SIZE, total, 'notifications'),
      notificationsPagination: paginationLinks(page, pages, pageHref('/jobs', {})),
      retried: req.query['retried'] === '1',
      countHead: [
        { text: 'Queue' },
        ...JOB_STATES.map((s) => ({ text: STATE_NAMES[s] ?? s, format: 'numeric' })),
      ],
      countRows: queues.map((q) => [
        { text: q.name },
        ...JOB_STATES.map((s) => ({ text: String(q.counts[s] ?? 0), format: 'numeric' })),
      ]),
      schedules: queues.flatMap((q) =>
        q.schedulers.map((s) => ({
          queue: q.name,
          name: s.name,
          when: s.pattern
            ? `${s.pattern}${s.tz ? ` (${s.tz})` : ''}`
            : s.everyMs
              ? `every ${s.everyMs / 1000} seconds`
              : '',
          next: s.next ? govukDateTime(s.next) : '',
        })),
      ),
      failed: queues.flatMap((q) =>
        q.failed.map((j) => ({
          queue: q.name,
          id: j.id,
          name: j.name,
          reason: j.failedReason ?? '',
          attempts: `${j.attemptsMade} of ${j.attempts}`,
          when: govukDateTime(j.finishedAt ?? j.createdAt),
        })),
      ),
      active: queues.flatMap((q) =>
        q.active.map((j) => ({ queue: q.name, name: j.name, progress: progressText(j.progress) })),
      ),
      notifications: notifications.map((n) => ({
        template: n.template,
        channel: n.channel,
        ectId: n.ectId,
        note: n.note,
        sentAt: govukDateTime(n.sentAt),
      })),
    });
  });

  router.post('/jobs/:queue/:id/retry', hub, async (req, res) => {
    const queue = String(req.params['queue']);
    const id = String(req.params['id']);
    if (!(await extra.jobs.retry(queue, id))) throw new NotFoundException();
    res.redirect(303, '/jobs?retried=1');
  });

  return router;
}
