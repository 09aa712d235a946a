import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { PanelMeetingWrites } from '../panel-meeting-writes.js';
import type { AddPanelMembersRequestDto } from './add-panel-members.request.dto.js';

export class AddPanelMembersCommand extends Command<CommandAccepted> {
  constructor(
    readonly meetingId: string,
    readonly body: AddPanelMembersRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** More members join a scheduled panel meeting (each once). */
@CommandHandler(AddPanelMembersCommand)
export class AddPanelMembersHandler implements ICommandHandler<AddPanelMembersCommand> {
  constructor(private readonly meetings: PanelMeetingWrites) {}

  async execute({ meetingId, body, context }: AddPanelMembersCommand): Promise<CommandAccepted> {
    const meeting = await this.meetings.load(meetingId);
    return this.meetings.run(
      meeting.meetingId,
      {
        type: 'AddPanelMembers',
        data: {
          members: body.members.map((m) => ({ ...m, personId: m.personId.toLowerCase() })),
          on: this.meetings.today(),
        },
      },
      context,
    );
  }
}
