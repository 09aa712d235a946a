import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import type { EctCommand } from '#induction/induction/ect.commands.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { invalid } from '#induction/shared/domain-error.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { canSeeSchool, type Principal } from '../../auth/principal.js';
import { StreamCommandRunner } from '../../commands/stream-command-runner.js';
import type { StreamFold } from '../../commands/stream-folds.js';
import { CLOCK } from '../../domain/clock.token.js';
import { LEDGER_DOMAIN, ectStreamId, type LedgerDomain } from '../../domain/ledger-domain.js';
import { SchoolRegister } from '../../schools/school-register.js';
import type { CommandAccepted, CommandContext } from '../../http/command-context.js';
import { parseEctId } from './ect-id.js';

/** A request about one ECT's induction: the ECT named in the path, the validated body, who asks. */
export abstract class EctRequestCommand<Body> extends Command<CommandAccepted> {
  constructor(
    readonly ectId: string,
    readonly body: Body,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** What a use case turns its request into, given the ECT's current state and today's date (London). */
export type ToDomainCommand<C> = (
  command: C,
  state: EctState,
  on: IsoDate,
) => EctCommand | Promise<EctCommand>;

/**
 * Every write to an ECT's induction after registration goes through here: the ECT must exist and be in the
 * principal's scope (404 otherwise, exactly as `GET /ects/:id` answers, so nobody can probe for another
 * school's ECTs), then the StreamCommandRunner checks `If-Match`, decides with the domain and appends.
 */
@Injectable()
export class EctWrites {
  private readonly runner: StreamCommandRunner;

  constructor(
    runner: StreamCommandRunner,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly schools: SchoolRegister,
  ) {
    this.runner = runner;
  }

  today(): IsoDate {
    return londonDate(this.clock.now());
  }

  /** The ECT's folded state, or 404 when it is unknown or outside the principal's schools. */
  async load(principal: Principal, rawId: string): Promise<{ ectId: string; state: EctState }> {
    const { ectId, state } = await this.loadStream(principal, rawId);
    return { ectId, state };
  }

  /** `load`, with the fold it checked (so that `run` reads and folds the stream once, not twice). */
  private async loadStream(
    principal: Principal,
    rawId: string,
  ): Promise<{ ectId: string; state: EctState; folded: StreamFold<EctState> }> {
    const ectId = parseEctId(rawId);
    const folded = await this.runner.fold(ectStreamId(ectId), this.domain.ect, this.domain.toEctEvent);
    const state = folded.state;
    if (!isVisible(principal, state)) throw new NotFoundException([`No ECT with id ${ectId}`]);
    return { ectId, state, folded };
  }

  /** A school an ECT moves to must be on the AB's register, as at registration (400 naming the field). */
  async requireSchool(urn: string, field: string): Promise<void> {
    if (!(await this.schools.exists(urn)))
      throw invalid(`${field}: no school with URN ${urn} is on the AB's register`, field);
  }

  async run<C extends EctRequestCommand<unknown>>(
    command: C,
    toDomain: ToDomainCommand<C>,
    options: { location?: (ectId: string) => string } = {},
  ): Promise<CommandAccepted> {
    const { ectId, state, folded } = await this.loadStream(command.context.principal, command.ectId);
    const domainCommand = await toDomain(command, state, this.today());
    const { state: _after, ...accepted } = await this.runner.run({
      streamId: ectStreamId(ectId),
      id: ectId,
      location: options.location?.(ectId) ?? `/api/v1/ects/${ectId}`,
      decider: this.domain.ect,
      toDomainEvent: this.domain.toEctEvent,
      context: command.context,
      command: domainCommand,
      loaded: folded,
    });
    return accepted;
  }
}

/** Same rule as the read: an induction tutor sees the ECTs whose lead school is one of theirs. */
export function isVisible(principal: Principal, state: EctState): boolean {
  return (
    state.phase !== 'unregistered' &&
    state.leadSchoolUrn !== null &&
    canSeeSchool(principal, state.leadSchoolUrn)
  );
}
