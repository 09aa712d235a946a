import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Logger,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '#event-store/event-store.port.js';
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

/**
 * R1 in the api process: the calendar hub staff set, as the `ab-calendar` stream says. Loaded at start-up
 * (composeLedger), swapped in at once after this process's own writes (the handlers), and polled so a
 * change written by another api process reaches this one within a poll (PROJECTION_POLL_MS).
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CalendarService');
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads the stream for changes now; true when the calendar changed. */
  refresh(): Promise<boolean> {
    return refreshCalendar(this.store, this.domain);
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.refresh()
          .catch((error: unknown) =>
            this.logger.warn(`calendar refresh failed: ${error instanceof Error ? error.message : error}`),
          )
          .finally(() => this.schedule());
      },
      Math.max(this.config.projectionPollMs, 50),
    );
    this.timer.unref();
  }
}
