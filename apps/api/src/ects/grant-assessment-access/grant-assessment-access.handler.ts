import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonIdentity } from '../../domain/person-identity.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { GrantAssessmentAccessRequestDto } from './grant-assessment-access.request.dto.js';

/** R23: records who can see the ECT's assessments, so the ECT may know. */
export class GrantAssessmentAccessCommand extends EctRequestCommand<GrantAssessmentAccessRequestDto> {}

@CommandHandler(GrantAssessmentAccessCommand)
export class GrantAssessmentAccessHandler implements ICommandHandler<GrantAssessmentAccessCommand> {
  constructor(
    private readonly writes: EctWrites,
    private readonly identity: PersonIdentity,
  ) {}

  execute(command: GrantAssessmentAccessCommand) {
    return this.writes.run(command, async ({ body }, _state, on) => ({
      type: 'GrantAssessmentAccess',
      data: {
        grantee: {
          personId: await this.identity.contactIdForEmail(body.email),
          name: body.name,
          email: body.email,
        },
        role: body.role,
        on,
      },
    }));
  }
}
