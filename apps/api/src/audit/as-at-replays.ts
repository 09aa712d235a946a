import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import type { Projection } from '#read-models/projection.js';
import { ectRegisterProjection } from '#read-models/ects/ect-register.projection.js';
import { abOversightProjections } from '#read-models/audit/ab-oversight.projections.js';
import { dueItemsProjection } from '#read-models/reminders/due-items.projection.js';
import { schoolDirectoryProjection } from '#read-models/schools/school-directory.projection.js';
import { schoolServiceProjection } from '#read-models/survey/school-service.projection.js';
import { annualSurveyProjection } from '#read-models/survey/annual-survey.projection.js';
import { replayAsAt } from '#read-models/audit/as-at-replay.js';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';

export const AS_AT_PROJECTIONS = [
  'ect-register',
  'entitlement-view',
  'induction-plan',
  'early-help-queue',
  'training-programme',
  'panel-cases',
  'moderation-sample',
  'due-items',
  'school-directory',
  'school-service',
  'annual-survey',
] as const;
export type AsAtProjection = (typeof AS_AT_PROJECTIONS)[number];

/**
 * Where a query reads: the live tables and today's date, or an as-at replay's tables and that date. Query
 * classes take one and never care which it is, so every `?asAt=` runs the same query code as the live read.
 */
export interface ReadView {
  manager: EntityManager;
  /** The London date "today" means for this read: the clock's, or the as-at date. */
  today: string;
  /** Set when the read is a replay. */
  asAt?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_REPLAYS = 2;

/**
 * A read model as it stood at a past date or instant (R23 audit, issue 5): the log up to then is replayed
 * into a temporary schema with the projections' own handlers (the rebuild machinery), read with the same
 * query, and dropped. Without `asAt`, the read runs on the live tables.
 */
@Injectable()
export class AsAtReplays {
  private projections: Map<string, Projection>;
  /** The calendar the projections were built with: hub staff may change it (R1), and replays use the current one. */
  private builtFor: TermCalendar;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.builtFor = domain.calendar;
    this.projections = this.build();
    for (const name of AS_AT_PROJECTIONS)
      if (!this.projections.has(name)) throw new Error(`No projection named ${name} for as-at reads`);
  }

  private build(): Map<string, Projection> {
    const deps = {
      evolve: this.domain.ect.evolve,
      initialState: this.domain.ect.initialState,
      toDomainEvent: this.domain.toEctEvent,
      calendar: this.domain.calendar,
    };
    return new Map(
      [
        ectRegisterProjection(deps),
        ...abOversightProjections(deps),
        dueItemsProjection(deps),
        schoolDirectoryProjection,
        schoolServiceProjection,
        annualSurveyProjection,
      ].map((p) => [p.name, p]),
    );
  }

  private current(): Map<string, Projection> {
    if (this.domain.calendar !== this.builtFor) {
      this.builtFor = this.domain.calendar;
      this.projections = this.build();
    }
    return this.projections;
  }

  live(): ReadView {
    return { manager: this.dataSource.manager, today: londonDate(this.clock.now()) };
  }

  /**
   * Runs `read` on the live tables, or (with `asAt`) on a replay of `projections` up to then. A future asAt is
   * refused (400): the log cannot say what has not happened, and a silent "now" would pass for a prediction.
   */
  async read<T>(
    projections: readonly AsAtProjection[],
    asAt: string | undefined,
    read: (view: ReadView) => Promise<T>,
  ): Promise<T> {
    if (asAt === undefined) return read(this.live());
    const today = this.asAtDate(asAt);
    const built = this.current();
    const chosen = projections.map((name) => built.get(name)!);
    await this.acquire();
    try {
      return await replayAsAt(this.dataSource, this.store, chosen, asAt, (manager) =>
        read({ manager, today, asAt }),
      );
    } finally {
      this.release();
    }
  }

  /**
   * A replay reads the whole log (about a rebuild's work), so at most MAX_REPLAYS run at once per process;
   * the rest wait their turn rather than crowd the database pool out from under the live reads.
   */
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private async acquire(): Promise<void> {
    if (this.running < MAX_REPLAYS) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }

  /** The London date of `asAt`, or 400 when it is later than now. */
  private asAtDate(asAt: string): string {
    const now = this.clock.now();
    if (DATE.test(asAt)) {
      if (asAt > londonDate(now))
        throw new BadRequestException([`asAt must not be after today (${londonDate(now)})`]);
      return asAt;
    }
    const instant = new Date(asAt);
    if (instant.getTime() > now.getTime())
      throw new BadRequestException([`asAt must not be after now (${now.toISOString()})`]);
    return londonDate(instant);
  }
}
