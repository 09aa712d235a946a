import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { SubmitProgressReviewRequestDto } from './submit-progress-review.request.dto.js';

/** R11 progress review (2.48–2.54); not on track needs a support plan (4.1), and so does every later one (R14). */
export class SubmitProgressReviewCommand extends EctRequestCommand<SubmitProgressReviewRequestDto> {}

@CommandHandler(SubmitProgressReviewCommand)
export class SubmitProgressReviewHandler implements ICommandHandler<SubmitProgressReviewCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: SubmitProgressReviewCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'SubmitProgressReview',
      data: {
        term: body.term,
        reviewedOn: body.reviewedOn,
        onTrack: body.onTrack,
        strengths: body.strengths,
        areasForDevelopment: body.areasForDevelopment,
        supportPlan: body.supportPlan,
        ectComment: body.ectComment,
        on,
      },
    }));
  }
}
