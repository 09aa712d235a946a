import { EventEmitter } from 'node:events';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Logger,
  Optional,
} from '@nestjs/common';
import { EVENT_STORE, type AppendWatch, type EventStore } from '#event-store/event-store.port.js';
import { academicYearLabel, termsInForce } from '#induction/calendar/ab-calendar.decider.js';
import { DEFAULT_FTE_TERM_DAYS, type TermDates } from '#induction/calendar/r1-terms.js';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import { LEDGER_DOMAIN, refreshCalendar, type LedgerDomain } from '../domain/ledger-domain.js';

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

/** How often the api reads the calendar stream while the store's notifications flow: the safety poll. */
export const CALENDAR_SAFETY_POLL_MS = 30_000;

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
  private watch: AppendWatch | null = null;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  /** A notification came since the last refresh started. */
  private requested = false;
  private lastRefreshAt = 0;
  private listening = false;
  private stopped = true;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CALENDAR_REFRESH_OPTIONS) options?: CalendarRefreshOptions,
  ) {
    this.safetyPollMs = options?.safetyPollMs ?? CALENDAR_SAFETY_POLL_MS;
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.watch = this.store.watchAppends?.(() => this.onAppend()) ?? null;
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.watch?.close();
    this.watch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.refreshing;
  }

  /** True while the store's notifications flow (and the stream is only read on them and the safety poll). */
  get isListening(): boolean {
    return this.listening;
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

  /** Something was appended somewhere, or the listener came up or dropped (anything may have gone unheard). */
  private onAppend(): void {
    if (this.stopped) return;
    this.noteListening();
    this.requested = true;
    this.schedule();
  }

  private noteListening(): boolean {
    const listening = this.watch?.live ?? false;
    if (listening !== this.listening) {
      this.listening = listening;
      this.events.emit(listening ? 'listening' : 'deaf');
    }
    return listening;
  }

  /**
   * Sets the timer for the next refresh: after a notification, one poll interval after the last refresh
   * started (so a busy log costs at most what the poll did); otherwise the safety poll while listening, and
   * the poll while not. A refresh in flight schedules the next when it ends.
   */
  private schedule(): void {
    if (this.stopped || this.refreshing) return;
    if (this.timer) clearTimeout(this.timer);
    const pollMs = Math.max(this.config.projectionPollMs, 50);
    let delay: number;
    if (this.requested) delay = Math.max(0, this.lastRefreshAt + pollMs - Date.now());
    else delay = this.noteListening() ? this.safetyPollMs : pollMs;
    this.timer = setTimeout(() => this.refreshNow(), delay);
    this.timer.unref();
  }

  private refreshNow(): void {
    this.timer = null;
    this.requested = false;
    this.lastRefreshAt = Date.now();
    this.refreshing = this.refresh()
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn(`calendar refresh failed: ${error instanceof Error ? error.message : error}`),
      )
      .finally(() => {
        this.refreshing = null;
        this.schedule();
      });
  }
}
