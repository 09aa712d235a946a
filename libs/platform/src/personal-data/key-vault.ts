/**
 * The key vault behind crypto-shredding (docs/conventions.md, "Personal data"). Each person (subject) has a
 * 32-byte data key that encrypts their fields in events; erasing the person deletes the key, so every copy
 * of those events, backups of the event store included, becomes unreadable for that person while the rest
 * of each event still replays.
 *
 * `SqlKeyVault` keeps keys in `pii_keys`, wrapped (AES-256-GCM) with the master key from configuration, so a
 * database dump alone reveals nothing. An erased subject keeps a tombstone row: who erased, when, and why,
 * and no key: a later `keyFor` refuses instead of silently starting a new key for the same person.
 *
 * Unwrapped keys are cached in a bounded LRU with a time to live. Erasure evicts the key in this process at
 * once; other processes (api instances, workers) drop it when its entry expires (`cacheTtlMs`, 60 s by
 * default), which bounds how long an erased person can still be decrypted anywhere.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LruCache } from './lru-cache.js';

export const KEY_VAULT = Symbol('KeyVault');

export interface ErasureRequest {
  /** Who erased: a user id or `system:<job>`. Not personal data about the subject. */
  erasedBy: string;
  /** Why, in words that name no one: "retention period ended", "erasure request ticket 1234". */
  reason: string;
}

export interface ErasureTombstone extends ErasureRequest {
  subjectId: string;
  erasedAt: Date;
}

