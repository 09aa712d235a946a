import type { DataSource } from 'typeorm';
import type { EventStore } from '#event-store/event-store.port.js';
import { comparePositions } from '#event-store/event-store.port.js';
import { checkpointPosition } from '../checkpoints/projection-checkpoint.entity.js';

/**
 * Read-your-writes (api.md, `X-Min-Log-Position`): a read can wait, bounded, until the projections it reads
 * have passed the position a command returned. Checkpoints are read from the database, so this works
 * whichever api or worker instance runs the projection.
 */
export class ReadModelFreshness {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly pollMs = 20,
  ) {}

  /** Resolves true once every named projection has reached `globalPosition`, false on timeout. */
  async waitFor(globalPosition: bigint, projections: readonly string[], timeoutMs: number): Promise<boolean> {
    const target = await this.store.resolvePosition(globalPosition);
    if (!target) return false;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT name, commit_position AS "commitPosition", prepare_position AS "preparePosition"
           FROM projection_checkpoints WHERE name = ANY($1)`,
        [projections],
      )) as { name: string; commitPosition: string | null; preparePosition: string | null }[];
      const reached = projections.every((name) => {
        const position = checkpointPosition(rows.find((r) => r.name === name));
        return position !== undefined && comparePositions(position, target) >= 0;
      });
      if (reached) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}
