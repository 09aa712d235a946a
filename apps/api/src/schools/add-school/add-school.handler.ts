import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../../domain/clock.token.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { LEDGER_DOMAIN, schoolStreamId, type LedgerDomain } from '../../domain/ledger-domain.js';
import type { AddSchoolRequestDto } from './add-school.request.dto.js';

export class AddSchoolCommand extends Command<CommandAccepted> {
  constructor(
    readonly request: AddSchoolRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A school joins the AB's register; its URN is its stream, so adding it twice is a 409. */
@CommandHandler(AddSchoolCommand)
export class AddSchoolHandler implements ICommandHandler<AddSchoolCommand> {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.runner = runner;
  }

  execute({ request, context }: AddSchoolCommand): Promise<CommandAccepted> {
    return this.runner.run({
      streamId: schoolStreamId(request.urn),
      id: request.urn,
      location: `/api/v1/schools/${request.urn}`,
      decider: this.domain.school,
      toDomainEvent: this.domain.toSchoolEvent,
      context,
      command: { type: 'AddSchool', data: { ...request, on: londonDate(this.clock.now()) } },
    });
  }
}
