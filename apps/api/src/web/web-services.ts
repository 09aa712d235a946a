/**
 * What the pages use of the application: the command bus (the same commands the JSON API sends), the query
 * services, and the read-your-writes wait, so the page after a form shows what the form just did.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '#platform/config/app-config.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { SchoolEntity, type SchoolRow } from '#read-models/schools/school-directory.projection.js';
import { canSeeSchool, schoolScope, type Principal } from '../auth/principal.js';
import { CLOCK } from '../domain/clock.token.js';
import { EctQueries } from '../ects/ect-queries.js';
import { EctAuditTrailQuery } from '../ects/ect-audit-trail/ect-audit-trail.query.js';
import { AssessmentAccessLog } from '../audit/assessment-access-log.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';

export interface WebServices {
  readonly config: AppConfig;
  readonly commands: CommandBus;
  readonly ects: EctQueries;
  /** The ECT's events, for the timeline on its page. */
  readonly auditTrail: EctAuditTrailQuery;
  /** R23: who read an ECT's reviews and assessments (recorded by every page that shows them). */
  readonly accessLog: AssessmentAccessLog;
  readonly dataSource: DataSource;
  readonly schools: SchoolDirectory;
  today(): string;
  /** Sends a command as `principal` and waits (bounded) until the read models show it. */
  execute(
    principal: Principal,
    command: (context: CommandContext) => object,
    idempotencyKey?: string,
  ): Promise<CommandAccepted>;
}

export interface SchoolDirectory {
  all(): Promise<SchoolRow[]>;
  /** The schools this principal may see (a tutor: their own). */
  visibleTo(principal: Principal): Promise<SchoolRow[]>;
  get(principal: Principal, urn: string): Promise<SchoolRow | null>;
  count(): Promise<number>;
}

export function webServices(
  app: INestApplicationContext,
  config: AppConfig,
  projectionNames: readonly string[],
): WebServices {
  const dataSource = app.get(DataSource);
  const commands = app.get(CommandBus);
  const freshness = app.get(ReadModelFreshness);
  const clock = app.get<Clock>(CLOCK);
  const repository = () => dataSource.getRepository(SchoolEntity);
  return {
    config,
    commands,
    ects: app.get(EctQueries),
    auditTrail: app.get(EctAuditTrailQuery),
    accessLog: app.get(AssessmentAccessLog),
    dataSource,
    today: () => londonDate(clock.now()),
    schools: {
      all: () => repository().find({ order: { name: 'ASC', urn: 'ASC' } }),
      async visibleTo(principal) {
        const scope = schoolScope(principal);
        const all = await repository().find({ order: { name: 'ASC', urn: 'ASC' } });
        return scope ? all.filter((s) => scope.includes(s.urn)) : all;
      },
      async get(principal, urn) {
        if (!/^\d{6}$/.test(urn) || !canSeeSchool(principal, urn)) return null;
        return repository().findOne({ where: { urn } });
      },
      count: () => repository().count(),
    },
    async execute(principal, command, idempotencyKey) {
      const correlationId = randomUUID();
      const accepted = (await commands.execute(
        command({ principal, correlationId, causationId: correlationId, idempotencyKey }) as never,
      )) as CommandAccepted;
      await freshness.waitFor(accepted.logPosition, projectionNames, config.readWaitTimeoutMs);
      return accepted;
    },
  };
}