export interface KeyVault {
  /** The subject's key, created on first use. @throws SubjectErasedError when the subject was erased. */
  keyFor(subjectId: string): Promise<Buffer>;
  /**
   * `keyFor` for many subjects at once (the people one event names), in one round trip for those not cached;
   * `null` for an erased subject, whose caller decides whether that is an error. Keyed as asked.
   */
  keysFor(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>>;
  /** Keys of many subjects in one round trip; `null` for an erased subject or one that never had a key. */
  find(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>>;
  /** Deletes the subject's key and records a tombstone. Idempotent: a second erasure keeps the first record. */
  erase(subjectId: string, erasure: ErasureRequest): Promise<void>;
  isErased(subjectId: string): Promise<boolean>;
  /** Who erased the subject, when and why; null when not erased. */
  tombstone(subjectId: string): Promise<ErasureTombstone | null>;
}

export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
  constructor(readonly subjectId: string) {
    super(`Subject ${subjectId} has been erased: no personal data can be written for them`);
  }
}

/**
 * Subject ids of the form 00000000-0000-0000-0000-xxxxxxxxxxxx name system keys, not people (for example the
 * secret behind keyed ECT ids, keyed-id.ts). They live in the same table, wrapped the same way, and can
 * never be erased.
 */
export const SYSTEM_SUBJECT_PREFIX = '00000000-0000-0000-0000-';
export function isSystemSubject(subjectId: string): boolean {
  return subjectId.toLowerCase().startsWith(SYSTEM_SUBJECT_PREFIX);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lower-cased subject id; throws when it is not a UUID (stream ids and key rows are keyed by UUID). */
export function normaliseSubjectId(subjectId: string): string {
  if (typeof subjectId !== 'string' || !UUID.test(subjectId)) {
    throw new TypeError(`Subject id must be a UUID (got ${JSON.stringify(subjectId)})`);
  }
  return subjectId.toLowerCase();
}

function checkErasure(subjectId: string, erasure: ErasureRequest): void {
  if (isSystemSubject(subjectId))
    throw new Error(`Subject ${subjectId} is a system key and cannot be erased`);
  if (!erasure?.erasedBy?.trim()) throw new TypeError('Erasure needs erasedBy');
  if (!erasure.reason?.trim()) throw new TypeError('Erasure needs a reason');
  if (erasure.reason.length > 500) throw new TypeError('Erasure reason is limited to 500 characters');
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

/** In-process vault for unit tests and the memory event store. */
export class MemoryKeyVault implements KeyVault {
  private readonly keys = new Map<string, Buffer>();
  private readonly tombstones = new Map<string, ErasureTombstone>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async keyFor(subjectId: string): Promise<Buffer> {
    const id = normaliseSubjectId(subjectId);
    if (this.tombstones.has(id)) throw new SubjectErasedError(subjectId);
    let key = this.keys.get(id);
    if (!key) {
      key = newDataKey();
      this.keys.set(id, key);
    }
    return Buffer.from(key);
  }

  async keysFor(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const found = new Map<string, Buffer | null>();
    for (const subjectId of subjectIds) {
      const id = normaliseSubjectId(subjectId);
      if (this.tombstones.has(id)) {
        found.set(subjectId, null);
        continue;
      }
      if (!this.keys.has(id)) this.keys.set(id, newDataKey());
      found.set(subjectId, Buffer.from(this.keys.get(id)!));
    }
    return found;
  }

  async find(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const found = new Map<string, Buffer | null>();
    for (const subjectId of subjectIds) {
      const key = this.keys.get(normaliseSubjectId(subjectId));
      found.set(subjectId, key ? Buffer.from(key) : null);
    }
    return found;
  }

  async erase(subjectId: string, erasure: ErasureRequest): Promise<void> {
    const id = normaliseSubjectId(subjectId);
    checkErasure(id, erasure);
    this.keys.get(id)?.fill(0);
    this.keys.delete(id);
    if (!this.tombstones.has(id)) {
      this.tombstones.set(id, {
        subjectId: id,
        erasedAt: this.now(),
        erasedBy: erasure.erasedBy,
        reason: erasure.reason,
      });
    }
  }

  async isErased(subjectId: string): Promise<boolean> {
    return this.tombstones.has(normaliseSubjectId(subjectId));
  }

  async tombstone(subjectId: string): Promise<ErasureTombstone | null> {
    return this.tombstones.get(normaliseSubjectId(subjectId)) ?? null;
  }
}

/** The least a SQL client must offer: `pg`'s `Pool.query` and PGlite's `query` both fit. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SqlQuery = (sql: string, params?: unknown[]) => Promise<{ rows: any[] }>;

export interface SqlKeyVaultOptions {
  query: SqlQuery;
  /** 32 bytes (configuration: PII_MASTER_KEY). */
  masterKey: Buffer;
  /** Unwrapped keys kept in memory. Default 10,000 (about 1 MB). */
  cacheSize?: number;
  /** How long a cached key (or erasure) is trusted before the table is asked again. Default 60 s. */
  cacheTtlMs?: number;
  /** Table name, for tests that need isolation. Default `pii_keys`. */
  table?: string;
}

/** Wrapped key layout: version (1 byte) | iv (12) | tag (16) | ciphertext (32). */
const WRAP_VERSION = 1;

export class KeyUnwrapError extends Error {
  override readonly name = 'KeyUnwrapError';
  constructor(subjectId: string) {
    super(
      `Cannot unwrap the key of subject ${subjectId}: PII_MASTER_KEY is not the key that wrapped it, or the row ` +
        'was altered. In development, a lost DATA_DIR/secrets.json means a new master key.',
    );
  }
}

export function wrapKey(masterKey: Buffer, subjectId: string, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`pii_keys:${subjectId}`));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.of(WRAP_VERSION), iv, cipher.getAuthTag(), ct]);
}

export function unwrapKey(masterKey: Buffer, subjectId: string, wrapped: Uint8Array): Buffer {
  const bytes = Buffer.from(wrapped);
  if (bytes.length !== 61 || bytes[0] !== WRAP_VERSION) throw new KeyUnwrapError(subjectId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(1, 13), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(`pii_keys:${subjectId}`));
    decipher.setAuthTag(bytes.subarray(13, 29));
    return Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]);
  } catch {
    throw new KeyUnwrapError(subjectId);
  }
}

/** `null` in the cache records an erased subject. */
type Cached = Buffer | null;

export class SqlKeyVault implements KeyVault {
  private readonly query: SqlQuery;
  private readonly masterKey: Buffer;
  private readonly table: string;
  private readonly cache: LruCache<string, Cached>;
  /** Subjects whose key a statement in flight is fetching or creating. */
  private readonly pending = new Map<string, Promise<Cached>>();

