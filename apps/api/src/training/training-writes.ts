import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import type { Decider } from '#induction/shared/decider.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
  type TrainingEventRecord,
  type TrainingProgrammeState,
} from '#induction/training/training-programme.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import { CLOCK } from '../domain/clock.token.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';

/** Several of the decider's commands decided in turn, each on the state the previous one left: one append. */
interface TrainingBatch {
  readonly commands: readonly TrainingCommand[];
}

export function batchDecider(
  decider: Decider<TrainingCommand, TrainingEventRecord, TrainingProgrammeState>,
): Decider<TrainingBatch, TrainingEventRecord, TrainingProgrammeState> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide(batch, state) {
      let current = state;
      const events: TrainingEventRecord[] = [];
      for (const command of batch.commands) {
        const decided = decider.decide(command, current);
        current = decided.reduce(decider.evolve, current);
        events.push(...decided);
      }
      return events;
    },
  };
}

/** An academic year in a path (`/training/2025/...`): the year its autumn term starts in. */
export function parseAcademicYear(raw: string): number {
  const year = /^\d{4}$/.test(raw) ? Number(raw) : NaN;
  if (!(year >= 2000 && year <= 2100)) throw new NotFoundException([`No training programme for ${raw}`]);
  return year;
}

/** Sends training commands to the stream `training-programme-<year>` through the training-programme decider. */
@Injectable()
export class TrainingWrites {
  private readonly runner: StreamCommandRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    runner: StreamCommandRunner,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.runner = runner;
  }

  today(): string {
    return londonDate(this.clock.now());
  }

  /** Whether an ECT is registered (its stream exists). */
  async ectExists(ectId: string): Promise<boolean> {
    return (await this.store.readStream(`ect-${ectId}`)).length > 0;
  }

  async run(
    year: number,
    context: CommandContext,
    commands: (state: TrainingProgrammeState, on: string) => TrainingCommand[],
    location: string,
  ): Promise<CommandAccepted & { state: TrainingProgrammeState }> {
    const on = this.today();
    return this.runner.run({
      streamId: trainingProgrammeStreamId(year),
      id: String(year),
      location,
      decider: batchDecider(createTrainingProgrammeDecider(this.domain.calendar, year)),
      toDomainEvent: (event) =>
        ({
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        }) as unknown as TrainingEventRecord,
      context,
      command: (state) => ({ commands: commands(state, on) }),
    });
  }
}
