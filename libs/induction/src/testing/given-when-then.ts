/**
 * Specifications for deciders read as the guidance does: given these events, when this command, then these
 * events (or this rule forbids it). Used by the *.spec.ts files; no test framework in here beyond `expect`.
 */
import { expect } from '@jest/globals';
import { type Decider, type DomainEvent, fold } from '../shared/decider.js';
import { DomainError, type DomainErrorKind } from '../shared/domain-error.js';

export interface Scenario<Command, Event extends DomainEvent, State> {
  when(command: Command): {
    /** The decided events; a partial match per event (objects match on the fields given). */
    then(expected: readonly unknown[]): Event[];
    /** `rule` undefined: any rule (or none). */
    thenThrows(rule?: string | null, kind?: DomainErrorKind): DomainError;
    result(): { events: Event[]; state: State };
  };
}

export function specFor<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]): Scenario<Command, Event, State> {
      return {
        when(command: Command) {
          const decide = () => decider.decide(command, fold(decider, events));
          return {
            then(expected) {
              const events = decide();
              expect(events).toHaveLength(expected.length);
              expected.forEach((event, i) => expect(events[i]).toMatchObject(event as object));
              return events;
            },
            thenThrows(rule, kind) {
              let thrown: unknown;
              try {
                decide();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              const error = thrown as DomainError;
              if (rule !== undefined) expect(error.rule).toBe(rule);
              if (kind) expect(error.kind).toBe(kind);
              return error;
            },
            result() {
              const decided = decide();
              return {
                events: decided,
                state: [...events, ...decided].reduce(decider.evolve, decider.initialState()),
              };
            },
          };
        },
      };
    },
  };
}
