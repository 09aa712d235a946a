import type { DataSource } from 'typeorm';
import type { EventStore } from '#event-store/event-store.port.js';
import type { Projection } from '../projection.js';
import { ensureCheckpointRows, projectionVersion } from './projection-runner.js';
import { checkpointPosition, ProjectionCheckpoint } from '../checkpoints/projection-checkpoint.entity.js';
import { type RebuildOptions, type RebuildResult, rebuildProjections } from './projection-rebuild.js';

export interface CatchUpFromEmptyOptions extends RebuildOptions {
  /**
   * Fewer events than this in the log: leave the projections to the live runner (default 10,000). Above it,
   * the one-pass rebuild is much faster than the runner's batches (issue 9: the runner applies each
   * projection's batches of 500 on its own, so every ECT stream is folded once per projection).
   */
  minEvents?: number;
}

/**
 * Brings the projections that have never applied anything (checkpoint still empty: a new database, a new
 * projection) up to the log in ONE pass over it (`rebuildProjections`: shared fold, bulk writes, indexes
 * after the load), when the log is long enough to be worth it; the live runner then carries on from the
 * swapped-in checkpoint. Call it before the runner starts, in the worker that will run these projections.
 * Safe anyway: the swap locks each checkpoint row, and a runner that finds its checkpoint moved reloads.
 * Projections whose tables another version wrote (`Projection.version` differs from the one recorded at their
 * last rebuild or creation) are rebuilt in the same pass, however short the log.
 * Returns what was rebuilt (empty when nothing was).
 */
export async function catchUpFromEmpty(
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
  options: CatchUpFromEmptyOptions = {},
): Promise<RebuildResult[]> {
  const minEvents = options.minEvents ?? 10_000;
  await ensureCheckpointRows(dataSource, projections);
  const empty: Projection[] = [];
  const outdated: Projection[] = [];
  // One read of every checkpoint row: where each projection stands, and the version that built its tables
  // (null for rows written before versions were recorded: version 1).
  const rows = new Map((await dataSource.manager.find(ProjectionCheckpoint)).map((row) => [row.name, row]));
  for (const projection of projections) {
    const row = rows.get(projection.name);
    if (checkpointPosition(row) === undefined) empty.push(projection);
    else if ((row?.version ?? 1) !== projectionVersion(projection)) outdated.push(projection);
  }
  if (empty.length + outdated.length === 0) return [];
  // Tables another version of the code wrote are rebuilt whatever the log's length: their rows (or their very
  // columns) are not what this code reads. Empty ones only when the log is long enough for one pass to pay:
  // whether it holds at least minEvents (the last of the first minEvents, if there is one).
  const probe = empty.length ? await store.readAll({ limit: minEvents }) : [];
  const stale = probe.length >= minEvents ? [...outdated, ...empty] : outdated;
  if (stale.length === 0) return [];
  return rebuildProjections(dataSource, store, stale, options);
}
