import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonIdentity } from '../../domain/person-identity.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { AssignAbContactRequestDto } from './assign-ab-contact.request.dto.js';

/** R22 (2.28): names the ECT's AB contact; the domain then refuses them as a decider (R16/R22). */
export class AssignAbContactCommand extends EctRequestCommand<AssignAbContactRequestDto> {}

@CommandHandler(AssignAbContactCommand)
export class AssignAbContactHandler implements ICommandHandler<AssignAbContactCommand> {
  constructor(
    private readonly writes: EctWrites,
    private readonly identity: PersonIdentity,
  ) {}

  execute(command: AssignAbContactCommand) {
    return this.writes.run(command, async ({ body }, _state, on) => ({
      type: 'AssignAbContact',
      data: {
        contact: {
          personId: await this.identity.contactIdForEmail(body.email),
          name: body.name,
          email: body.email,
        },
        ...(body.userId ? { accountId: body.userId } : {}),
        on,
      },
    }));
  }
}
