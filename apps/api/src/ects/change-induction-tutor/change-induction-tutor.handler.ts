import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonIdentity } from '../../domain/person-identity.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { ChangeInductionTutorRequestDto } from './change-induction-tutor.request.dto.js';

/** A change of induction tutor, from a date; the previous tutor stays in the history. */
export class ChangeInductionTutorCommand extends EctRequestCommand<ChangeInductionTutorRequestDto> {}

@CommandHandler(ChangeInductionTutorCommand)
export class ChangeInductionTutorHandler implements ICommandHandler<ChangeInductionTutorCommand> {
  constructor(
    private readonly writes: EctWrites,
    private readonly identity: PersonIdentity,
  ) {}

  execute(command: ChangeInductionTutorCommand) {
    return this.writes.run(command, async ({ body }, _state, on) => ({
      type: 'ChangeInductionTutor',
      data: {
        inductionTutor: {
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
