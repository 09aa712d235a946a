import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ResumeInductionRequestDto } from './resume-induction.request.dto.js';

/** Ends the current pause: induction accrues again from `from`. */
export class ResumeInductionCommand extends EctRequestCommand<ResumeInductionRequestDto> {}

@CommandHandler(ResumeInductionCommand)
export class ResumeInductionHandler implements ICommandHandler<ResumeInductionCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: ResumeInductionCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'ResumeInduction',
      data: { from: body.from, on },
    }));
  }
}
