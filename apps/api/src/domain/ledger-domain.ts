import type { EventStore, RecordedEvent } from '#event-store/event-store.port.js';
import { TermCalendar } from '#induction/calendar/r1-terms.js';
import { createEctDecider } from '#induction/induction/ect.decider.js';
import type { EctEvent } from '#induction/induction/ect.events.js';
import type { EctCommand } from '#induction/induction/ect.commands.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { summariseInduction } from '#induction/induction/induction-summary.js';
import { upcastEctEvent } from '#induction/induction/upcasters.js';
import {
  schoolDecider,
  type SchoolCommand,
  type SchoolEvent,
  type SchoolState,
} from '#induction/schools/school.decider.js';
import type { Decider } from '#induction/shared/decider.js';
import {
  AB_CALENDAR_STREAM,
  abCalendarDecider,
  termCalendarOf,
  type AbCalendarCommand,
  type AbCalendarEvent,
  type AbCalendarState,
} from '#induction/calendar/ab-calendar.decider.js';

/** The calendar hub staff configured, as last read from the `ab-calendar` stream (-1: nothing recorded). */
export interface CalendarConfiguration {
  readonly state: AbCalendarState;
  readonly revision: bigint;
}

/**
 * The pure domain as the application uses it: deciders built with the AB's calendar and its own schools.
 * The calendar is the one the log says (R1, stream `ab-calendar`): `useCalendar` swaps it in when that
 * stream moves on, and `calendar`, `ect` and `summarise` always answer with the current one. Read them at
 * the time of use, never keep them: a `TermCalendar` is immutable, and a change gives a new one.
 */
export interface LedgerDomain {
  readonly calendar: TermCalendar;
  readonly ect: Decider<EctCommand, EctEvent, EctState>;
  readonly school: Decider<SchoolCommand, SchoolEvent, SchoolState>;
  readonly abCalendar: Decider<AbCalendarCommand, AbCalendarEvent, AbCalendarState>;
  /** What hub staff configured, and the `ab-calendar` revision it was read at. */
  readonly calendarConfiguration: CalendarConfiguration;
  /** Swaps in the calendar of `configuration` when it is newer than the one in use; true when it was. */
  useCalendar(configuration: CalendarConfiguration): boolean;
  toEctEvent(event: RecordedEvent): EctEvent;
  toSchoolEvent(event: RecordedEvent): SchoolEvent;
  toAbCalendarEvent(event: RecordedEvent): AbCalendarEvent;
  summarise(state: EctState, today: string): ReturnType<typeof summariseInduction>;
}

export const LEDGER_DOMAIN = Symbol('LedgerDomain');

export function createLedgerDomain(options: { hubSchoolUrns: readonly string[] }): LedgerDomain {
  const hubSchoolUrns = [...options.hubSchoolUrns];
  let configuration: CalendarConfiguration = { state: abCalendarDecider.initialState(), revision: -1n };
  let calendar = new TermCalendar();
  let ect = createEctDecider({ calendar, hubSchoolUrns });
  return {
    get calendar() {
      return calendar;
    },
    get ect() {
      return ect;
    },
    school: schoolDecider,
    abCalendar: abCalendarDecider,
    get calendarConfiguration() {
      return configuration;
    },
    useCalendar(next) {
      if (next.revision <= configuration.revision) return false;
      configuration = next;
      calendar = termCalendarOf(next.state);
      ect = createEctDecider({ calendar, hubSchoolUrns });
      return true;
    },
    toEctEvent: (event) =>
      upcastEctEvent({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }),
    toSchoolEvent: (event) =>
      ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as unknown as SchoolEvent,
    toAbCalendarEvent: (event) =>
      ({
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
      }) as unknown as AbCalendarEvent,
    summarise: (state, today) => summariseInduction(state, today, calendar),
  };
}

/**
 * How often a process that keeps a calendar (the api's CalendarService, the worker's CalendarWatcher) reads
 * the `ab-calendar` stream while the store's append notifications flow: a safety poll, in case one is lost.
 */
export const CALENDAR_SAFETY_POLL_MS = 30_000;

/**
 * Brings the domain's calendar up to the `ab-calendar` stream: reads the events after the revision in use,
 * folds them on, and swaps the calendar in. Cheap when nothing changed (one indexed read of a short stream).
 * Returns true when the calendar changed.
 */
export async function refreshCalendar(
  store: Pick<EventStore, 'readStream'>,
  domain: LedgerDomain,
): Promise<boolean> {
  const known = domain.calendarConfiguration;
  const events = await store.readStream(AB_CALENDAR_STREAM, { fromRevision: known.revision + 1n });
  if (events.length === 0) return false;
  const state = events.map(domain.toAbCalendarEvent).reduce(domain.abCalendar.evolve, known.state);
  return domain.useCalendar({ state, revision: events[events.length - 1]!.streamRevision });
}

export const ectStreamId = (ectId: string) => `ect-${ectId}`;
export const schoolStreamId = (urn: string) => `school-${urn}`;
