/**
 * The annual survey's commands (issue 8): define a year's survey, invite every school's head and induction
 * tutor, record a response sent with a personal link. Each goes through the survey decider on the year's
 * stream (`survey-<year>`) with the thin runner of style.md.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import {
  RESPONDENT_ROLES,
  surveyDecider,
  surveyStreamId,
  type SurveyEvent,
} from '#induction/survey/annual-survey.decider.js';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import { CLOCK } from '../domain/clock.token.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import { invitationIdOf, surveyToken, tokenHash } from './survey-links.js';
import type {
  DefineSurveyRequestDto,
  InviteRespondentsRequestDto,
  SubmitSurveyResponseRequestDto,
} from './survey.requests.dto.js';

export const toSurveyEvent = (event: RecordedEvent): SurveyEvent =>
  ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as unknown as SurveyEvent;

export class DefineSurveyCommand extends Command<CommandAccepted> {
  constructor(
    readonly year: number,
    readonly request: DefineSurveyRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
export class InviteRespondentsCommand extends Command<CommandAccepted & { invited: number }> {
  constructor(
    readonly year: number,
    readonly request: InviteRespondentsRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}
export class SubmitSurveyResponseCommand extends Command<CommandAccepted> {
  constructor(
    readonly year: number,
    readonly request: SubmitSurveyResponseRequestDto,
    readonly context: CommandContext,
  ) {
    super();
  }
}

abstract class SurveyHandler {
  constructor(
    protected readonly runner: StreamCommandRunner,
    protected readonly clock: Clock,
  ) {}
  protected today(): string {
    return londonDate(this.clock.now());
  }
  protected location(year: number): string {
    return `/api/v1/surveys/${year}`;
  }
}

@CommandHandler(DefineSurveyCommand)
export class DefineSurveyHandler extends SurveyHandler implements ICommandHandler<DefineSurveyCommand> {
  constructor(runner: StreamCommandRunner, @Inject(CLOCK) clock: Clock) {
    super(runner, clock);
  }
  execute({ year, request, context }: DefineSurveyCommand): Promise<CommandAccepted> {
    return this.runner.run({
      streamId: surveyStreamId(year),
      id: String(year),
      location: this.location(year),
      decider: surveyDecider,
      toDomainEvent: toSurveyEvent,
      context,
      command: { type: 'DefineSurvey', data: { year, ...request, on: this.today() } },
    });
  }
}

@CommandHandler(InviteRespondentsCommand)
export class InviteRespondentsHandler
  extends SurveyHandler
  implements ICommandHandler<InviteRespondentsCommand>
{
  constructor(
    runner: StreamCommandRunner,
    @Inject(CLOCK) clock: Clock,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(runner, clock);
  }
  async execute({ year, request, context }: InviteRespondentsCommand) {
    const schools = (await this.dataSource.query(`SELECT urn FROM schools ORDER BY urn`)) as {
      urn: string;
    }[];
    let invited = 0;
    const result = await this.runner.run({
      streamId: surveyStreamId(year),
      id: String(year),
      location: `${this.location(year)}/respondents`,
      decider: surveyDecider,
      toDomainEvent: toSurveyEvent,
      context,
      command: (state) => {
        const expiresOn = request.expiresOn ?? state.definition?.closesOn ?? this.today();
        const invitations = schools.flatMap(({ urn }) =>
          RESPONDENT_ROLES.map((role) => {
            const invitationId = invitationIdOf(year, urn, role);
            const token = surveyToken(this.config.apiTokenSecret, invitationId);
            return { invitationId, schoolUrn: urn, role, tokenHash: tokenHash(token), expiresOn };
          }),
        );
        invited = invitations.filter((i) => state.invitations[i.invitationId] === undefined).length;
        return { type: 'InviteRespondents' as const, data: { invitations, on: this.today() } };
      },
    });
    return { ...result, invited };
  }
}

@CommandHandler(SubmitSurveyResponseCommand)
export class SubmitSurveyResponseHandler
  extends SurveyHandler
  implements ICommandHandler<SubmitSurveyResponseCommand>
{
  constructor(runner: StreamCommandRunner, @Inject(CLOCK) clock: Clock) {
    super(runner, clock);
  }
  execute({ year, request, context }: SubmitSurveyResponseCommand): Promise<CommandAccepted> {
    return this.runner.run({
      streamId: surveyStreamId(year),
      id: String(year),
      decider: surveyDecider,
      toDomainEvent: toSurveyEvent,
      context,
      command: {
        type: 'SubmitSurveyResponse',
        data: { tokenHash: tokenHash(request.token), answers: request.answers, on: this.today() },
      },
    });
  }
}
