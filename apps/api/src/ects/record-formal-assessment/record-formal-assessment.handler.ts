import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AssessmentRecommendation } from '#induction/induction/ect.events.js';
import { PersonIdentity } from '../../domain/person-identity.js';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordFormalAssessmentRequestDto } from './record-formal-assessment.request.dto.js';

/** api.md's final-assessment words for the head's recommendation, in the domain's (R15) words. */
const RECOMMENDATION: Record<RecordFormalAssessmentRequestDto['recommendation'], AssessmentRecommendation> = {
  satisfactory: 'satisfactory',
  unsatisfactory: 'unsatisfactory',
  extension: 'extension',
  pass: 'satisfactory',
  fail: 'unsatisfactory',
};

/**
 * R12 formal assessment; a final one is also the head's R15 recommendation, which starts the AB's R16 clock.
 * The assessor is identified by email with the same keyed id as the mentor and tutor, so the domain can
 * refuse a mentor who is not the tutor (2.55).
 */
export class RecordFormalAssessmentCommand extends EctRequestCommand<RecordFormalAssessmentRequestDto> {}

@CommandHandler(RecordFormalAssessmentCommand)
export class RecordFormalAssessmentHandler implements ICommandHandler<RecordFormalAssessmentCommand> {
  constructor(
    private readonly writes: EctWrites,
    private readonly identity: PersonIdentity,
  ) {}

  execute(command: RecordFormalAssessmentCommand) {
    return this.writes.run(command, async ({ body }, _state, on) => ({
      type: 'RecordFormalAssessment',
      data: {
        point: body.point,
        assessedOn: body.assessedOn,
        assessor: {
          personId: await this.identity.contactIdForEmail(body.assessor.email),
          role: body.assessor.role,
        },
        standards: body.standards,
        recommendation: RECOMMENDATION[body.recommendation],
        evidence: body.evidence,
        ectComment: body.ectComment,
        signedOn: {
          inductionTutor: body.signedOn.inductionTutor,
          head: body.signedOn.head,
          ect: body.signedOn.ect,
        },
        on,
      },
    }));
  }
}
