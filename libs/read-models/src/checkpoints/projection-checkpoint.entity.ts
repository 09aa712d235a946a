import { EntitySchema } from 'typeorm';
import type { LogPosition } from '#event-store/event-store.port.js';

export interface ProjectionCheckpointRow {
  name: string;
  /** bigint columns come back from pg as strings: kept as strings here and parsed by the helpers below. */
  commitPosition: string | null;
  preparePosition: string | null;
  updatedAt: Date;
  rebuiltAt: Date | null;
  /** The projection's `version` that built these tables (null: before versions were recorded, i.e. 1). */
  version: number | null;
}

export const ProjectionCheckpoint = new EntitySchema<ProjectionCheckpointRow>({
  name: 'ProjectionCheckpoint',
  tableName: 'projection_checkpoints',
  columns: {
    name: { type: 'text', primary: true, primaryKeyConstraintName: 'projection_checkpoints_pkey' },
    commitPosition: { name: 'commit_position', type: 'bigint', nullable: true },
    preparePosition: { name: 'prepare_position', type: 'bigint', nullable: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
    rebuiltAt: { name: 'rebuilt_at', type: 'timestamptz', nullable: true },
    version: { type: 'int', nullable: true },
  },
});

export function checkpointPosition(
  row: Pick<ProjectionCheckpointRow, 'commitPosition' | 'preparePosition'> | null | undefined,
): LogPosition | undefined {
  if (!row || row.commitPosition === null || row.preparePosition === null) return undefined;
  return { commit: BigInt(row.commitPosition), prepare: BigInt(row.preparePosition) };
}

export function samePosition(a: LogPosition | undefined, b: LogPosition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.commit === b.commit && a.prepare === b.prepare;
}
