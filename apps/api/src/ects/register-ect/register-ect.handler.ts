import { ForbiddenException, Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import { invalid } from '#induction/shared/domain-error.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { KEY_VAULT, type KeyVault } from '#platform/personal-data/key-vault.js';
import { CLOCK } from '../../domain/clock.token.js';
import { PersonIdentity } from '../../domain/person-identity.js';
import { canSeeSchool } from '../../auth/principal.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import type { CommandAccepted } from '../../http/command-context.js';
import { LEDGER_DOMAIN, ectStreamId, type LedgerDomain } from '../../domain/ledger-domain.js';
import { SchoolRegister } from '../../schools/school-register.js';
import { RegisterEctCommand } from './register-ect.command.js';

/**
 * R20 registration. The ECT's id is derived from the TRN (one induction per person, reg 9), so the ECT's
 * stream is the same on every attempt: a duplicate registration meets the existing stream and the domain
 * answers 409 (open induction) or 422 (already passed or failed).
 */
@CommandHandler(RegisterEctCommand)
export class RegisterEctHandler implements ICommandHandler<RegisterEctCommand> {
  private readonly runner: StreamCommandRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    runner: StreamCommandRunner,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEY_VAULT) private readonly keyVault: KeyVault,
    private readonly identity: PersonIdentity,
    private readonly schools: SchoolRegister,
  ) {
    this.runner = runner;
  }

  async execute({ request, context }: RegisterEctCommand): Promise<CommandAccepted> {
    if (!canSeeSchool(context.principal, request.schoolUrn)) {
      throw new ForbiddenException([
        `You can only register ECTs at your own school (not ${request.schoolUrn})`,
      ]);
    }
    // The school is looked up while the ECT's stream is read: both only read, and nothing is written (no key,
    // no event) unless the school is on the register. A school seen before in this process answers at once.
    // Both are awaited below, after other awaits that may throw first: neither may be left rejected and unhandled.
    const school = this.schools.exists(request.schoolUrn);
    school.catch(() => undefined);
    const ectId = await this.identity.ectIdForTrn(request.trn);
    const streamId = ectStreamId(ectId);
    const folding = this.runner.fold(streamId, this.domain.ect, this.domain.toEctEvent);
    folding.catch(() => undefined);
    if (!(await school)) {
      throw invalid(
        `schoolUrn: no school with URN ${request.schoolUrn} is on the AB's register`,
        'schoolUrn',
      );
    }
    const mentorId = await this.identity.contactIdForEmail(request.mentor.email);
    const inductionTutorId = await this.identity.contactIdForEmail(request.inductionTutor.email);
    // The event is sealed with these three people's keys (the ECT's is new). Fetched, or created, in one
    // statement while the stream is still being read, the append's encryption finds them in memory instead of
    // waiting for one more round trip. A refused registration may leave the ECT a key and no data: harmless
    // (a key alone says nothing), and an erased person's tombstone is never replaced by a new key. Failures
    // are the append's to report, as before.
    void this.keyVault.keysFor([ectId, mentorId, inductionTutorId]).catch(() => undefined);
    return this.runner.run({
      streamId,
      loaded: await folding,
      id: ectId,
      location: `/api/v1/ects/${ectId}`,
      decider: this.domain.ect,
      toDomainEvent: this.domain.toEctEvent,
      context,
      command: {
        type: 'RegisterEct',
        data: {
          ectId,
          trn: request.trn,
          firstName: request.firstName,
          lastName: request.lastName,
          dateOfBirth: request.dateOfBirth,
          email: request.email,
          schoolUrn: request.schoolUrn,
          qtsAwardedOn: request.qtsAwardedOn,
          startDate: request.startDate,
          fte: request.fte,
          programme: request.programme,
          mentor: { personId: mentorId, ...request.mentor },
          inductionTutor: { personId: inductionTutorId, ...request.inductionTutor },
          on: londonDate(this.clock.now()),
        },
      },
    });
  }
}
