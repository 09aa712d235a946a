import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { LodgeAppealRequestDto } from './lodge-appeal.request.dto.js';

/** R18 (2.70): notice of appeal against a fail or an extension, within 20 working days of the decision. */
export class LodgeAppealCommand extends EctRequestCommand<LodgeAppealRequestDto> {}

@CommandHandler(LodgeAppealCommand)
export class LodgeAppealHandler implements ICommandHandler<LodgeAppealCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: LodgeAppealCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'LodgeAppeal',
      data: { lodgedOn: body.lodgedOn, on },
    }));
  }
}
