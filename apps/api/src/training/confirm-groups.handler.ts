import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { conflict, invalid } from '#induction/shared/domain-error.js';
import type { TrainingCommand } from '#induction/training/training-programme.decider.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import type { ConfirmGroupsRequestDto } from './training.request.dto.js';
import { TrainingWrites } from './training-writes.js';

export class ConfirmGroupsCommand extends Command<CommandAccepted> {
  constructor(
    readonly year: number,
    readonly request: ConfirmGroupsRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Hub staff confirm the year-1 phase groups (the suggestion, or their adjustment of it): a new group is formed
 * with its one facilitator for the year, and each ECT is allocated to exactly one group (moved if elsewhere).
 */
@CommandHandler(ConfirmGroupsCommand)
export class ConfirmGroupsHandler implements ICommandHandler<ConfirmGroupsCommand> {
  constructor(private readonly writes: TrainingWrites) {}

  async execute({ year, request, context }: ConfirmGroupsCommand): Promise<CommandAccepted> {
    const ectIds = request.groups.flatMap((g) => g.ectIds.map((id) => id.toLowerCase()));
    const seen = new Set<string>();
    for (const id of ectIds) {
      if (seen.has(id)) throw invalid(`ectIds: ECT ${id} is in more than one group`, 'ectIds');
      seen.add(id);
    }
    if (new Set(request.groups.map((g) => g.groupId)).size !== request.groups.length)
      throw invalid('groups: each groupId once', 'groupId');
    for (const id of seen)
      if (!(await this.writes.ectExists(id))) throw invalid(`ectIds: no ECT with id ${id}`, 'ectIds');
    const { state: _state, ...accepted } = await this.writes.run(
      year,
      context,
      (state, on) => {
        const commands: TrainingCommand[] = [];
        for (const group of request.groups) {
          const formed = state.groups.find((g) => g.groupId === group.groupId);
          if (formed && formed.facilitatorId !== group.facilitator.personId.toLowerCase())
            throw conflict(`Group ${group.groupId} already has its facilitator for the year`);
          if (formed && formed.phase !== group.phase)
            throw conflict(`Group ${group.groupId} is a ${formed.phase} group`);
          if (!formed)
            commands.push({
              type: 'FormPhaseGroup',
              data: {
                groupId: group.groupId,
                name: group.name,
                phase: group.phase,
                facilitator: {
                  personId: group.facilitator.personId.toLowerCase(),
                  name: group.facilitator.name,
                },
                on,
              },
            });
          for (const ectId of group.ectIds)
            commands.push({
              type: 'AllocateEctToGroup',
              data: { ectId: ectId.toLowerCase(), groupId: group.groupId, on },
            });
        }
        return commands;
      },
      `/api/v1/training/${year}/groups`,
    );
    return accepted;
  }
}
