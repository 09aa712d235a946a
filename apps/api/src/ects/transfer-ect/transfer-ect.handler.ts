import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { TransferEctRequestDto } from './transfer-ect.request.dto.js';

/**
 * A transfer or release. A tutor may move their ECT to a school that is not theirs (that school's tutors see
 * the ECT from then on, and this tutor no longer does); the new school must be on the AB's register.
 */
export class TransferEctCommand extends EctRequestCommand<TransferEctRequestDto> {}

@CommandHandler(TransferEctCommand)
export class TransferEctHandler implements ICommandHandler<TransferEctCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: TransferEctCommand) {
    const { body } = command;
    return this.writes.run(command, async (_command, _state, on) => {
      if (body.toSchoolUrn !== undefined) await this.writes.requireSchool(body.toSchoolUrn, 'toSchoolUrn');
      return {
        type: 'TransferEct',
        data: {
          leftOn: body.leftOn,
          reason: body.reason,
          ...(body.toSchoolUrn === undefined ? {} : { toSchoolUrn: body.toSchoolUrn }),
          ...(body.postId === undefined ? {} : { postId: body.postId }),
          on,
        },
      };
    });
  }
}
