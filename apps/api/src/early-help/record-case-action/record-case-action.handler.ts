import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  earlyHelpCaseDecider,
  earlyHelpStreamId,
  type EarlyHelpCommand,
  type EarlyHelpEvent,
} from '#induction/early-help/early-help-case.decider.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import { EctWrites } from '../../ects/shared/ect-writes.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import type { RecordCaseActionRequestDto } from './record-case-action.request.dto.js';

export class RecordCaseActionCommand extends Command<CommandAccepted> {
  constructor(
    readonly ectId: string,
    readonly request: RecordCaseActionRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Hub staff record what they did on an ECT's early-help case (issue 5): a contact with the school, a support
 * plan, a note, or closing it with a reason, through the case decider. A cause that arises after the closing
 * reopens it (`caseStatus`).
 */
@CommandHandler(RecordCaseActionCommand)
export class RecordCaseActionHandler implements ICommandHandler<RecordCaseActionCommand> {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    private readonly ects: EctWrites,
  ) {
    this.runner = runner;
  }

  async execute({ ectId: rawId, request, context }: RecordCaseActionCommand): Promise<CommandAccepted> {
    const { ectId } = await this.ects.load(context.principal, rawId);
    const on = this.ects.today();
    const byId = context.principal.userId;
    const command: EarlyHelpCommand =
      request.kind === 'closed'
        ? { type: 'ResolveCase', data: { ectId, resolution: request.note, byId, on } }
        : {
            type: 'RecordCaseAction',
            data: {
              ectId,
              actionId: randomUUID(),
              kind: request.kind,
              note: request.note,
              byId,
              on,
              ...(request.dueBy ? { dueBy: request.dueBy } : {}),
            },
          };
    const { state: _state, ...accepted } = await this.runner.run({
      streamId: earlyHelpStreamId(ectId),
      id: ectId,
      location: `/api/v1/early-help/cases/${ectId}`,
      decider: earlyHelpCaseDecider,
      toDomainEvent: (event) =>
        ({
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        }) as unknown as EarlyHelpEvent,
      context,
      command,
    });
    return accepted;
  }
}
