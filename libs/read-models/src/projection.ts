import type { EntityManager, EntitySchema } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { ApplyContext } from './runner/rebuild-row-cache.js';

export type { ApplyContext } from './runner/rebuild-row-cache.js';

/**
 * A projection turns the event log into the tables one screen or report needs. It owns its tables and its
 * checkpoint; the runner applies each batch and moves the checkpoint in one transaction, so a crash never
 * applies an event twice or skips one (architecture.md, "Projections"). Handlers never read the clock:
 * anything that depends on today is decided at query time.
 *
 * Tables are unqualified: live tables sit in `public`, and a rebuild writes the same entities into its own
 * schema through `SET LOCAL search_path`, then swaps them in.
 */
export interface Projection {
  readonly name: string;
  /** Unqualified names of the tables this projection owns (rebuilt and swapped together). */
  readonly tables: readonly string[];
  readonly entities: readonly EntitySchema[];
  /**
   * The shape of what this projection stores (default 1). Bump it when its tables, columns or what a row holds
   * change: a worker that finds the read model built by another version rebuilds it at start
   * (`catchUpFromEmpty`), so a deployment never serves new queries from tables the new code did not write.
   */
  readonly version?: number;
  /**
   * Secondary indexes (by name) that `apply` itself reads through. A rebuild creates the others after its bulk
   * load; these it keeps from the start, or each lookup would scan a table that grows with the replay
   * (quadratic over a national log).
   */
  readonly applyIndexes?: readonly string[];
  /** Event types this projection reads; others are skipped without a call (the checkpoint still moves). */
  readonly eventTypes?: readonly string[];
  /**
   * Applies a page of events in the runner's transaction. `context.rows` is given by a rebuild only: a
   * projection that reads and writes its rows by key through `keyedRows` then keeps them across pages and
   * writes each once (rebuild-row-cache.ts); one that ignores it writes every page, as when live.
   */
  apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext): Promise<void>;
}
