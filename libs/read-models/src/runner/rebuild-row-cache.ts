import type { EntityManager } from 'typeorm';

/**
 * A table a projection reads and writes by key in `apply` (an ECT's row by its id): how to read some keys'
 * rows and how to write rows, with whatever is derived from them (an ECT's due items, its early-help spans).
 * `write` replaces each row it is given; it is called with the rows in any grouping, so what it derives must
 * depend on the row alone.
 */
export interface KeyedTable<Row> {
  /** The table's name (one cache holds a projection's keyed tables). */
  readonly name: string;
  key(row: Row): string;
  load(em: EntityManager, keys: readonly string[]): Promise<Row[]>;
  write(em: EntityManager, rows: readonly Row[]): Promise<void>;
}

interface Entry {
  table: KeyedTable<unknown>;
  key: string;
  /** Undefined: the row does not exist (yet). */
  row: unknown;
  dirty: boolean;
}

/** Rows written per statement when the cache writes what it holds. */
const WRITE_CHUNK = 2_000;

/**
 * Write-behind for a rebuild (issue 9, bench/README.md "Rebuild on a log in time order"). A log in time order
 * touches each ECT on page after page, so a projection that reads its rows by key and writes them back per
 * page read and rewrote each ECT's row (and everything derived from it) about 8 times over a hub's log and
 * about 30 times over a national one. During a rebuild nothing else reads or writes the rebuild schema, so a
 * projection's rows can stay here across pages, as the objects the projection made, and be written once:
 * when the replay ends (`flush`), or, past `bound` rows, the least recently touched first.
 *
 * One cache per projection per rebuild; a projection applies its pages one after another, so it is never
 * used by two transactions at once. The live runner passes none, and the projection writes every page.
 */
export class RebuildRowCache {
  /** In order of last use: the first entries are the least recently touched. */
  private readonly entries = new Map<string, Entry>();
  /** Rows written and statements run, for the bench and the tests. */
  readonly stats = { hits: 0, misses: 0, rowsWritten: 0, evictions: 0 };

  constructor(readonly bound: number) {
    if (!Number.isInteger(bound) || bound < 1) throw new Error(`RebuildRowCache: bad bound ${bound}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The rows with these keys: those kept here, the rest read with `table.load` (and kept from then on). */
  async get<Row>(
    em: EntityManager,
    table: KeyedTable<Row>,
    keys: readonly string[],
  ): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    const missing: string[] = [];
    for (const key of keys) {
      const id = entryId(table, key);
      const entry = this.entries.get(id);
      if (!entry) {
        missing.push(key);
        continue;
      }
      this.stats.hits++;
      this.touch(id, entry);
      if (entry.row !== undefined) found.set(key, entry.row as Row);
    }
    if (missing.length > 0) {
      this.stats.misses += missing.length;
      const loaded = new Map((await table.load(em, missing)).map((row) => [table.key(row), row]));
      for (const key of missing) {
        const row = loaded.get(key);
        this.entries.set(entryId(table, key), {
          table: table as KeyedTable<unknown>,
          key,
          row,
          dirty: false,
        });
        if (row !== undefined) found.set(key, row);
      }
      await this.evictBeyondBound(em);
    }
    return found;
  }

  /** Keeps these rows as written: they reach the table at `flush`, or earlier if the cache is full. */
  async put<Row>(em: EntityManager, table: KeyedTable<Row>, rows: readonly Row[]): Promise<void> {
    for (const row of rows) {
      const key = table.key(row);
      const id = entryId(table, key);
      this.entries.delete(id);
      this.entries.set(id, { table: table as KeyedTable<unknown>, key, row, dirty: true });
    }
    await this.evictBeyondBound(em);
  }

  /** Writes every row changed since it was read, and keeps them (now clean). */
  async flush(em: EntityManager): Promise<void> {
    await this.write(em, [...this.entries.values()]);
  }

  /**
   * Writes every changed row and forgets them all: before SQL that reads or changes the projection's rows other
   * than through this cache (R23 erasure redacts rows by a query), so that it sees and changes the real rows
   * and the next page reads them back.
   */
  async settle(em: EntityManager): Promise<void> {
    await this.flush(em);
    this.entries.clear();
  }

  private touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  /** Past the bound, writes and forgets the least recently touched tenth (so eviction is not per row). */
  private async evictBeyondBound(em: EntityManager): Promise<void> {
    if (this.entries.size <= this.bound) return;
    const target = Math.floor(this.bound * 0.9);
    const evicted: Entry[] = [];
    for (const [id, entry] of this.entries) {
      if (this.entries.size - evicted.length <= target) break;
      evicted.push(entry);
      void id;
    }
    await this.write(em, evicted);
    for (const entry of evicted) this.entries.delete(entryId(entry.table, entry.key));
    this.stats.evictions += evicted.length;
  }

  private async write(em: EntityManager, entries: readonly Entry[]): Promise<void> {
    // By name: a projection may make its KeyedTable afresh for every page.
    const byTable = new Map<string, { table: KeyedTable<unknown>; rows: unknown[] }>();
    for (const entry of entries) {
      if (!entry.dirty) continue;
      const group = byTable.get(entry.table.name) ?? { table: entry.table, rows: [] };
      group.rows.push(entry.row);
      byTable.set(entry.table.name, group);
    }
    for (const { table, rows } of byTable.values())
      for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
        await table.write(em, rows.slice(i, i + WRITE_CHUNK));
        this.stats.rowsWritten += Math.min(WRITE_CHUNK, rows.length - i);
      }
    for (const entry of entries) entry.dirty = false;
  }
}

const entryId = (table: KeyedTable<unknown>, key: string) => `${table.name}\u0000${key}`;

/** What a projection's `apply` gets besides the page and the transaction (projection.ts). */
export interface ApplyContext {
  /** During a rebuild only: the projection's keyed rows, kept across pages and written once (write-behind). */
  readonly rows?: RebuildRowCache;
}

/**
 * A keyed table as `apply` uses it, the same with or without a rebuild's cache: `get` reads rows by key and
 * `put` writes them (at once when live; when the cache says so in a rebuild). `settle` goes before any SQL
 * that reads or changes the projection's rows other than by key.
 */
export function keyedRows<Row>(em: EntityManager, context: ApplyContext | undefined, table: KeyedTable<Row>) {
  const cache = context?.rows;
  return {
    async get(keys: readonly string[]): Promise<Map<string, Row>> {
      if (cache) return cache.get(em, table, keys);
      if (keys.length === 0) return new Map();
      return new Map((await table.load(em, keys)).map((row) => [table.key(row), row]));
    },
    async put(rows: readonly Row[]): Promise<void> {
      if (rows.length === 0) return;
      if (cache) await cache.put(em, table, rows);
      else await table.write(em, rows);
    },
    async settle(): Promise<void> {
      await cache?.settle(em);
    },
  };
}
