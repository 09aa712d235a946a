import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EntityManager } from 'typeorm';
import { type KeyedTable, RebuildRowCache, keyedRows } from './rebuild-row-cache.js';

interface Row {
  id: string;
  n: number;
}

/** A keyed table in memory that counts what it is asked: what `apply` would read and write in PostgreSQL. */
function memoryTable(name = 'rows') {
  const stored = new Map<string, Row>();
  const calls = { loads: 0, writes: 0, rowsWritten: 0 };
  const table: KeyedTable<Row> = {
    name,
    key: (row) => row.id,
    load: async (_em, keys) => {
      calls.loads++;
      return keys.flatMap((key) => (stored.has(key) ? [{ ...stored.get(key)! }] : []));
    },
    write: async (_em, rows) => {
      calls.writes++;
      calls.rowsWritten += rows.length;
      for (const row of rows) stored.set(row.id, { ...row });
    },
  };
  return { table, stored, calls };
}

const em = {} as EntityManager;

/** One page: add `by` to each key's count (a projection that reads its rows by key and writes them back). */
async function applyPage(
  rows: ReturnType<typeof keyedRows<Row>>,
  page: readonly { key: string; by: number }[],
): Promise<void> {
  const keys = [...new Set(page.map((p) => p.key))];
  const found = await rows.get(keys);
  const next = new Map(keys.map((key) => [key, { id: key, n: found.get(key)?.n ?? 0 }]));
  for (const { key, by } of page) next.get(key)!.n += by;
  await rows.put([...next.values()]);
}

