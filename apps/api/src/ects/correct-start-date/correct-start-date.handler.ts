import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { CorrectStartDateRequestDto } from './correct-start-date.request.dto.js';

/** R20: the AB sets the start date; a wrong one is corrected by `StartDateCorrected`, keeping the old value. */
export class CorrectStartDateCommand extends EctRequestCommand<CorrectStartDateRequestDto> {}

@CommandHandler(CorrectStartDateCommand)
export class CorrectStartDateHandler implements ICommandHandler<CorrectStartDateCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: CorrectStartDateCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'CorrectStartDate',
      data: { startDate: body.startDate, reason: body.reason, on },
    }));
  }
}
