import { stringify } from 'csv-stringify/sync';
import type { Request } from 'express';

/** Clients ask for CSV with `Accept: text/csv` (api.md). */
export function wantsCsv(request: Request): boolean {
  return request.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/**
 * Cells that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) get a leading
 * apostrophe (OWASP "CSV injection"), so an exported name like `=HYPERLINK(...)` stays text.
 */
export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function toCsv(
  columns: readonly { header: string; value: (row: never) => unknown }[],
  rows: readonly unknown[],
): string {
  const records = rows.map((row) =>
    columns.map((c) => neutraliseCell((c.value as (r: unknown) => unknown)(row))),
  );
  return stringify([columns.map((c) => c.header), ...records]);
}
