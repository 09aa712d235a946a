import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { invalid } from '#induction/shared/domain-error.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import type { RecordAttendanceRequestDto } from './training.request.dto.js';
import { TrainingWrites } from './training-writes.js';

export class RecordAttendanceCommand extends Command<CommandAccepted> {
  constructor(
    readonly year: number,
    readonly request: RecordAttendanceRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Hub staff record who attended one training event, on or after it (the decider's rules). */
@CommandHandler(RecordAttendanceCommand)
export class RecordAttendanceHandler implements ICommandHandler<RecordAttendanceCommand> {
  constructor(private readonly writes: TrainingWrites) {}

  async execute({ year, request, context }: RecordAttendanceCommand): Promise<CommandAccepted> {
    const ids = request.records.map((r) => r.participantId.toLowerCase());
    if (new Set(ids).size !== ids.length) throw invalid('records: each participant once', 'participantId');
    const { state: _state, ...accepted } = await this.writes.run(
      year,
      context,
      (_s, on) =>
        request.records.map((r) => ({
          type: 'RecordAttendance' as const,
          data: {
            eventId: request.eventId,
            participantId: r.participantId.toLowerCase(),
            role: r.role,
            attended: r.attended,
            on,
          },
        })),
      `/api/v1/training/${year}/attendance?eventId=${encodeURIComponent(request.eventId)}`,
    );
    return accepted;
  }
}
