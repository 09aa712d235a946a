import type { DataSource } from 'typeorm';
import { quoteIdentifier as quote } from './sql-identifier.js';

/**
 * Read models keep large JSON documents (an ECT's folded state is ≈6.7 KB of text, written by five projections),
 * which PostgreSQL compresses when it stores them. Its default, pglz, compresses slowly: inserting 5,000 real
 * national-scale states took 3.2 s with pglz, 1.7 s with lz4, 1.2 s uncompressed (bench/README.md, issue 9),
 * and a rebuild writes 300,000 of them. So every json/jsonb column of the given tables is switched to lz4 where
 * the server was built with it (PostgreSQL 14 and later usually are; PGlite is not, and keeps pglz). Only values
 * written from then on use it; nothing is rewritten. Idempotent: a column already on lz4 is left alone, so the
 * `ALTER TABLE` runs once per column per database. Returns the columns it switched, as `table.column`.
 */
export async function compressJsonColumnsWithLz4(
  dataSource: DataSource,
  tables: readonly string[],
): Promise<string[]> {
  if (tables.length === 0) return [];
  const [support] = (await dataSource.query(
    `SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  )) as { lz4: boolean }[];
  if (!support?.lz4) return [];
  const columns = (await dataSource.query(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY($1)
        AND a.attnum > 0 AND NOT a.attisdropped
        AND a.atttypid IN ('jsonb'::regtype, 'json'::regtype) AND a.attcompression <> 'l'
      ORDER BY 1, 2`,
    [[...tables]],
  )) as { table: string; column: string }[];
  for (const { table, column } of columns)
    await dataSource.query(`ALTER TABLE ${quote(table)} ALTER COLUMN ${quote(column)} SET COMPRESSION lz4`);
  return columns.map(({ table, column }) => `${table}.${column}`);
}
