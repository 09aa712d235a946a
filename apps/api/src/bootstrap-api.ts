import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { createHttpLogger, PinoNestLogger } from '#platform/logging/logger.js';
import { ApiModule, type ApiModuleOptions } from './api.module.js';
import { applyGuardSecurity, guardedRoutes } from './auth/route-table.js';
import { ApiRateLimit } from './http/api-rate-limit.js';
import { createValidationPipe } from './http/validation.js';
import { mountWebApp } from './web/web-app.js';

export const API_PREFIX = 'api/v1';
/** JSON bodies are small; a larger one is refused with 413 before it is parsed. */
const JSON_LIMIT = '256kb';

/** Builds the HTTP application (not yet listening): used by `serve` and by the e2e tests alike. */
export async function createApiApplication(
  options: ApiModuleOptions & { logger: Logger },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRuntime(options), {
    logger: new PinoNestLogger(options.logger),
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(createHttpLogger(options.logger, { quietPaths: ['/health'] }));
  app.use(helmet());
  // Before the body is parsed: an over-limit client costs no more than a counter (http/api-rate-limit.ts).
  app.use(`/${API_PREFIX}`, app.get(ApiRateLimit).middleware);
  app.useBodyParser('json', { limit: JSON_LIMIT });
  app.useBodyParser('urlencoded', { limit: JSON_LIMIT, extended: false });
  // GOV.UK pages on every path outside /api, /health and /metrics (apps/api/src/web).
  await mountWebApp(app, { runtime: options.runtime, projectionNames: options.projectionNames });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Induction Ledger API')
      .setDescription(
        'Event-sourced induction records for an Appropriate Body. Writes accept Idempotency-Key and If-Match; ' +
          'they answer with ETag and X-Log-Position; reads accept X-Min-Log-Position. See shared/design/api.md.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  applyGuardSecurity(document, guardedRoutes(app, API_PREFIX));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
