import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../../http/command-context.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ChooseLeaveExtensionRequestDto } from './choose-leave-extension.request.dto.js';

/** R9 (3.7): the ECT chooses whether statutory leave extends induction; the choice must be granted. */
export class ChooseLeaveExtensionCommand extends EctRequestCommand<ChooseLeaveExtensionRequestDto> {
  constructor(
    ectId: string,
    readonly absenceId: string,
    body: ChooseLeaveExtensionRequestDto,
    context: CommandContext,
  ) {
    super(ectId, body, context);
  }
}

@CommandHandler(ChooseLeaveExtensionCommand)
export class ChooseLeaveExtensionHandler implements ICommandHandler<ChooseLeaveExtensionCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: ChooseLeaveExtensionCommand) {
    return this.writes.run(command, ({ absenceId, body }, _state, on) => ({
      type: 'ChooseLeaveExtension',
      data: { absenceId, extend: body.extend, on },
    }));
  }
}
