import { DataSource, type EntitySchema } from 'typeorm';
import { ProjectionCheckpoint } from './checkpoints/projection-checkpoint.entity.js';
import { compressJsonColumnsWithLz4 } from './json-column-compression.js';

export interface ReadModelDataSourceOptions {
  url: string;
  entities: readonly EntitySchema[];
  poolMax?: number;
  /** Read-model tables are derived from the log: schema changes are applied at start and rebuilt if needed. */
  synchronize?: boolean;
}

/**
 * The TypeORM DataSource for read models (PostgreSQL, or PGlite through its socket server). Tables are
 * unqualified so that a rebuild can write the same entities into its own schema (see projection-rebuild.ts).
 */
export async function openReadModelDataSource(options: ReadModelDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [ProjectionCheckpoint, ...options.entities],
    synchronize: false,
    logging: false,
    extra: { max: options.poolMax ?? 10 },
  });
  await dataSource.initialize();
  if (options.synchronize ?? true) {
    await dataSource.synchronize();
    await compressJsonColumnsWithLz4(
      dataSource,
      dataSource.entityMetadatas.map((metadata) => metadata.tableName),
    );
  }
  return dataSource;
}
