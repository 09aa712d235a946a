/**
 * Nunjucks over our views, GOV.UK Frontend and MoJ Frontend templates (`govuk/...`, `moj/...` imports),
 * with the filters the pages use. Templates are compiled once, except in development, where an edited view
 * shows on the next request (recompiling GOV.UK's macros costs about a second a page, too slow for tests).
 */
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { WEB_PATHS } from './web-paths.js';
import {
  dueKind,
  govukDate,
  govukDateTime,
  programmeName,
  ROLE_NAMES,
  statusTag,
} from './view-models/format.js';

export const SERVICE_NAME = 'Manage ECT induction';

export function setUpNunjucks(app: Express, development: boolean): nunjucks.Environment {
  const env = nunjucks.configure([WEB_PATHS.views, WEB_PATHS.govukFrontend, WEB_PATHS.mojFrontend], {
    autoescape: true,
    express: app,
    noCache: development,
  });
  app.set('view engine', 'njk');
  env.addFilter('govukDate', govukDate);
  env.addFilter('govukDateTime', govukDateTime);
  env.addFilter('statusTag', statusTag);
  env.addFilter('dueKind', dueKind);
  env.addFilter('programmeName', programmeName);
  env.addFilter('roleName', (role: unknown) => ROLE_NAMES[String(role)] ?? String(role));
  env.addGlobal('serviceName', SERVICE_NAME);
  return env;
}
