import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';
import { quoteIdentifier as quote } from './sql-identifier.js';

/**
 * Multi-row writes with ONE query parameter: the rows go to PostgreSQL as a JSON array and come out of
 * `jsonb_to_recordset`, typed by the entity's columns. TypeORM's `upsert`/`insert` build a `VALUES` list with
 * a placeholder and an escaped value per cell, which cost more than the projections' own work in a rebuild
 * (issue 9: `InsertQueryBuilder` was a fifth of the pass). The rows written are the same as TypeORM's:
 * scalar values go through the driver's own `preparePersistentValue`, jsonb values as they are (a JSON null
 * becomes SQL NULL, as TypeORM writes it), and a column no row sets is left to its default. Table names are
 * unqualified, so a rebuild's `search_path` applies.
 */
export async function bulkUpsert<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntitySchema<T>,
  rows: readonly Partial<T>[],
  conflictPaths: readonly (keyof T & string)[],
): Promise<void> {
  await bulkWrite(em, entity, rows, conflictPaths);
}

/** `INSERT` of many rows (no conflict handling), as `bulkUpsert`. */
export async function bulkInsert<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntitySchema<T>,
  rows: readonly Partial<T>[],
): Promise<void> {
  await bulkWrite(em, entity, rows, null);
}

/**
 * The JSON text of values known never to change, kept per object. The projections that fold ECT streams share
 * each folded state (`evolveShared`), so five of them write the same object: a national rebuild stringified
 * ≈2 GB of states, each five times (issue 9). Only objects marked with `writtenUnchanged` are kept (a domain
 * state is never mutated: `evolve` returns a new one); any other value is stringified on every write.
 */
const unchangingTexts = new WeakMap<object, string | null>();

/** Marks a value that will never be mutated, so that its JSON text can be kept for every write of it. */
export function writtenUnchanged<T extends object>(value: T): T {
  if (!unchangingTexts.has(value)) unchangingTexts.set(value, null);
  return value;
}

function jsonText(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    const kept = unchangingTexts.get(value);
    if (kept) return kept;
    if (kept === null) {
      const text = JSON.stringify(value);
      unchangingTexts.set(value, text);
      return text;
    }
  }
  return JSON.stringify(value);
}

type ColumnMetadata = ReturnType<EntityManager['connection']['getMetadata']>['columns'][number];

async function bulkWrite<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntitySchema<T>,
  rows: readonly Partial<T>[],
  conflictPaths: readonly string[] | null,
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = em.connection.getMetadata(entity);
  const driver = em.connection.driver;
  // As TypeORM: a column that no row sets is left out (its default applies).
  const columns = metadata.columns.filter(
    (column) => !column.generatedType && rows.some((row) => column.getEntityValue(row) !== undefined),
  );
  const json = columns.map((column) => driver.normalizeType(column) === 'jsonb');
  const keys = columns.map((column) => `${JSON.stringify(column.databaseName)}:`);
  // The rows as ONE JSON array, written out here rather than by JSON.stringify of the whole array, so that a
  // jsonb value marked `writtenUnchanged` is stringified once however many projections write it. A value
  // JSON.stringify would leave out (undefined) is left out, as it would be.
  const records = rows.map((row) => {
    const fields: string[] = [];
    columns.forEach((column, i) => {
      let value: unknown = column.getEntityValue(row);
      if (value === undefined) value = defaultOf(column, metadata.tableName);
      else if (!json[i]) value = driver.preparePersistentValue(value, column);
      const text = jsonText(typeof value === 'bigint' ? value.toString() : value);
      if (text !== undefined) fields.push(keys[i] + text);
    });
    return `{${fields.join(',')}}`;
  });
  const names = columns.map((column) => quote(column.databaseName));
  const types = columns.map((column) => `${quote(column.databaseName)} ${sqlType(driver, column)}`);
  let sql =
    `INSERT INTO ${quote(metadata.tableName)} (${names.join(', ')}) ` +
    `SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${types.join(', ')})`;
  if (conflictPaths) {
    const conflict = metadata.mapPropertyPathsToColumns([...conflictPaths]);
    const updates = columns
      .filter((column) => !conflict.includes(column) && column.isUpdate !== false)
      .map((column) => `${quote(column.databaseName)} = EXCLUDED.${quote(column.databaseName)}`);
    sql +=
      ` ON CONFLICT (${conflict.map((column) => quote(column.databaseName)).join(', ')}) ` +
      (updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING');
  }
  await em.query(sql, [`[${records.join(',')}]`]);
}

function sqlType(driver: EntityManager['connection']['driver'], column: ColumnMetadata): string {
  const type = driver.normalizeType(column);
  return column.isArray ? `${type}[]` : type;
}

/** What TypeORM writes for a row that leaves a column undefined while others set it: the column's default. */
function defaultOf(column: ColumnMetadata, table: string): unknown {
  const value: unknown = column.default;
  if (value === undefined) {
    if (column.isNullable) return null;
    throw new Error(
      `bulk write to ${table}: a row has no value for ${column.databaseName}, which has no default`,
    );
  }
  if (typeof value === 'function') {
    throw new Error(`bulk write to ${table}: a row leaves ${column.databaseName} to its SQL default; set it`);
  }
  return value;
}
