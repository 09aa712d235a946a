import { getHeapStatistics } from 'node:v8';
import type { EntityManager } from 'typeorm';
import type { RebuildPartition } from './ect-partition-key.js';

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
  key: string;
  /** Undefined: the row does not exist (yet). */
  row: unknown;
  dirty: boolean;
  /** When it was last read or written (the cache's own clock), for evicting the least recently touched. */
  used: number;
}

/** One keyed table's entries, by key. */
interface TableEntries {
  table: KeyedTable<unknown>;
  entries: Map<string, Entry>;
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
 * A hit only stamps the entry with the clock (a national rebuild makes 1.7M hits per projection); the order
 * is worked out when the bound is passed, which is rare.
 */
export class RebuildRowCache {
  /** By table name (a projection may make its KeyedTable afresh for every page). */
  private readonly tables = new Map<string, TableEntries>();
  private count = 0;
  private clock = 0;
  /** The heap is looked at again once the cache has this many rows (after an eviction for the heap). */
  private heapCheckAt = 0;
  private readonly heapShare: number;
  private readonly heapUsage: () => { used: number; limit: number };
  /** Rows written and statements run, for the bench and the tests. */
  readonly stats = { hits: 0, misses: 0, rowsWritten: 0, evictions: 0, heapEvictions: 0 };
  /** See the constructor's `writeLock`. */
  private readonly writeLock: ((em: EntityManager) => Promise<void>) | undefined;

  /**
   * `bound`: rows kept (all tables). Whatever the bound, when the process's heap is over `heapShare` of its
   * limit (default 0.8) the least recently touched quarter is written and forgotten: the caches of all the
   * projections share one heap, and a rebuild that runs out of it fails (a national log's rows took 3.6–4 GB of
   * Node's default 4.3 GB). `heapUsage` is for tests.
   */
  constructor(
    readonly bound: number,
    options: {
      heapShare?: number;
      heapUsage?: () => { used: number; limit: number };
      /**
       * Run in a transaction before it writes rows from here. A rebuild split by ECT (ect-partitions.ts) takes a
       * lock per projection with it: some rows are shared by every ECT (the early-help queue's per-day counts),
       * and threads whose transactions each wrote several chunks of them could otherwise deadlock.
       */
      writeLock?: (em: EntityManager) => Promise<void>;
    } = {},
  ) {
    if (!Number.isInteger(bound) || bound < 1) throw new Error(`RebuildRowCache: bad bound ${bound}`);
    this.heapShare = options.heapShare ?? 0.8;
    this.writeLock = options.writeLock;
    this.heapUsage =
      options.heapUsage ??
      (() => {
        const heap = getHeapStatistics();
        return { used: heap.used_heap_size, limit: heap.heap_size_limit };
      });
  }

  get size(): number {
    return this.count;
  }

  /** The rows with these keys: those kept here, the rest read with `table.load` (and kept from then on). */
  async get<Row>(
    em: EntityManager,
    table: KeyedTable<Row>,
    keys: readonly string[],
  ): Promise<Map<string, Row>> {
    const { entries } = this.entriesOf(table);
    const found = new Map<string, Row>();
    const missing: string[] = [];
    const now = ++this.clock;
    for (const key of keys) {
      const entry = entries.get(key);
      if (!entry) {
        missing.push(key);
        continue;
      }
      this.stats.hits++;
      entry.used = now;
      if (entry.row !== undefined) found.set(key, entry.row as Row);
    }
    if (missing.length > 0) {
      this.stats.misses += missing.length;
      const loaded = new Map((await table.load(em, missing)).map((row) => [table.key(row), row]));
      // The table's entries again: a settle during the load (none today) would have replaced them.
      const { entries: current } = this.entriesOf(table);
      for (const key of missing) {
        const row = loaded.get(key);
        if (!current.has(key)) this.count++;
        current.set(key, { key, row, dirty: false, used: now });
        if (row !== undefined) found.set(key, row);
      }
      await this.evictBeyondBound(em);
    }
    return found;
  }

  /** Keeps these rows as written: they reach the table at `flush`, or earlier if the cache is full. */
  async put<Row>(em: EntityManager, table: KeyedTable<Row>, rows: readonly Row[]): Promise<void> {
    const { entries } = this.entriesOf(table);
    const now = ++this.clock;
    for (const row of rows) {
      const key = table.key(row);
      const entry = entries.get(key);
      if (entry) {
        entry.row = row;
        entry.dirty = true;
        entry.used = now;
      } else {
        entries.set(key, { key, row, dirty: true, used: now });
        this.count++;
      }
    }
    await this.evictBeyondBound(em);
  }

