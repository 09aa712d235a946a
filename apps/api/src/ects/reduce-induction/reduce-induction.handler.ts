import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ReduceInductionRequestDto } from './reduce-induction.request.dto.js';

/** R6 reduction (reg 7(3), 3.2–3.5): the AB's decision, with the ECT's agreement and the head's advice. */
export class ReduceInductionCommand extends EctRequestCommand<ReduceInductionRequestDto> {}

@CommandHandler(ReduceInductionCommand)
export class ReduceInductionHandler implements ICommandHandler<ReduceInductionCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: ReduceInductionCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'ReduceInduction',
      data: {
        reducedTo: body.reducedTo,
        ectAgreedOn: body.ectAgreedOn,
        headAdvisedOn: body.headAdvisedOn,
        reason: body.reason,
        on,
      },
    }));
  }
}
