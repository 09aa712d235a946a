import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { PanelMeetingWrites } from '../panel-meeting-writes.js';
import type { SchedulePanelMeetingRequestDto } from './schedule-panel-meeting.request.dto.js';

export class SchedulePanelMeetingCommand extends Command<CommandAccepted> {
  constructor(
    readonly body: SchedulePanelMeetingRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The hub schedules a panel meeting with its members and quorum (3 unless set). */
@CommandHandler(SchedulePanelMeetingCommand)
export class SchedulePanelMeetingHandler implements ICommandHandler<SchedulePanelMeetingCommand> {
  constructor(private readonly meetings: PanelMeetingWrites) {}

  execute({ body, context }: SchedulePanelMeetingCommand): Promise<CommandAccepted> {
    const meetingId = this.meetings.newMeetingId(context);
    return this.meetings.run(
      meetingId,
      {
        type: 'SchedulePanelMeeting',
        data: {
          meetingId,
          heldOn: body.heldOn,
          quorum: body.quorum,
          members: body.members.map((m) => ({ ...m, personId: m.personId.toLowerCase() })),
          on: this.meetings.today(),
        },
      },
      context,
    );
  }
}
