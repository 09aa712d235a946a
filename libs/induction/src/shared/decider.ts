/**
 * The decider pattern (shared/design/style.md): pure `decide(command, state) -> events` and
 * `evolve(state, event) -> state`. No Nest, no I/O, no wall clock: time comes in through the command
 * (`now`, a date the application layer took from its Clock).
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  initialState(): State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}
