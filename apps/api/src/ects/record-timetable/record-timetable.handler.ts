import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EctRequestCommand, EctWrites } from '../shared/ect-writes.js';
import type { RecordTimetableRequestDto } from './record-timetable.request.dto.js';

/** R22 (2.20): the timetable from a date; the entitlement check compares it with 90% / 95%. */
export class RecordTimetableCommand extends EctRequestCommand<RecordTimetableRequestDto> {}

@CommandHandler(RecordTimetableCommand)
export class RecordTimetableHandler implements ICommandHandler<RecordTimetableCommand> {
  constructor(private readonly writes: EctWrites) {}

  execute(command: RecordTimetableCommand) {
    return this.writes.run(command, ({ body }, _state, on) => ({
      type: 'RecordTimetable',
      data: { from: body.from, percentOfMainPayRangeTimetable: body.percentOfMainPayRangeTimetable, on },
    }));
  }
}
