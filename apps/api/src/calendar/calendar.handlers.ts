import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import { AB_CALENDAR_STREAM, type AbCalendarCommand } from '#induction/calendar/ab-calendar.decider.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { StreamCommandRunner } from '../commands/stream-command-runner.js';
import type { CommandAccepted, CommandContext } from '../http/command-context.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import type { TermDatesDto } from './calendar.request.dto.js';

export class SetAcademicYearTermDatesCommand extends Command<CommandAccepted> {
  constructor(
    readonly academicYear: number,
    readonly terms: { autumn: TermDatesDto; spring: TermDatesDto; summer: TermDatesDto },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class SetFteTermDaysCommand extends Command<CommandAccepted> {
  constructor(
    readonly fteTermDays: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Runs an AB calendar command on the `ab-calendar` stream (R1), then swaps the new calendar into this
 * process's domain at once, so the next summary (`GET /ects/:id`) and the next ECT command use it. Other
 * processes pick it up from the stream: other api processes when the store notifies them of the append
 * (CalendarService), workers on their poll (CalendarWatcher).
 */
abstract class AbCalendarHandler {
  private readonly runner: StreamCommandRunner;

  constructor(
    store: EventStore,
    protected readonly domain: LedgerDomain,
    protected readonly clock: Clock,
  ) {
    this.runner = new StreamCommandRunner(store);
  }

  protected async run(
    id: string,
    command: AbCalendarCommand,
    context: CommandContext,
  ): Promise<CommandAccepted> {
    const { state, ...accepted } = await this.runner.run({
      streamId: AB_CALENDAR_STREAM,
      id,
      location: '/api/v1/calendar',
      decider: this.domain.abCalendar,
      toDomainEvent: this.domain.toAbCalendarEvent,
      context,
      command,
    });
    if (accepted.revision >= 0n) this.domain.useCalendar({ state, revision: accepted.revision });
    return accepted;
  }
}

@CommandHandler(SetAcademicYearTermDatesCommand)
export class SetAcademicYearTermDatesHandler
  extends AbCalendarHandler
  implements ICommandHandler<SetAcademicYearTermDatesCommand>
{
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_DOMAIN) domain: LedgerDomain,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(store, domain, clock);
  }

  execute({ academicYear, terms, context }: SetAcademicYearTermDatesCommand): Promise<CommandAccepted> {
    const dates = (t: TermDatesDto) => ({ start: t.start, end: t.end });
    return this.run(
      String(academicYear),
      {
        type: 'SetAcademicYearTermDates',
        data: {
          academicYear,
          terms: { autumn: dates(terms.autumn), spring: dates(terms.spring), summer: dates(terms.summer) },
          on: londonDate(this.clock.now()),
        },
      },
      context,
    );
  }
}

@CommandHandler(SetFteTermDaysCommand)
export class SetFteTermDaysHandler
  extends AbCalendarHandler
  implements ICommandHandler<SetFteTermDaysCommand>
{
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_DOMAIN) domain: LedgerDomain,
    @Inject(CLOCK) clock: Clock,
  ) {
    super(store, domain, clock);
  }

  execute({ fteTermDays, context }: SetFteTermDaysCommand): Promise<CommandAccepted> {
    return this.run(
      'fte-term-days',
      { type: 'SetFteTermDays', data: { fteTermDays, on: londonDate(this.clock.now()) } },
      context,
    );
  }
}
