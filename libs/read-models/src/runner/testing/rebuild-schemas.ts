import type { DataSource } from 'typeorm';

/** The rebuild schemas (`rebuild_<projection>_<run>`) left in the database: none once a rebuild has ended. */
export async function leftoverRebuildSchemas(dataSource: DataSource): Promise<string[]> {
  const rows = (await dataSource.query(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%' ORDER BY nspname`,
  )) as { nspname: string }[];
  return rows.map((row) => row.nspname);
}
