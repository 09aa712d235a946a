import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { AddSimultaneousPostRequestDto } from './add-simultaneous-post.request.dto.js';

/** R7 (3.14–3.16): a simultaneous post counts on its own under R5; together at most 1.0 FTE. */
export class AddSimultaneousPostCommand extends EctRequestCommand<AddSimultaneousPostRequestDto> {}

@CommandHandler(AddSimultaneousPostCommand)
export class AddSimultaneousPostHandler implements ICommandHandler<AddSimultaneousPostCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: AddSimultaneousPostCommand) {
    const postId = `post-${randomUUID()}`;
    const { body } = command;
    return this.writes.run(
      command,
      async (_command, _state, on) => {
        await this.writes.requireSchool(body.schoolUrn, 'schoolUrn');
        return {
          type: 'AddSimultaneousPost',
          data: { postId, schoolUrn: body.schoolUrn, startDate: body.startDate, fte: body.fte, on },
        };
      },
      { location: (ectId) => `/api/v1/ects/${ectId}/posts/${postId}` },
    );
  }
}
