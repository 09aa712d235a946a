import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ChangeWorkingPatternRequestDto } from './change-working-pattern.request.dto.js';

/** R4/R7: a new FTE from a date; simultaneous posts together stay within 1.0 FTE. */
export class ChangeWorkingPatternCommand extends EctRequestCommand<ChangeWorkingPatternRequestDto> {}

@CommandHandler(ChangeWorkingPatternCommand)
export class ChangeWorkingPatternHandler implements ICommandHandler<ChangeWorkingPatternCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: ChangeWorkingPatternCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'ChangeWorkingPattern',
      data: {
        fte: body.fte,
        from: body.from,
        ...(body.postId === undefined ? {} : { postId: body.postId }),
        on,
      },
    }));
  }
}
