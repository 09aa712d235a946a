import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import {
  panelMeetingDecider,
  panelMeetingStreamId,
  type PanelCommand,
  type PanelEvent,
  type PanelMeetingState,
} from '#induction/panel/panel-meeting.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import { CLOCK } from '../domain/clock.token.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Namespace for meeting ids derived from an Idempotency-Key (a fixed, random UUID). */
const MEETING_ID_NAMESPACE = '6f0b7d52-93c4-4f1e-8a2d-5c3e9b1a7d40';

const toPanelEvent = (event: RecordedEvent) =>
  ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as unknown as PanelEvent;

/** Reads and writes one panel meeting's stream (`panel-meeting-<id>`) through the panel decider. */
@Injectable()
export class PanelMeetingWrites {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.runner = runner;
  }

  today(): IsoDate {
    return londonDate(this.clock.now());
  }

  /** A retried schedule request gets the same meeting id, so its events are found and nothing is doubled. */
  newMeetingId(context: CommandContext): string {
    return context.idempotencyKey
      ? uuidv5(`${context.principal.userId}|${context.idempotencyKey}`, MEETING_ID_NAMESPACE)
      : randomUUID();
  }

  /** The meeting's state, or 404 when there is no such meeting. */
  async load(rawId: string): Promise<{ meetingId: string; state: PanelMeetingState }> {
    const meetingId = UUID.test(rawId) ? rawId.toLowerCase() : null;
    const folded = meetingId
      ? await this.runner.fold(panelMeetingStreamId(meetingId), panelMeetingDecider, toPanelEvent)
      : null;
    if (!meetingId || folded?.revision == null)
      throw new NotFoundException([`No panel meeting with id ${rawId}`]);
    return { meetingId, state: folded.state };
  }

  async run(
    meetingId: string,
    command: PanelCommand,
    context: CommandContext,
    location = `/api/v1/panel/meetings/${meetingId}`,
  ): Promise<CommandAccepted> {
    const { state: _state, ...accepted } = await this.runner.run({
      streamId: panelMeetingStreamId(meetingId),
      id: meetingId,
      location,
      decider: panelMeetingDecider,
      toDomainEvent: toPanelEvent,
      context,
      command,
    });
    return accepted;
  }
}
