import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../../domain/clock.token.js';
import { PersonIdentity } from '../../domain/person-identity.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { LEDGER_DOMAIN, schoolStreamId, type LedgerDomain } from '../../domain/ledger-domain.js';
import type { NameSchoolContactRequestDto } from './name-school-contact.request.dto.js';

export class NameSchoolContactCommand extends Command<CommandAccepted> {
  constructor(
    readonly urn: string,
    readonly request: NameSchoolContactRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * A school names its head, an induction tutor or a mentor (domain: NameSchoolContact). The person's id is
 * derived from their email, as for an ECT's mentor and tutor, so a retry or a second naming finds the same
 * person; their name and email are sealed in the event with that person's key (crypto-shredding).
 */
@CommandHandler(NameSchoolContactCommand)
export class NameSchoolContactHandler implements ICommandHandler<NameSchoolContactCommand> {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly people: PersonIdentity,
  ) {
    this.runner = runner;
  }

  async execute({ urn, request, context }: NameSchoolContactCommand): Promise<CommandAccepted> {
    const personId = await this.people.contactIdForEmail(request.email);
    return this.runner.run({
      streamId: schoolStreamId(urn),
      id: personId,
      location: `/api/v1/schools/${urn}`,
      decider: this.domain.school,
      toDomainEvent: this.domain.toSchoolEvent,
      context,
      command: {
        type: 'NameSchoolContact',
        data: {
          role: request.role,
          contact: {
            personId,
            name: request.name.trim(),
            email: request.email.trim(),
            ...(request.hasQts === undefined ? {} : { hasQts: request.hasQts }),
          },
          on: londonDate(this.clock.now()),
        },
      },
    });
  }
}
