import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { SubmitRepresentationsRequestDto } from './submit-representations.request.dto.js';

/** R15 (reg 11): representations within 10 working days of the recommendation, dated today. */
export class SubmitRepresentationsCommand extends EctRequestCommand<SubmitRepresentationsRequestDto> {}

@CommandHandler(SubmitRepresentationsCommand)
export class SubmitRepresentationsHandler implements ICommandHandler<SubmitRepresentationsCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: SubmitRepresentationsCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'SubmitRepresentations',
      data: { summary: body.summary, on },
    }));
  }
}
