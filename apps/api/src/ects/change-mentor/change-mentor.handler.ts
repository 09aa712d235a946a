import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonIdentity } from '../../domain/person-identity.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ChangeMentorRequestDto } from './change-mentor.request.dto.js';

/** A change of mentor is a new event from a date; the previous mentor stays in the history. */
export class ChangeMentorCommand extends EctRequestCommand<ChangeMentorRequestDto> {}

@CommandHandler(ChangeMentorCommand)
export class ChangeMentorHandler implements ICommandHandler<ChangeMentorCommand> {
  constructor(
    private readonly writes: EctWrites,
    private readonly identity: PersonIdentity,
  ) {}

  execute(command: ChangeMentorCommand) {
    return this.writes.run(command, async ({ body }, _state, on) => ({
      type: 'ChangeMentor',
      data: {
        mentor: {
          personId: await this.identity.contactIdForEmail(body.email),
          name: body.name,
          email: body.email,
          ...(body.hasQts === undefined ? {} : { hasQts: body.hasQts }),
        },
        from: body.from,
        on,
      },
    }));
  }
}
