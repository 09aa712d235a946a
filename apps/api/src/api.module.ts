import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { EVENT_STORE } from '#event-store/event-store.port.js';
import { JOB_QUEUE } from '#jobs/job-queue.port.js';
import { APP_CONFIG } from '#platform/config/app-config.js';
import { KEY_VAULT } from '#platform/personal-data/key-vault.js';
import type { Clock } from '#platform/clock/clock.js';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { ApiTokenService, API_TOKEN_SECRET } from './auth/api-token.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { ApiTokensHttpController } from './auth/api-tokens.http-controller.js';
import { ApiTokenRevocations } from './auth/token-revocations.js';
import { ApiRateLimit } from './http/api-rate-limit.js';
import { BulkUploadService } from './bulk-upload/bulk-upload.service.js';
import { BulkUploadsHttpController } from './bulk-upload/bulk-uploads.http-controller.js';
import { DevTokensHttpController } from './dev/dev-tokens.http-controller.js';
import { CLOCK } from './domain/clock.token.js';
import { LEDGER_DOMAIN, type LedgerDomain } from './domain/ledger-domain.js';
import { PERSON_ID_DERIVER, PersonIdentity, type PersonIdDeriver } from './domain/person-identity.js';
import { EctQueries } from './ects/ect-queries.js';
import { SchoolRegister, SEALED_EVENT_STORE } from './schools/school-register.js';
import { EctsHttpController } from './ects/ects.http-controller.js';
import { EctLifecycleHttpController } from './ects/ect-lifecycle.http-controller.js';
import { ECT_LIFECYCLE_PROVIDERS } from './ects/ect-lifecycle.providers.js';
import { PeopleHttpController } from './ects/erase-personal-data/people.http-controller.js';
import { RegisterEctHandler } from './ects/register-ect/register-ect.handler.js';
import { HealthHttpController } from './health/health.http-controller.js';
import { PROJECTION_STATUS, type ProjectionStatusSource } from './health/projection-status.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { CommandResultInterceptor } from './http/command-result.interceptor.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { IdempotencyStore } from './http/idempotency.store.js';
import { commandRunnerFor, StreamCommandRunner } from './commands/stream-command-runner.js';
import {
  QUERY_PROJECTIONS,
  READ_WAIT_TIMEOUT_MS,
  ReadYourWritesInterceptor,
} from './http/read-your-writes.interceptor.js';
import { AB_OVERSIGHT_CONTROLLERS, AB_OVERSIGHT_PROVIDERS } from './audit/ab-oversight.providers.js';
import { CALENDAR_CONTROLLERS, CALENDAR_PROVIDERS } from './calendar/calendar.providers.js';
import { JOBS_CONTROLLERS, JOBS_PROVIDERS } from './jobs/jobs.providers.js';
import { SURVEY_CONTROLLERS, SURVEY_PROVIDERS } from './surveys/surveys.providers.js';
import { AddSchoolHandler } from './schools/add-school/add-school.handler.js';
import { NameSchoolContactHandler } from './schools/name-school-contact/name-school-contact.handler.js';
import { SchoolsHttpController } from './schools/schools.http-controller.js';
import { WebResources } from './web/web-app.js';
import { PANEL_CONTROLLERS, PANEL_PROVIDERS } from './panel/panel.providers.js';
import { MODERATION_CONTROLLERS, MODERATION_PROVIDERS } from './moderation/moderation.providers.js';

export interface ApiModuleOptions {
  runtime: LedgerRuntime;
  domain: LedgerDomain;
  clock: Clock;
  deriveId: PersonIdDeriver;
  projections: ProjectionStatusSource;
  /** Names of every projection: a read waits for all of them to pass X-Min-Log-Position. */
  projectionNames: string[];
}

/**
 * The HTTP application: JSON API under /api/v1, health, OpenAPI. Interceptors run outside in:
 * idempotency (replays a stored response) → read-your-writes wait → command result headers.
 */
@Module({})
export class ApiModule {
  static forRuntime(options: ApiModuleOptions): DynamicModule {
    const { runtime } = options;
    const infrastructure: Provider[] = [
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: EVENT_STORE, useValue: runtime.eventStore },
      { provide: SEALED_EVENT_STORE, useValue: runtime.storedEventStore },
      { provide: KEY_VAULT, useValue: runtime.keyVault },
      { provide: DataSource, useValue: runtime.dataSource },
      { provide: JOB_QUEUE, useValue: runtime.jobs },
      { provide: LEDGER_DOMAIN, useValue: options.domain },
      { provide: CLOCK, useValue: options.clock },
      { provide: PERSON_ID_DERIVER, useValue: options.deriveId },
      { provide: PROJECTION_STATUS, useValue: options.projections },
      { provide: API_TOKEN_SECRET, useValue: runtime.config.apiTokenSecret },
      { provide: READ_WAIT_TIMEOUT_MS, useValue: runtime.config.readWaitTimeoutMs },
      { provide: QUERY_PROJECTIONS, useValue: options.projectionNames },
      { provide: IdempotencyStore, useFactory: () => new IdempotencyStore(runtime.dataSource) },
      // One for every handler, so the folds it keeps (COMMAND_FOLD_CACHE_EVENTS) are shared by the process.
      { provide: StreamCommandRunner, useFactory: () => commandRunnerFor(runtime) },
      {
        provide: ApiTokenRevocations,
        // Revocation answers kept per token while LISTEN is up (not on embedded PGlite: no notifications).
        useFactory: () =>
          new ApiTokenRevocations(
            runtime.dataSource,
            runtime.embedded ? undefined : { listen: runtime.pool.options },
          ),
      },
      {
        provide: ReadModelFreshness,
        useFactory: () => new ReadModelFreshness(runtime.dataSource, runtime.eventStore),
      },
    ];
    return {
      module: ApiModule,
      imports: [CqrsModule.forRoot(), TerminusModule.forRoot({ logger: false })],
      controllers: [
        HealthHttpController,
        DevTokensHttpController,
        ApiTokensHttpController,
        SchoolsHttpController,
        EctsHttpController,
        EctLifecycleHttpController,
        PeopleHttpController,
        BulkUploadsHttpController,
        ...JOBS_CONTROLLERS,
        ...AB_OVERSIGHT_CONTROLLERS,
        ...SURVEY_CONTROLLERS,
        ...PANEL_CONTROLLERS,
        ...MODERATION_CONTROLLERS,
        ...CALENDAR_CONTROLLERS,
      ],
      providers: [
        ...infrastructure,
        ApiTokenService,
        ApiRateLimit,
        PersonIdentity,
        SchoolRegister,
        EctQueries,
        AddSchoolHandler,
        NameSchoolContactHandler,
        RegisterEctHandler,
        ...JOBS_PROVIDERS,
        ...AB_OVERSIGHT_PROVIDERS,
        ...SURVEY_PROVIDERS,
        ...PANEL_PROVIDERS,
        ...MODERATION_PROVIDERS,
        ...CALENDAR_PROVIDERS,
        WebResources,
        ...ECT_LIFECYCLE_PROVIDERS,
        BulkUploadService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor },
        { provide: APP_INTERCEPTOR, useClass: CommandResultInterceptor },
      ],
    };
  }
}
