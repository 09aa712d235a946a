import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { ModerationCheckWrites } from '../moderation-check-writes.js';
import type { RecordModerationFindingRequestDto } from './record-moderation-finding.request.dto.js';

export class RecordModerationFindingCommand extends Command<CommandAccepted> {
  constructor(
    readonly formId: string,
    readonly body: RecordModerationFindingRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A moderator's finding on a sampled form: one per form (a second is 409). */
@CommandHandler(RecordModerationFindingCommand)
export class RecordModerationFindingHandler implements ICommandHandler<RecordModerationFindingCommand> {
  constructor(private readonly checks: ModerationCheckWrites) {}

  execute({ formId, body, context }: RecordModerationFindingCommand): Promise<CommandAccepted> {
    return this.checks.run(formId, context, (form, on) => ({
      type: 'RecordModerationFinding',
      data: {
        formId: form.formId,
        ectId: form.ectId,
        verdict: body.verdict,
        feedback: body.feedback,
        moderatorId: context.principal.userId,
        on,
      },
    }));
  }
}