describe('RebuildRowCache (write-behind for a rebuild)', () => {
  it('reads a row once and writes it once however many pages touch it', async () => {
    const { table, stored, calls } = memoryTable();
    const cache = new RebuildRowCache(100);
    const rows = keyedRows(em, { rows: cache }, table);
    for (let page = 0; page < 30; page++) await applyPage(rows, [{ key: 'ect-1', by: 1 }]);
    expect(stored.size).toBe(0);
    await cache.flush(em);
    expect(stored.get('ect-1')).toEqual({ id: 'ect-1', n: 30 });
    expect(calls).toEqual({ loads: 1, writes: 1, rowsWritten: 1 });
    // Flushed rows stay (clean): a second flush writes nothing.
    await cache.flush(em);
    expect(calls.writes).toBe(1);
  });

  it('without a cache (the live runner) every page reads and writes', async () => {
    const { table, stored, calls } = memoryTable();
    const rows = keyedRows(em, undefined, table);
    for (let page = 0; page < 3; page++) await applyPage(rows, [{ key: 'ect-1', by: 1 }]);
    expect(stored.get('ect-1')).toEqual({ id: 'ect-1', n: 3 });
    expect(calls).toEqual({ loads: 3, writes: 3, rowsWritten: 3 });
  });

  it('past its bound it writes and forgets the least recently touched rows, which are read back when needed', async () => {
    const { table, stored } = memoryTable();
    const cache = new RebuildRowCache(10);
    const rows = keyedRows(em, { rows: cache }, table);
    for (let i = 0; i < 10; i++) await applyPage(rows, [{ key: `k${i}`, by: 1 }]);
    await applyPage(rows, [{ key: 'k0', by: 1 }]); // k0 is now the most recent
    await applyPage(rows, [{ key: 'k10', by: 1 }]); // 11 rows: the two least recent (k1, k2) go
    expect([...stored.keys()].sort()).toEqual(['k1', 'k2']);
    expect(cache.size).toBe(9);
    await applyPage(rows, [{ key: 'k1', by: 5 }]);
    await cache.flush(em);
    expect(stored.get('k1')).toEqual({ id: 'k1', n: 6 });
    expect(stored.get('k0')).toEqual({ id: 'k0', n: 2 });
  });

  it('settle writes everything and forgets it, so SQL that changes rows behind the cache is read back', async () => {
    const { table, stored } = memoryTable();
    const cache = new RebuildRowCache(100);
    const rows = keyedRows(em, { rows: cache }, table);
    await applyPage(rows, [{ key: 'a', by: 2 }]);
    await rows.settle();
    expect(stored.get('a')).toEqual({ id: 'a', n: 2 });
    stored.get('a')!.n = 100; // as a redaction by query would
    await applyPage(rows, [{ key: 'a', by: 1 }]);
    await cache.flush(em);
    expect(stored.get('a')).toEqual({ id: 'a', n: 101 });
  });

  it('a key found missing is remembered as missing (no second read for a new row)', async () => {
    const { table, calls } = memoryTable();
    const cache = new RebuildRowCache(100);
    const rows = keyedRows(em, { rows: cache }, table);
    expect(await rows.get(['x'])).toEqual(new Map());
    expect(await rows.get(['x'])).toEqual(new Map());
    expect(calls.loads).toBe(1);
  });

  it('with the heap nearly full it writes and forgets the least recently touched quarter, whatever the bound', async () => {
    const { table, stored } = memoryTable();
    let used = 0;
    const cache = new RebuildRowCache(1_000, { heapUsage: () => ({ used, limit: 100 }) });
    const rows = keyedRows(em, { rows: cache }, table);
    for (let i = 0; i < 8; i++) await applyPage(rows, [{ key: `k${i}`, by: 1 }]);
    expect(stored.size).toBe(0);
    used = 90; // over 0.8 of the limit
    await applyPage(rows, [{ key: 'k8', by: 1 }]);
    expect(cache.size).toBe(6); // 9 rows, a quarter (the 3 least recent) written and forgotten
    expect([...stored.keys()].sort()).toEqual(['k0', 'k1', 'k2']);
    expect(cache.stats.heapEvictions).toBe(3);
    // Still pressed (garbage not collected yet): nothing more goes until the cache has grown by a tenth.
    await applyPage(rows, [{ key: 'k3', by: 1 }]);
    expect(cache.size).toBe(6);
    await cache.flush(em);
    expect(stored.get('k3')).toEqual({ id: 'k3', n: 2 });
    expect(stored.size).toBe(9);
  });

  it('flushAndForget writes the changed rows a chunk per transaction, after the write lock, and forgets them all', async () => {
    const { table, stored, calls } = memoryTable();
    const other = memoryTable('other');
    const transactions: string[][] = [];
    const cache = new RebuildRowCache(10_000, {
      writeLock: async () => {
        transactions.at(-1)!.push('lock');
      },
    });
    const rows = keyedRows(em, { rows: cache }, table);
    const others = keyedRows(em, { rows: cache }, other.table);
    // 4,500 changed rows (three chunks of at most 2,000), one read and left unchanged, one in another table.
    await applyPage(
      rows,
      Array.from({ length: 4_500 }, (_, i) => ({ key: `ect-${i}`, by: 1 })),
    );
    stored.set('clean', { id: 'clean', n: 7 });
    await rows.get(['clean']);
    await applyPage(others, [{ key: 'x', by: 2 }]);
    expect(cache.size).toBe(4_502);
    await cache.flushAndForget(async (work) => {
      transactions.push([]);
      await work(em);
      transactions.at(-1)!.push('commit');
    });
    expect(stored.size).toBe(4_501);
    expect(stored.get('ect-4499')).toEqual({ id: 'ect-4499', n: 1 });
    expect(other.stored.get('x')).toEqual({ id: 'x', n: 2 });
    expect(calls.rowsWritten).toBe(4_500);
    // A transaction per chunk of each table, each taking the lock before it writes.
    expect(transactions).toEqual(Array.from({ length: 4 }, () => ['lock', 'commit']));
    // Forgotten: the next page reads its rows back.
    expect(cache.size).toBe(0);
    const loads = calls.loads;
    await applyPage(rows, [{ key: 'ect-1', by: 1 }]);
    expect(calls.loads).toBe(loads + 1);
    await cache.flush(em);
    expect(stored.get('ect-1')).toEqual({ id: 'ect-1', n: 2 });
  });

  it('refuses a bound that is not a positive whole number', () => {
    expect(() => new RebuildRowCache(0)).toThrow(/bad bound/);
    expect(() => new RebuildRowCache(1.5)).toThrow(/bad bound/);
  });

  it('property: any pages, any bound, two tables: the tables end as with a write on every page', async () => {
    const page = fc.array(
      fc.record({
        table: fc.constantFrom(0, 1),
        key: fc.constantFrom(...'abcdefghijkl'),
        by: fc.integer({ min: -3, max: 9 }),
      }),
      { minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(page, { maxLength: 40 }),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.nat(39)),
        async (pages, bound, settleAt) => {
          const live = [memoryTable('one'), memoryTable('two')];
          const behind = [memoryTable('one'), memoryTable('two')];
          const cache = new RebuildRowCache(bound);
          for (const [i, p] of pages.entries()) {
            for (const t of [0, 1]) {
              const mine = p.filter((e) => e.table === t);
              if (mine.length === 0) continue;
              await applyPage(keyedRows(em, undefined, live[t]!.table), mine);
              const rows = keyedRows(em, { rows: cache }, behind[t]!.table);
              await applyPage(rows, mine);
              if (settleAt.includes(i)) await rows.settle();
            }
            expect(cache.size).toBeLessThanOrEqual(bound);
          }
          await cache.flush(em);
          for (const t of [0, 1]) expect(behind[t]!.stored).toEqual(live[t]!.stored);
        },
      ),
      { numRuns: 300 },
    );
  });
});
