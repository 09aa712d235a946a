import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import type { Clock } from '#platform/clock/clock.js';
import { DomainError } from '#induction/shared/domain-error.js';
import { ApiModule } from '../../../api/src/api.module.js';
import type { CommandContext } from '../../../api/src/http/command-context.js';
import { AddSchoolCommand } from '../../../api/src/schools/add-school/add-school.handler.js';
import { AddSchoolRequestDto } from '../../../api/src/schools/add-school/add-school.request.dto.js';
import { RegisterEctCommand } from '../../../api/src/ects/register-ect/register-ect.command.js';
import { RegisterEctRequestDto } from '../../../api/src/ects/register-ect/register-ect.request.dto.js';
import { noProjectionsHere } from '../../../api/src/health/projection-status.js';
import { PersonIdentity } from '../../../api/src/domain/person-identity.js';
import { ectStreamId } from '#induction/induction/ect.decider.js';
import { schoolStreamId } from '#induction/schools/school.decider.js';
import type { Ledger } from '../compose.js';
import { DEMO_SCHOOLS, demoEcts } from './demo-ab.js';

export interface SeedSummary {
  schools: number;
  ects: number;
  skipped: number;
}

/**
 * Seeds the demo AB through the same command handlers the API uses, so the demo obeys every rule. Each
 * command has a fixed Idempotency-Key: seeding twice appends nothing the second time. A school or ECT whose
 * stream already holds events counts as skipped (already there), not as added: an idempotent replay of the
 * command succeeds, so its success alone does not say that anything was added.
 */
export async function seedDemo(ledger: Ledger, clock: Clock): Promise<SeedSummary> {
  const context = await NestFactory.createApplicationContext(
    ApiModule.forRuntime({
      runtime: ledger.runtime,
      domain: ledger.domain,
      clock,
      deriveId: ledger.deriveId,
      projections: noProjectionsHere,
      projectionNames: ledger.projections.map((p) => p.name),
    }),
    { logger: false },
  );
  try {
    const bus = context.get(CommandBus);
    const ctx = (key: string): CommandContext => ({
      principal: { userId: 'system:demo-seed', role: 'hub_staff', schoolUrns: [], name: 'Demo seed' },
      correlationId: `demo:${key}`,
      causationId: `demo:${key}`,
      idempotencyKey: `demo:${key}`,
    });
    const summary: SeedSummary = { schools: 0, ects: 0, skipped: 0 };
    const store = ledger.runtime.eventStore;
    const attempt = async (streamId: string, run: () => Promise<unknown>, counter: 'schools' | 'ects') => {
      if ((await store.readStream(streamId)).length > 0) {
        summary.skipped += 1;
        return;
      }
      try {
        await run();
        summary[counter] += 1;
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'conflict') summary.skipped += 1;
        else throw error;
      }
    };
    for (const school of DEMO_SCHOOLS) {
      const dto = plainToInstance(AddSchoolRequestDto, {
        urn: school.urn,
        name: school.name,
        phase: school.phase,
        localAuthority: school.localAuthority,
      });
      await attempt(
        schoolStreamId(school.urn),
        () => bus.execute(new AddSchoolCommand(dto, ctx(`school:${school.urn}`))),
        'schools',
      );
    }
    const identity = new PersonIdentity(ledger.deriveId);
    for (const ect of demoEcts()) {
      const dto = plainToInstance(RegisterEctRequestDto, ect);
      await attempt(
        ectStreamId(await identity.ectIdForTrn(ect.trn)),
        () => bus.execute(new RegisterEctCommand(dto, ctx(`ect:${ect.trn}`))),
        'ects',
      );
    }
    return summary;
  } finally {
    await context.close();
  }
}
