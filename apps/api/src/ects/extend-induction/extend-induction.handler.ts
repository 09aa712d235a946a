import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ExtendInductionRequestDto } from './extend-induction.request.dto.js';

/** R19: the AB extends an open induction by FTE terms (an extension decided at the end is `/outcome`). */
export class ExtendInductionCommand extends EctRequestCommand<ExtendInductionRequestDto> {}

@CommandHandler(ExtendInductionCommand)
export class ExtendInductionHandler implements ICommandHandler<ExtendInductionCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: ExtendInductionCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'ExtendInduction',
      data: { terms: body.terms, reason: body.reason, grantedOn: body.grantedOn, on },
    }));
  }
}
