/**
 * The hub's service record with a school (issue 8): SLA, commitment reviews, training and clinic bookings
 * and attendance, each a command on the school's `school-service-<urn>` stream. Only schools on the register.
 */
import { Inject, NotFoundException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import {
  createSchoolServiceDecider,
  schoolServiceStreamId,
  type SchoolServiceCommand,
  type SchoolServiceEvent,
} from '#induction/service-records/school-service.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import { CLOCK } from '../domain/clock.token.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';

type WithoutOn<C> = C extends { type: infer T; data: infer D } ? { type: T; data: Omit<D, 'on'> } : never;
export type ServiceRecordRequest = WithoutOn<SchoolServiceCommand>;

export class RecordSchoolServiceCommand extends Command<CommandAccepted> {
  constructor(
    readonly schoolUrn: string,
    readonly request: ServiceRecordRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

const toEvent = (event: RecordedEvent): SchoolServiceEvent =>
  ({
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
  }) as unknown as SchoolServiceEvent;

@CommandHandler(RecordSchoolServiceCommand)
export class RecordSchoolServiceHandler implements ICommandHandler<RecordSchoolServiceCommand> {
  private readonly runner: StreamCommandRunner;
  constructor(
    runner: StreamCommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {
    this.runner = runner;
  }

  async execute({ schoolUrn, request, context }: RecordSchoolServiceCommand): Promise<CommandAccepted> {
    const [school] = (await this.dataSource.query(`SELECT urn FROM schools WHERE urn = $1`, [
      schoolUrn,
    ])) as unknown[];
    if (!school) throw new NotFoundException([`No school with URN ${schoolUrn}`]);
    return this.runner.run({
      streamId: schoolServiceStreamId(schoolUrn),
      id: schoolUrn,
      location: `/api/v1/schools/${schoolUrn}/service-record`,
      decider: createSchoolServiceDecider(schoolUrn),
      toDomainEvent: toEvent,
      context,
      command: {
        ...request,
        data: { ...request.data, on: londonDate(this.clock.now()) },
      } as SchoolServiceCommand,
    });
  }
}
