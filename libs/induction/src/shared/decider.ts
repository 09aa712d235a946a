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
  /**
   * Optional: the same as `events.reduce(evolve, state)`, for a state whose `evolve` copies a map that grows
   * with the stream (that reduce is quadratic). Pure like `evolve`: `state` is left as it was.
   */
  evolveAll?(state: State, events: readonly Event[]): State;
}

/** `state` evolved by `events`, in one pass when the decider has `evolveAll`. */
export function evolveFrom<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'evolveAll'>,
  state: State,
  events: readonly Event[],
): State {
  return decider.evolveAll ? decider.evolveAll(state, events) : events.reduce(decider.evolve, state);
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve' | 'evolveAll'>,
  events: readonly Event[],
): State {
  return evolveFrom(decider, decider.initialState(), events);
}
