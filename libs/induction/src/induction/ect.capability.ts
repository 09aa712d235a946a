/**
 * How capability modules plug into the ECT decider: each module handles some commands (decide) and applies
 * some events (evolve); ect.decider.ts composes them and the compiler checks every command and event is owned.
 */
import type { TermCalendar } from '../calendar/r1-terms.js';
import type { EctCommandOf, EctCommandType } from './ect.commands.js';
import type { EctEvent, EctEventOf, EctEventType } from './ect.events.js';
import type { EctState } from './ect.state.js';

export interface EctDeps {
  readonly calendar: TermCalendar;
  /** R21: schools the hub itself runs or employs at; it cannot be AB for ECTs there. */
  readonly hubSchoolUrns: ReadonlySet<string>;
}

export type CommandHandlers = {
  readonly [T in EctCommandType]: (command: EctCommandOf<T>, state: EctState, deps: EctDeps) => EctEvent[];
};
export type EventAppliers = {
  readonly [T in EctEventType]: (state: EctState, event: EctEventOf<T>) => EctState;
};