  constructor(options: SqlKeyVaultOptions) {
    if (options.masterKey.length !== 32) throw new RangeError('SqlKeyVault: masterKey must be 32 bytes');
    if (options.table !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.table)) {
      throw new RangeError('SqlKeyVault: table must be a plain lower-case identifier');
    }
    this.query = options.query;
    this.masterKey = Buffer.from(options.masterKey);
    this.table = options.table ?? 'pii_keys';
    this.cache = new LruCache(options.cacheSize ?? 10_000, options.cacheTtlMs ?? 60_000);
  }

  /** Creates the table if needed. Safe to run from several processes at once. */
  async migrate(): Promise<void> {
    try {
      await this.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          subject_id uuid PRIMARY KEY,
          wrapped_key bytea,
          created_at timestamptz NOT NULL DEFAULT now(),
          erased_at timestamptz,
          erased_by text,
          reason text,
          CONSTRAINT ${this.table}_key_xor_tombstone CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
        )`);
    } catch (error) {
      // Two processes racing on CREATE TABLE IF NOT EXISTS: the loser sees a duplicate type or table.
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '42P07') throw error;
    }
  }

  async keyFor(subjectId: string): Promise<Buffer> {
    const key = (await this.keysFor([subjectId])).get(subjectId);
    if (!key) throw new SubjectErasedError(subjectId);
    return key;
  }

  /**
   * The subjects not cached are read, and those without a row given a new key, in ONE statement: a
   * registration names three people (the ECT, who is new, and their mentor and tutor), and a key used to cost
   * a SELECT and then an INSERT each. A subject another call is already fetching waits for that call instead
   * of asking again (the cipher and a handler warming the same keys up).
   */
  async keysFor(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const ids = subjectIds.map(normaliseSubjectId);
    const sources = new Map<string, Cached | Promise<Cached>>();
    const toFetch: string[] = [];
    for (const id of ids) {
      if (sources.has(id)) continue;
      const cached = this.cache.get(id);
      const pending = this.pending.get(id);
      if (cached !== undefined) sources.set(id, cached);
      else if (pending) sources.set(id, pending);
      else toFetch.push(id);
    }
    if (toFetch.length > 0) {
      const fetched = this.createOrRead(toFetch);
      for (const id of toFetch) {
        const one = fetched.then((keys) => keys.get(id)!);
        const settled = () => {
          if (this.pending.get(id) === one) this.pending.delete(id);
        };
        this.pending.set(id, one);
        one.then(settled, settled);
        sources.set(id, one);
      }
    }
    const found = new Map<string, Buffer | null>();
    for (const [i, subjectId] of subjectIds.entries()) {
      const key = await sources.get(ids[i]!)!;
      found.set(subjectId, key && Buffer.from(key));
    }
    return found;
  }

  /**
   * Inserts a freshly wrapped key for each subject, keeping the row of those that have one (or a tombstone),
   * and returns every subject's key: the inserted rows come back from the insert, the existing ones from the
   * statement's snapshot. A row another transaction committed after that snapshot is in neither: asked
   * again. Subjects are inserted in id order, so two batches naming the same people cannot deadlock.
   */
  private async createOrRead(ids: string[]): Promise<Map<string, Buffer | null>> {
    const keys = new Map<string, Buffer | null>();
    let missing = [...ids].sort();
    for (let attempt = 0; attempt < 2 && missing.length > 0; attempt++) {
      const fresh = new Map(missing.map((id) => [id, newDataKey()]));
      const { rows } = await this.query(
        `WITH wanted AS (
           SELECT w.subject_id, decode(w.wrapped, 'hex') AS wrapped_key
           FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS w(subject_id, wrapped, ord)
           ORDER BY w.ord
         ), created AS (
           INSERT INTO ${this.table} (subject_id, wrapped_key) SELECT subject_id, wrapped_key FROM wanted
           ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id
         )
         SELECT k.subject_id::text AS subject_id, k.wrapped_key, k.erased_at, false AS created
         FROM ${this.table} k WHERE k.subject_id = ANY($1::uuid[])
         UNION ALL
         SELECT subject_id::text, NULL, NULL, true FROM created`,
        [missing, missing.map((id) => wrapKey(this.masterKey, id, fresh.get(id)!).toString('hex'))],
      );
      for (const row of rows) {
        const id = String(row.subject_id).toLowerCase();
        if (row.created) {
          const key = fresh.get(id)!;
          this.cache.set(id, key);
          keys.set(id, key);
        } else keys.set(id, this.rememberOrNull(id, row.wrapped_key, row.erased_at));
      }
      // Another process created these between our snapshot and our insert: read theirs.
      missing = missing.filter((id) => !keys.has(id));
    }
    if (missing.length > 0) {
      throw new Error(`Key vault: could not create or read the keys of subjects ${missing.join(', ')}`);
    }
    return keys;
  }

  async find(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const found = new Map<string, Buffer | null>();
    const missing = new Map<string, string[]>();
    for (const subjectId of subjectIds) {
      const id = normaliseSubjectId(subjectId);
      const cached = this.cache.get(id);
      if (cached !== undefined) found.set(subjectId, cached && Buffer.from(cached));
      else missing.set(id, [...(missing.get(id) ?? []), subjectId]);
    }
    if (missing.size > 0) {
      const { rows } = await this.query(
        `SELECT subject_id, wrapped_key, erased_at FROM ${this.table} WHERE subject_id = ANY($1::uuid[])`,
        [[...missing.keys()]],
      );
      for (const row of rows) {
        const id = String(row.subject_id).toLowerCase();
        const key = this.rememberOrNull(id, row.wrapped_key, row.erased_at);
        for (const asGiven of missing.get(id) ?? []) found.set(asGiven, key && Buffer.from(key));
        missing.delete(id);
      }
      // Never created: nothing to decrypt with. Not cached, since a key may be created for them later.
      for (const asGiven of [...missing.values()].flat()) found.set(asGiven, null);
    }
    return found;
  }

  async erase(subjectId: string, erasure: ErasureRequest): Promise<void> {
    const id = normaliseSubjectId(subjectId);
    checkErasure(id, erasure);
    await this.query(
      `INSERT INTO ${this.table} AS k (subject_id, wrapped_key, erased_at, erased_by, reason)
       VALUES ($1, NULL, now(), $2, $3)
       ON CONFLICT (subject_id) DO UPDATE SET
         wrapped_key = NULL,
         erased_at = COALESCE(k.erased_at, EXCLUDED.erased_at),
         erased_by = COALESCE(k.erased_by, EXCLUDED.erased_by),
         reason = COALESCE(k.reason, EXCLUDED.reason)`,
      [id, erasure.erasedBy, erasure.reason],
    );
    this.cache.get(id)?.fill(0);
    this.cache.set(id, null);
  }

  async isErased(subjectId: string): Promise<boolean> {
    return (await this.tombstone(subjectId)) !== null;
  }

  async tombstone(subjectId: string): Promise<ErasureTombstone | null> {
    const id = normaliseSubjectId(subjectId);
    const { rows } = await this.query(
      `SELECT erased_at, erased_by, reason FROM ${this.table} WHERE subject_id = $1 AND erased_at IS NOT NULL`,
      [id],
    );
    if (rows.length === 0) return null;
    return {
      subjectId: id,
      erasedAt: new Date(rows[0].erased_at),
      erasedBy: rows[0].erased_by,
      reason: rows[0].reason,
    };
  }

  /** Forgets every cached key, e.g. after a master key rotation. */
  clearCache(): void {
    this.cache.clear();
  }

  private rememberOrNull(id: string, wrapped: Uint8Array | null, erasedAt: unknown): Buffer | null {
    const key = erasedAt != null || wrapped == null ? null : unwrapKey(this.masterKey, id, wrapped);
    this.cache.set(id, key);
    return key;
  }
}
