/**
 * The GOV.UK web service, mounted on the same Express app as the JSON API (which keeps /api/v1, /health and
 * /metrics). One middleware per concern, in order: static assets (no session), security headers, session,
 * CSRF, current user, then the pages; unknown pages and errors render GOV.UK error pages, not JSON.
 * Pages are Express routers over the Nest container's services: they send the same commands as the API.
 */
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { Router, type RequestHandler } from 'express';
import { join } from 'node:path';
import type { AppConfig } from '#platform/config/app-config.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import { createCsrf } from './middleware/csrf.js';
import { currentUser } from './middleware/current-user.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createWebSession } from './middleware/web-session.js';
import { webErrorHandler, webNotFound } from './middleware/web-errors.js';
import { setUpNunjucks } from './nunjucks-setup.js';
import { signInRoutes } from './sign-in/sign-in.routes.js';
import { infoRoutes } from './pages/info.routes.js';
import { dashboardRoutes } from './dashboard/dashboard.routes.js';
import { ectRoutes } from './ects/ects.routes.js';
import { registerEctRoutes } from './ects/register-ect.routes.js';
import { progressReviewRoutes } from './ects/progress-review.routes.js';
import { schoolRoutes } from './schools/schools.routes.js';
import { schoolServiceRoutes } from './schools/school-service.routes.js';
import { surveyRoutes } from './surveys/survey.routes.js';
import { JOB_QUEUE, type JobQueue } from '#jobs/job-queue.port.js';
import { earlyHelpRoutes } from './hub/early-help.routes.js';
import { trainingRoutes } from './hub/training.routes.js';
import { calendarRoutes } from './hub/calendar.routes.js';
import { trainingPublishRoutes } from './hub/training-publish.routes.js';
import { panelRoutes } from './panel/panel.routes.js';
import { panelMeetingRoutes } from './panel/panel-meetings.routes.js';
import { moderationRoutes } from './moderation/moderation.routes.js';
import { PanelQueries } from '../panel/panel-queries.js';
import { ModerationQueries } from '../moderation/moderation-queries.js';
import { assessmentRoutes } from './ects/assessment.routes.js';
import { absenceRoutes } from './ects/absence.routes.js';
import { changeMentorRoutes } from './ects/change-mentor.routes.js';
import { schoolPlanRoutes } from './plans/school-plan.routes.js';
import { bulkUploadRoutes } from './bulk-upload/bulk-upload.routes.js';
import { entitlementRoutes } from './entitlements/entitlements.routes.js';
import { jobRoutes } from './jobs/jobs.routes.js';
import { tutorHubServices } from './tutor-hub-services.js';
import { WEB_PATHS } from './web-paths.js';
import { webServices } from './web-services.js';

/** Paths that belong to the JSON API and platform endpoints, never to the pages. */
const NOT_WEB = /^\/(api|health|metrics)(\/|$)/;

/** Closes what the web layer opened (the session store's connection) when the application closes. */
@Injectable()
export class WebResources implements OnApplicationShutdown {
  private readonly closers: (() => Promise<void>)[] = [];
  add(closer: () => Promise<void>): void {
    this.closers.push(closer);
  }
  async onApplicationShutdown(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
  }
}

export interface WebAppOptions {
  runtime: LedgerRuntime;
  projectionNames: readonly string[];
}

export async function mountWebApp(app: NestExpressApplication, options: WebAppOptions): Promise<void> {
  const config: AppConfig = options.runtime.config;
  const production = config.isProduction;
  const expressApp = app.getHttpAdapter().getInstance() as express.Express;
  setUpNunjucks(expressApp, config.nodeEnv === 'development');

  const staticOptions = { index: false, maxAge: production ? '1d' : 0, fallthrough: true };
  const assets = Router();
  assets.use('/assets/govuk', express.static(join(WEB_PATHS.govukFrontend, 'govuk'), staticOptions));
  assets.use('/assets/moj', express.static(join(WEB_PATHS.mojFrontend, 'moj'), staticOptions));
  assets.use('/assets/js', express.static(join(WEB_PATHS.public, 'javascripts'), staticOptions));
  assets.use('/assets/css', express.static(join(WEB_PATHS.public, 'stylesheets'), staticOptions));
  assets.use('/assets', express.static(join(WEB_PATHS.govukFrontend, 'govuk/assets'), staticOptions));
  assets.use('/assets', express.static(join(WEB_PATHS.mojFrontend, 'moj/assets'), staticOptions));

  const session = await createWebSession(options.runtime);
  app.get(WebResources).add(session.close);
  const csrf = createCsrf(config.sessionSecret, production);
  const services = webServices(app, config, options.projectionNames);
  const tutorHub = tutorHubServices(app, config, options.projectionNames);

  const web = Router();
  web.use(assets);
  web.use(...securityHeaders(production));
  web.use(cookieParser());
  web.use(session.middleware);
  web.use(...csrf.middleware);
  web.use(currentUser);
  web.use(signInRoutes(services));
  web.use(infoRoutes());
  web.use(dashboardRoutes(services, tutorHub));
  web.use(registerEctRoutes(services));
  web.use(progressReviewRoutes(services));
  web.use(assessmentRoutes(services));
  web.use(absenceRoutes(services));
  web.use(changeMentorRoutes(services));
  web.use(ectRoutes(services, tutorHub));
  web.use(schoolRoutes(services));
  web.use(surveyRoutes(services, app.get<JobQueue>(JOB_QUEUE)));
  web.use(schoolPlanRoutes(services, tutorHub));
  web.use(bulkUploadRoutes(tutorHub, csrf.protect));
  web.use(entitlementRoutes(services, tutorHub));
  web.use(jobRoutes(tutorHub));
  web.use(panelRoutes(services, app.get(PanelQueries)));
  web.use(panelMeetingRoutes(services, app.get(PanelQueries)));
  web.use(moderationRoutes(services, app.get(ModerationQueries)));
  web.use(earlyHelpRoutes(services, app));
  web.use(trainingPublishRoutes(services, app));
  web.use(trainingRoutes(services, app));
  web.use(calendarRoutes(services, app));
  web.use(schoolServiceRoutes(services));
  web.use(webNotFound);
  web.use(webErrorHandler);

  const onlyWebPaths: RequestHandler = (req, res, next) =>
    NOT_WEB.test(req.path) ? next() : web(req, res, next);
  app.use(onlyWebPaths);
}
