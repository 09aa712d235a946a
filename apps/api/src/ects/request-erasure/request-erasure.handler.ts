import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RequestErasureRequestDto } from './request-erasure.request.dto.js';

/**
 * R23: records the request (refused while the 6-year retention runs). From this event on the projections show
 * the person's fields as null; `POST /people/:subjectId/erasure` then deletes their key (crypto-shredding).
 */
export class RequestErasureCommand extends EctRequestCommand<RequestErasureRequestDto> {}

@CommandHandler(RequestErasureCommand)
export class RequestErasureHandler implements ICommandHandler<RequestErasureCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RequestErasureCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'RequestErasure',
      data: { subjectId: body.subjectId.toLowerCase(), on },
    }));
  }
}
