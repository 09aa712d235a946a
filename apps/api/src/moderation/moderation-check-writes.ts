import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import {
  moderationCheckDecider,
  moderationStreamId,
  type ModerationCommand,
  type ModerationEvent,
} from '#induction/moderation/moderation-check.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import { CLOCK } from '../domain/clock.token.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import { ModerationQueries } from './moderation-queries.js';

const toModerationEvent = (event: RecordedEvent) =>
  ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as unknown as ModerationEvent;

/**
 * Writes to one sampled form's moderation check (`moderation-<formId>`). Only a form in the sample can be
 * moderated (404 otherwise): the sample is the moderation projection's, so the form is looked up there.
 */
@Injectable()
export class ModerationCheckWrites {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queries: ModerationQueries,
  ) {
    this.runner = runner;
  }

  async run(
    rawFormId: string,
    context: CommandContext,
    toCommand: (form: { formId: string; ectId: string }, on: string) => ModerationCommand,
  ): Promise<CommandAccepted> {
    const form = await this.queries.form(rawFormId);
    const { state: _state, ...accepted } = await this.runner.run({
      streamId: moderationStreamId(form.formId),
      id: form.formId,
      location: `/api/v1/moderation/checks/${form.formId}`,
      decider: moderationCheckDecider,
      toDomainEvent: toModerationEvent,
      context,
      command: toCommand(form, londonDate(this.clock.now())),
    });
    return accepted;
  }
}
