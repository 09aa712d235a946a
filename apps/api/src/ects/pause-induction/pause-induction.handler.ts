import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { PauseInductionRequestDto } from './pause-induction.request.dto.js';

/** Pauses induction from a date (R4: a pause other than statutory leave adds no FTE terms). */
export class PauseInductionCommand extends EctRequestCommand<PauseInductionRequestDto> {}

@CommandHandler(PauseInductionCommand)
export class PauseInductionHandler implements ICommandHandler<PauseInductionCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: PauseInductionCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'PauseInduction',
      data: { from: body.from, reason: body.reason, on },
    }));
  }
}
