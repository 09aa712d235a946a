import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { ModerationCheckWrites } from '../moderation-check-writes.js';
import type { ReturnFormForAmendmentRequestDto } from './return-form-for-amendment.request.dto.js';

export class ReturnFormForAmendmentCommand extends Command<CommandAccepted> {
  constructor(
    readonly formId: string,
    readonly body: ReturnFormForAmendmentRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A moderator returns a sampled form to its school for amendment (once: a second return is 409). */
@CommandHandler(ReturnFormForAmendmentCommand)
export class ReturnFormForAmendmentHandler implements ICommandHandler<ReturnFormForAmendmentCommand> {
  constructor(private readonly checks: ModerationCheckWrites) {}

  execute({ formId, body, context }: ReturnFormForAmendmentCommand): Promise<CommandAccepted> {
    return this.checks.run(formId, context, (form, on) => ({
      type: 'ReturnFormForAmendment',
      data: {
        formId: form.formId,
        ectId: form.ectId,
        reason: body.reason,
        moderatorId: context.principal.userId,
        on,
      },
    }));
  }
}
