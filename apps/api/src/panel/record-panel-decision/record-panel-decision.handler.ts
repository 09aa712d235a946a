import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { panelMeetingDecider, type RecordPanelDecision } from '#induction/panel/panel-meeting.decider.js';
import { openPosts } from '#induction/induction/ect.state.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { DecideOutcomeCommand } from '../../ects/decide-outcome/decide-outcome.handler.js';
import type { DecideOutcomeRequestDto } from '../../ects/decide-outcome/decide-outcome.request.dto.js';
import { EctWrites } from '../../ects/shared/ect-writes.js';
import { PanelMeetingWrites } from '../panel-meeting-writes.js';
import type { RecordPanelDecisionRequestDto } from './record-panel-decision.request.dto.js';

export class RecordPanelDecisionCommand extends Command<CommandAccepted> {
  constructor(
    readonly meetingId: string,
    readonly body: RecordPanelDecisionRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * The panel decides a case (R16). The panel's own rules come first (a quorum present, none from the ECT's
 * schools: R21, a majority), so a refused panel writes nothing; then the AB decision goes through the same
 * `POST /ects/:id/outcome` path as any other (R16 length served, R17/R18 deadlines), and last the meeting
 * keeps who decided, why, and any dissent. With an Idempotency-Key both appends derive their event ids from
 * it, so a retry after a failure between them completes the second without repeating the first.
 */
@CommandHandler(RecordPanelDecisionCommand)
export class RecordPanelDecisionHandler implements ICommandHandler<RecordPanelDecisionCommand> {
  constructor(
    private readonly meetings: PanelMeetingWrites,
    private readonly ects: EctWrites,
    private readonly commands: CommandBus,
  ) {}

  async execute({ meetingId, body, context }: RecordPanelDecisionCommand): Promise<CommandAccepted> {
    const meeting = await this.meetings.load(meetingId);
    const { ectId, state: ect } = await this.ects.load(context.principal, body.ectId);
    const command: RecordPanelDecision = {
      type: 'RecordPanelDecision',
      data: {
        ectId,
        ectSchoolUrns: openPosts(ect).map((post) => post.schoolUrn),
        decision: body.decision,
        extensionTerms: body.extensionTerms,
        rationale: body.rationale,
        present: body.present.map((id) => id.toLowerCase()),
        dissent: (body.dissent ?? []).map((d) => ({ ...d, personId: d.personId.toLowerCase() })),
        on: body.decidedOn,
      },
    };
    const retried = meeting.state.decisions.some((d) => d.ectId === ectId && d.decidedOn === body.decidedOn);
    if (!retried) panelMeetingDecider.decide(command, meeting.state);

    const outcome: DecideOutcomeRequestDto = {
      decision: body.decision,
      decidedOn: body.decidedOn,
      extensionTerms: body.extensionTerms,
      rationale: body.rationale,
    };
    const { expectedRevision: _meetingRevision, ...ectContext } = context;
    await this.commands.execute(new DecideOutcomeCommand(ectId, outcome, ectContext));
    return this.meetings.run(meeting.meetingId, command, context, `/api/v1/panel/cases/${ectId}`);
  }
}
