import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordNotificationRequestDto } from './record-notification.request.dto.js';

/** R17: within 3 working days of the decision (the domain flags a late one); passes reach the TRA termly. */
export class RecordNotificationCommand extends EctRequestCommand<RecordNotificationRequestDto> {}

@CommandHandler(RecordNotificationCommand)
export class RecordNotificationHandler implements ICommandHandler<RecordNotificationCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RecordNotificationCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'RecordNotification',
      data: { recipient: body.recipient, notifiedOn: body.notifiedOn, on },
    }));
  }
}
