import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordAbsenceRequestDto } from './record-absence.request.dto.js';

/**
 * R8/R9/R10: an absence is recorded once and never edited (withdrawn with a reason instead). Its id is new
 * here and returned in `Location`, so the ECT's R9 choice and a withdrawal can name it.
 */
export class RecordAbsenceCommand extends EctRequestCommand<RecordAbsenceRequestDto> {}

@CommandHandler(RecordAbsenceCommand)
export class RecordAbsenceHandler implements ICommandHandler<RecordAbsenceCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RecordAbsenceCommand) {
    const absenceId = randomUUID();
    const { body } = command;
    return this.writes.run(
      command,
      (_command, _state, on) => ({
        type: 'RecordAbsence',
        data: {
          absenceId,
          from: body.from,
          to: body.to,
          days: body.days,
          reason: body.reason,
          ...(body.extendForLeave === undefined ? {} : { extendForLeave: body.extendForLeave }),
          on,
        },
      }),
      { location: (ectId) => `/api/v1/ects/${ectId}/absences/${absenceId}` },
    );
  }
}
