import type { RecordedEvent } from '#event-store/event-store.port.js';
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

/** The pure domain as the application uses it: deciders built with the AB's calendar and its own schools. */
export interface LedgerDomain {
  readonly calendar: TermCalendar;
  readonly ect: Decider<EctCommand, EctEvent, EctState>;
  readonly school: Decider<SchoolCommand, SchoolEvent, SchoolState>;
  toEctEvent(event: RecordedEvent): EctEvent;
  toSchoolEvent(event: RecordedEvent): SchoolEvent;
  summarise(state: EctState, today: string): ReturnType<typeof summariseInduction>;
}

export const LEDGER_DOMAIN = Symbol('LedgerDomain');

export function createLedgerDomain(options: { hubSchoolUrns: readonly string[] }): LedgerDomain {
  const calendar = new TermCalendar();
  const ect = createEctDecider({ calendar, hubSchoolUrns: [...options.hubSchoolUrns] });
  return {
    calendar,
    ect,
    school: schoolDecider,
    toEctEvent: (event) =>
      upcastEctEvent({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }),
    toSchoolEvent: (event) =>
      ({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }) as unknown as SchoolEvent,
    summarise: (state, today) => summariseInduction(state, today, calendar),
  };
}

export const ectStreamId = (ectId: string) => `ect-${ectId}`;
export const schoolStreamId = (urn: string) => `school-${urn}`;