  /** Writes every row changed since it was read, and keeps them (now clean). */
  async flush(em: EntityManager): Promise<void> {
    for (const { table, entries } of this.tables.values()) await this.write(em, table, [...entries.values()]);
  }

  /**
   * Writes every changed row, each chunk in a transaction of its own (`inTransaction`), and forgets each chunk
   * once written, then the rows that were not changed: what a rebuild does at the end of its replay. Nothing is
   * kept that the replay no longer needs, so the heap shrinks as the rows go out instead of growing with their
   * JSON text (bulk-write.ts keeps a shared state's text as long as the state lives): with every row kept to
   * the end, garbage collection took most of a national rebuild's final write. No transaction holds a
   * projection's whole table, so threads that write rows of the same table (a rebuild split by ECT,
   * ect-partitions.ts) take turns chunk by chunk. A later page reads its rows back (`get`).
   */
  async flushAndForget(
    inTransaction: (work: (em: EntityManager) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    for (const { table, entries } of this.tables.values()) {
      const dirty = [...entries.values()].filter((entry) => entry.dirty);
      for (let i = 0; i < dirty.length; i += WRITE_CHUNK) {
        const chunk = dirty.slice(i, i + WRITE_CHUNK);
        await inTransaction((em) => this.write(em, table, chunk));
        for (const entry of chunk) entries.delete(entry.key);
        this.count -= chunk.length;
      }
    }
    this.tables.clear();
    this.count = 0;
  }

  /**
   * Writes every changed row and forgets them all: before SQL that reads or changes the projection's rows other
   * than through this cache (R23 erasure redacts rows by a query), so that it sees and changes the real rows
   * and the next page reads them back.
   */
  async settle(em: EntityManager): Promise<void> {
    await this.flush(em);
    this.tables.clear();
    this.count = 0;
  }

  private entriesOf(table: KeyedTable<unknown>): TableEntries {
    let kept = this.tables.get(table.name);
    if (!kept) this.tables.set(table.name, (kept = { table, entries: new Map() }));
    return kept;
  }

  private heapPressed(): boolean {
    const { used, limit } = this.heapUsage();
    return used > limit * this.heapShare;
  }

  /**
   * Past the bound, writes and forgets the least recently touched tenth (so eviction is not per row); with the
   * heap nearly full, a quarter.
   */
  private async evictBeyondBound(em: EntityManager): Promise<void> {
    let keep: number;
    if (this.count > this.bound) keep = Math.floor(this.bound * 0.9);
    else if (this.count >= this.heapCheckAt && this.heapPressed()) {
      keep = Math.floor(this.count * 0.75);
      // Garbage is collected later: look again only once the cache has grown by a tenth.
      this.heapCheckAt = keep + Math.ceil(keep / 10) + 1;
      this.stats.heapEvictions += this.count - keep;
    } else return;
    const all: { kept: TableEntries; entry: Entry }[] = [];
    for (const kept of this.tables.values())
      for (const entry of kept.entries.values()) all.push({ kept, entry });
    all.sort((a, b) => a.entry.used - b.entry.used);
    const evicted = all.slice(0, this.count - keep);
    for (const kept of this.tables.values()) {
      const mine = evicted.filter((e) => e.kept === kept).map((e) => e.entry);
      await this.write(em, kept.table, mine);
      for (const entry of mine) kept.entries.delete(entry.key);
    }
    this.count -= evicted.length;
    this.stats.evictions += evicted.length;
  }

  private async write(
    em: EntityManager,
    table: KeyedTable<unknown>,
    entries: readonly Entry[],
  ): Promise<void> {
    const rows = entries.filter((entry) => entry.dirty).map((entry) => entry.row);
    if (rows.length > 0) await this.writeLock?.(em);
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      await table.write(em, rows.slice(i, i + WRITE_CHUNK));
      this.stats.rowsWritten += Math.min(WRITE_CHUNK, rows.length - i);
    }
    for (const entry of entries) entry.dirty = false;
  }
}

/** What a projection's `apply` gets besides the page and the transaction (projection.ts). */
export interface ApplyContext {
  /** During a rebuild only: the projection's keyed rows, kept across pages and written once (write-behind). */
  readonly rows?: RebuildRowCache;
  /**
   * In a rebuild split by ECT (ect-partitions.ts): the share of the ECTs this thread applies. A projection that
   * changes rows by SQL across its table (the R23 redaction) must change only this share's rows.
   */
  readonly partition?: RebuildPartition;
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
