import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../../http/command-context.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { WithdrawAbsenceRequestDto } from './withdraw-absence.request.dto.js';

/** A correction of an absence: a new event with a reason, the original stays in the audit trail. */
export class WithdrawAbsenceCommand extends EctRequestCommand<WithdrawAbsenceRequestDto> {
  constructor(
    ectId: string,
    readonly absenceId: string,
    body: WithdrawAbsenceRequestDto,
    context: CommandContext,
  ) {
    super(ectId, body, context);
  }
}

@CommandHandler(WithdrawAbsenceCommand)
export class WithdrawAbsenceHandler implements ICommandHandler<WithdrawAbsenceCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: WithdrawAbsenceCommand) {
    return this.writes.run(command, ({ absenceId, body }, _state, on) => ({
      type: 'WithdrawAbsence',
      data: { absenceId, reason: body.reason, on },
    }));
  }
}
