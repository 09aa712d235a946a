import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordFidelityCheckRequestDto } from './record-fidelity-check.request.dto.js';

/** R22 (5.8): the fidelity check of a school-led programme. */
export class RecordFidelityCheckCommand extends EctRequestCommand<RecordFidelityCheckRequestDto> {}

@CommandHandler(RecordFidelityCheckCommand)
export class RecordFidelityCheckHandler implements ICommandHandler<RecordFidelityCheckCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RecordFidelityCheckCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'RecordFidelityCheck',
      data: { checkedOn: body.checkedOn, coversFramework: body.coversFramework, notes: body.notes, on },
    }));
  }
}
