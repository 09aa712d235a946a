import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordInterimAssessmentRequestDto } from './record-interim-assessment.request.dto.js';

/** R13 interim assessment: the domain adds the FTE terms served and days absent since the last assessment. */
export class RecordInterimAssessmentCommand extends EctRequestCommand<RecordInterimAssessmentRequestDto> {}

@CommandHandler(RecordInterimAssessmentCommand)
export class RecordInterimAssessmentHandler implements ICommandHandler<RecordInterimAssessmentCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RecordInterimAssessmentCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'RecordInterimAssessment',
      data: { assessedOn: body.assessedOn, progress: body.progress, on },
    }));
  }
}
