import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import type { PublishProgrammeRequestDto } from './training.request.dto.js';
import { TrainingWrites } from './training-writes.js';

export class PublishProgrammeCommand extends Command<CommandAccepted> {
  constructor(
    readonly year: number,
    readonly request: PublishProgrammeRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Hub staff publish the year's events once, by the start of the year (the decider's rules). */
@CommandHandler(PublishProgrammeCommand)
export class PublishProgrammeHandler implements ICommandHandler<PublishProgrammeCommand> {
  constructor(private readonly writes: TrainingWrites) {}

  async execute({ year, request, context }: PublishProgrammeCommand): Promise<CommandAccepted> {
    const { state: _state, ...accepted } = await this.writes.run(
      year,
      context,
      (_s, on) => [
        {
          type: 'PublishTrainingProgramme',
          data: { academicYear: year, events: request.events.map((e) => ({ ...e })), on },
        },
      ],
      `/api/v1/training/${year}/events`,
    );
    return accepted;
  }
}
