import { EventEmitter } from 'node:events';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Logger,
  Optional,
} from '@nestjs/common';
import { AppendDrivenPoll } from '#event-store/append-driven-poll.js';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
import { academicYearLabel, termsInForce } from '#induction/calendar/ab-calendar.decider.js';
import { DEFAULT_FTE_TERM_DAYS, type TermDates } from '#induction/calendar/r1-terms.js';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import {
  CALENDAR_SAFETY_POLL_MS,
  LEDGER_DOMAIN,
  refreshCalendar,
  type LedgerDomain,
} from '../domain/ledger-domain.js';

export interface AcademicYearView {
  /** The year the academic year starts in: 2026 = 2026/27. */
  academicYear: number;
  /** "2026/27". */
  label: string;
  /** `configured`: hub staff set the dates; `default`: the R1 defaults. */
  source: 'configured' | 'default';
  /** When hub staff last set them. */
  setOn: string | null;
  autumn: TermDates;
  spring: TermDates;
  summer: TermDates;
}

export interface CalendarView {
  /** Revision of the `ab-calendar` stream (-1: nothing configured yet); send it back in If-Match. */
  revision: number;
  fteTermDays: number;
  fteTermDaysSource: 'configured' | 'default';
  items: AcademicYearView[];
}

/** The academic year a date is in (Sep–Aug), by the calendar's own default edges. */
export const academicYearOf = (date: string): number => {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? year : year - 1;
};

/** Parses `2026` or `2026-27` (the academic year 2026/27); null when it is neither. */
export function parseAcademicYear(value: string): number | null {
  const match = /^(\d{4})(?:[-/](\d{2}))?$/.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2] !== undefined && Number(match[2]) !== (year + 1) % 100) return null;
  return year;
}

/** Optional provider: overrides of the calendar refresh's timing (tests). */
export const CALENDAR_REFRESH_OPTIONS = Symbol('CalendarRefreshOptions');
export interface CalendarRefreshOptions {
  /** Default CALENDAR_SAFETY_POLL_MS. */
  safetyPollMs?: number;
}

/**
 * R1 in the api process: the calendar hub staff set, as the `ab-calendar` stream says. Loaded at start-up
 * (composeLedger), swapped in at once after this process's own writes (the handlers), and refreshed when the
 * event store says something was appended (`watchAppends`: PostgreSQL's LISTEN), so a change written by
 * another api process reaches this one as soon as its NOTIFY does. A refresh reads only the calendar events
 * after the revision in use; notifications start at most one every PROJECTION_POLL_MS. While notifications
 * flow, a safety poll every CALENDAR_SAFETY_POLL_MS covers a lost one; while they do not (the listener is
 * down and reconnecting, PGlite, EventStoreDB), the stream is polled every PROJECTION_POLL_MS as before.
 *
 * `events` emits `changed` (the new revision) when a refresh swapped a newer calendar in, and `listening` /
 * `deaf` when notifications start and stop flowing.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CalendarService');
  readonly events = new EventEmitter<{ changed: [bigint]; listening: []; deaf: [] }>();
  private readonly safetyPollMs: number;
  private poll: AppendDrivenPoll | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CALENDAR_REFRESH_OPTIONS) options?: CalendarRefreshOptions,
  ) {
    this.safetyPollMs = options?.safetyPollMs ?? CALENDAR_SAFETY_POLL_MS;
  }

  onApplicationBootstrap(): void {
    this.poll = new AppendDrivenPoll(this.store, {
      run: () => this.refresh(),
      pollMs: Math.max(this.config.projectionPollMs, 50),
      safetyPollMs: this.safetyPollMs,
      onError: (error) =>
        this.logger.warn(`calendar refresh failed: ${error instanceof Error ? error.message : error}`),
      onListening: (listening) => this.events.emit(listening ? 'listening' : 'deaf'),
    });
    this.poll.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poll?.stop();
    this.poll = null;
  }

  /** True while the store's notifications flow (and the stream is only read on them and the safety poll). */
  get isListening(): boolean {
    return this.poll?.listening ?? false;
  }

  /** Reads the stream for changes now; true when the calendar changed. */
  async refresh(): Promise<boolean> {
    const changed = await refreshCalendar(this.store, this.domain);
    if (changed) this.events.emit('changed', this.domain.calendarConfiguration.revision);
    return changed;
  }

  /**
   * The configured years and, around `today`, the default ones: the year before, this year and the next two,
   * oldest first.
   */
  async view(today: string): Promise<CalendarView> {
    await this.refresh();
    const { state, revision } = this.domain.calendarConfiguration;
    const current = academicYearOf(today);
    const years = new Set<number>([current - 1, current, current + 1, current + 2]);
    for (const year of Object.keys(state.years)) years.add(Number(year));
    return {
      revision: Number(revision),
      fteTermDays: state.fteTermDays ?? DEFAULT_FTE_TERM_DAYS,
      fteTermDaysSource: state.fteTermDays === null ? 'default' : 'configured',
      items: [...years]
        .sort((a, b) => a - b)
        .map((academicYear) => {
          const configured = state.years[academicYear];
          const terms = termsInForce(state, academicYear);
          return {
            academicYear,
            label: academicYearLabel(academicYear),
            source: configured ? 'configured' : 'default',
            setOn: configured?.setOn ?? null,
            autumn: terms.autumn,
            spring: terms.spring,
            summer: terms.summer,
          };
        }),
    };
  }
}
