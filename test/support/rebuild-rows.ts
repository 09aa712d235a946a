import { expect } from '@jest/globals';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import type { TestLedger } from './test-ledger.js';

export type ProjectionRows = Record<string, unknown[]>;

/**
 * Rebuilds one projection from the log (fresh tables, then swap) and expects every one of its tables to hold
 * exactly the rows it held before, whatever the rebuild keeps in memory across pages (rebuild-row-cache.ts). Returns those rows, for a test's own checks on what was compared.
 */
export async function expectRebuildKeepsRows(t: TestLedger, name: string): Promise<ProjectionRows> {
  const projection = t.ledger.projections.find((p) => p.name === name);
  expect(projection?.name).toBe(name);
  const ds = t.ledger.runtime.dataSource;
  const rows = async () => {
    const out: ProjectionRows = {};
    for (const table of projection!.tables)
      // Whole-row order: a table's first column alone (an ECT id) is not unique.
      out[table] = await ds.query(`SELECT * FROM public."${table}" AS r ORDER BY r::text`);
    return out;
  };
  const before = await rows();
  // With the rebuild's write-behind as it runs (every row kept across pages), with none (written every page,
  // as live) and with a cache of 3 rows (rows written and read back on almost every page).
  for (const rowCacheRows of [undefined, 0, 3]) {
    await rebuildProjection(ds, t.ledger.runtime.eventStore, projection!, { rowCacheRows });
    expect({ projection: name, rowCacheRows, rows: await rows() }).toEqual({
      projection: name,
      rowCacheRows,
      rows: before,
    });
  }
  return before;
}
