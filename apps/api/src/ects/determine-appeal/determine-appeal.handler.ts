import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { DetermineAppealRequestDto } from './determine-appeal.request.dto.js';

/** R18 (2.71–2.73): a dismissed appeal makes a fail final (employment ends within 10 working days). */
export class DetermineAppealCommand extends EctRequestCommand<DetermineAppealRequestDto> {}

@CommandHandler(DetermineAppealCommand)
export class DetermineAppealHandler implements ICommandHandler<DetermineAppealCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: DetermineAppealCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'DetermineAppeal',
      data: { outcome: body.outcome, determinedOn: body.determinedOn, on },
    }));
  }
}
