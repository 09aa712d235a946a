/** Test data for ECT specs: a registered full-time ECT starting 1 Sep 2025, and helpers to vary it. */
import { TermCalendar } from '../calendar/r1-terms.js';
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import type { EctCommand, EctCommandOf, RegisterEct } from '../induction/ect.commands.js';
import { createEctDecider } from '../induction/ect.decider.js';
import { type EctEvent, type EctEventOf, type EctEventType, ectEvent } from '../induction/ect.events.js';
import { specFor } from './given-when-then.js';

export const calendar = new TermCalendar();
export const HUB_SCHOOL = '999999';
export const decider = createEctDecider({ calendar, hubSchoolUrns: [HUB_SCHOOL] });
export const { given } = specFor(decider);

export const ECT_ID = '0b7f3c1e-0000-4000-8000-000000000001';
export const MENTOR_ID = '0b7f3c1e-0000-4000-8000-000000000002';
export const TUTOR_ID = '0b7f3c1e-0000-4000-8000-000000000003';
export const HEAD_ID = '0b7f3c1e-0000-4000-8000-000000000004';

export function registerEct(overrides: Partial<RegisterEct['data']> = {}): RegisterEct {
  return {
    type: 'RegisterEct',
    data: {
      ectId: ECT_ID,
      trn: '1234567',
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '1999-12-10',
      email: 'ada@example.org',
      schoolUrn: '123456',
      qtsAwardedOn: '2025-07-15',
      startDate: '2025-09-01',
      fte: 1,
      programme: 'provider-led',
      mentor: { personId: MENTOR_ID, name: 'Mo Mentor', email: 'mo@example.org', hasQts: true },
      inductionTutor: { personId: TUTOR_ID, name: 'Tu Tutor', email: 'tu@example.org', hasQts: true },
      on: '2025-08-20',
      ...overrides,
    },
  };
}

/** The events a command decides on a given history (throws if the command is refused). */
export const decided = (history: readonly EctEvent[], command: EctCommand): EctEvent[] =>
  decider.decide(command, history.reduce(decider.evolve, decider.initialState()));

export const registered = (overrides: Partial<RegisterEct['data']> = {}): EctEvent[] =>
  decided([], registerEct(overrides));

export const stateOf = (events: readonly EctEvent[]) => events.reduce(decider.evolve, decider.initialState());

/** Applies commands in turn, each decided on the history so far. */
export function history(start: readonly EctEvent[], ...commands: EctCommand[]): EctEvent[] {
  return commands.reduce<EctEvent[]>(
    (events, command) => [...events, ...decided(events, command)],
    [...start],
  );
}

export const command = <T extends EctCommand['type']>(type: T, data: EctCommandOf<T>['data']) =>
  ({ type, data }) as EctCommandOf<T>;

export const event = <T extends EctEventType>(type: T, data: EctEventOf<T>['data']) => ectEvent(type, data);

export const absence = (
  absenceId: string,
  from: IsoDate,
  days: number,
  reason: 'illness' | 'maternity' = 'illness',
  extendForLeave?: boolean,
) =>
  command('RecordAbsence', {
    absenceId,
    from,
    to: addDays(from, days * 2),
    days,
    reason,
    on: from,
    ...(extendForLeave === undefined ? {} : { extendForLeave }),
  });
