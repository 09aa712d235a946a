import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  KeyUnwrapError,
  MemoryKeyVault,
  SqlKeyVault,
  SubjectErasedError,
  type KeyVault,
  type SqlQuery,
} from './key-vault.js';
import { ECT_ID_KEY_SUBJECT } from './keyed-id.js';

const erasure = { erasedBy: 'user-hub-1', reason: 'retention period ended' };

/** What every vault must do, whatever keeps its keys. */
function keyVaultContract(name: string, make: () => Promise<KeyVault>) {
  describe(`${name}: KeyVault contract`, () => {
    let vault: KeyVault;
    beforeAll(async () => {
      vault = await make();
    });

    it('creates a 32-byte key on first use and returns the same key after', async () => {
      const subject = randomUUID();
      const key = await vault.keyFor(subject);
      expect(key).toHaveLength(32);
      expect((await vault.keyFor(subject)).equals(key)).toBe(true);
      expect((await vault.keyFor(subject.toUpperCase())).equals(key)).toBe(true);
    });

    it('gives each subject its own key', async () => {
      expect((await vault.keyFor(randomUUID())).equals(await vault.keyFor(randomUUID()))).toBe(false);
    });

    it('finds many keys at once, null for unknown subjects, keyed as asked', async () => {
      const a = randomUUID();
      const b = randomUUID();
      const unknown = randomUUID();
      const keyA = await vault.keyFor(a);
      const keyB = await vault.keyFor(b);
      const found = await vault.find([a, b.toUpperCase(), unknown, a]);
      expect(found.get(a)!.equals(keyA)).toBe(true);
      expect(found.get(b.toUpperCase())!.equals(keyB)).toBe(true);
      expect(found.get(unknown)).toBeNull();
      expect(await vault.find([])).toEqual(new Map());
    });

    it('erasure deletes the key, keeps a tombstone, and refuses new data for that subject', async () => {
      const subject = randomUUID();
      const other = randomUUID();
      await vault.keyFor(subject);
      const otherKey = await vault.keyFor(other);

      await vault.erase(subject, erasure);

      expect(await vault.isErased(subject)).toBe(true);
      expect(await vault.isErased(other)).toBe(false);
      expect((await vault.find([subject])).get(subject)).toBeNull();
      expect((await vault.find([other])).get(other)!.equals(otherKey)).toBe(true);
      await expect(vault.keyFor(subject)).rejects.toBeInstanceOf(SubjectErasedError);
      expect(await vault.tombstone(subject)).toEqual({
        subjectId: subject,
        erasedAt: expect.any(Date),
        erasedBy: 'user-hub-1',
        reason: 'retention period ended',
      });
      expect(await vault.tombstone(other)).toBeNull();
    });

    it('a second erasure keeps the first record', async () => {
      const subject = randomUUID();
      await vault.keyFor(subject);
      await vault.erase(subject, erasure);
      const first = await vault.tombstone(subject);
      await vault.erase(subject, { erasedBy: 'someone-else', reason: 'again' });
      expect(await vault.tombstone(subject)).toEqual(first);
    });

    it('erasing a subject that never had a key still blocks a later key', async () => {
      const subject = randomUUID();
      await vault.erase(subject, erasure);
      await expect(vault.keyFor(subject)).rejects.toBeInstanceOf(SubjectErasedError);
    });

    it('refuses to erase a system key, or without who and why', async () => {
      await expect(vault.erase(ECT_ID_KEY_SUBJECT, erasure)).rejects.toThrow('system key');
      await expect(vault.erase(randomUUID(), { erasedBy: '', reason: 'x' })).rejects.toThrow('erasedBy');
      await expect(vault.erase(randomUUID(), { erasedBy: 'u', reason: ' ' })).rejects.toThrow('reason');
    });

    it('keysFor creates the keys of new subjects, returns existing ones, keyed as asked', async () => {
      const known = randomUUID();
      const fresh = randomUUID();
      const knownKey = await vault.keyFor(known);
      const keys = await vault.keysFor([fresh, known.toUpperCase(), fresh]);
      expect([...keys.keys()]).toEqual([fresh, known.toUpperCase()]);
      expect(keys.get(known.toUpperCase())!.equals(knownKey)).toBe(true);
      expect(keys.get(fresh)).toHaveLength(32);
      expect((await vault.keyFor(fresh)).equals(keys.get(fresh)!)).toBe(true);
      expect(await vault.keysFor([])).toEqual(new Map());
    });

    it('keysFor answers null for an erased subject and creates no key for them', async () => {
      const erased = randomUUID();
      const other = randomUUID();
      await vault.erase(erased, erasure);
      const keys = await vault.keysFor([erased, other]);
      expect(keys.get(erased)).toBeNull();
      expect(keys.get(other)).toHaveLength(32);
      expect(await vault.isErased(erased)).toBe(true);
      await expect(vault.keyFor(erased)).rejects.toBeInstanceOf(SubjectErasedError);
    });

    it('keysFor agrees with keyFor for any mix of new, known, erased and repeated subjects', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ state: fc.constantFrom('new', 'known', 'erased'), repeats: fc.nat(2) }), {
            maxLength: 6,
          }),
          async (people) => {
            const subjects = await Promise.all(
              people.map(async ({ state }) => {
                const subject = randomUUID();
                if (state !== 'new') await vault.keyFor(subject);
                if (state === 'erased') await vault.erase(subject, erasure);
                return subject;
              }),
            );
            const asked = subjects.flatMap((s, i) => Array.from({ length: people[i]!.repeats + 1 }, () => s));
            const keys = await vault.keysFor(asked);
            expect(new Set(keys.keys())).toEqual(new Set(subjects));
            for (const [i, subject] of subjects.entries()) {
              if (people[i]!.state === 'erased') expect(keys.get(subject)).toBeNull();
              else expect(keys.get(subject)!.equals(await vault.keyFor(subject))).toBe(true);
            }
          },
        ),
        { numRuns: 25 },
      );
    });

    it('refuses subject ids that are not UUIDs', async () => {
      await expect(vault.keyFor('1234567')).rejects.toThrow('Subject id must be a UUID');
      await expect(vault.find(['ect-1'])).rejects.toThrow('Subject id must be a UUID');
      await expect(vault.keysFor([randomUUID(), 'ect-1'])).rejects.toThrow('Subject id must be a UUID');
    });
  });
}

keyVaultContract('MemoryKeyVault', async () => new MemoryKeyVault());

/** SQL-only behaviour: wrapping, the master key, one query per batch, the cache across processes. */
function sqlKeyVaultSuite(
  name: string,
  setup: () => Promise<{ query: SqlQuery; close: () => Promise<void> }>,
) {
  const masterKey = randomBytes(32);
  const table = `pii_keys_test_${randomBytes(4).toString('hex')}`;
  let query: SqlQuery;
  let close: () => Promise<void>;
  let queries = 0;
  const counted: SqlQuery = (sql, params) => {
    queries++;
    return query(sql, params);
  };
  const vault = (options: Partial<ConstructorParameters<typeof SqlKeyVault>[0]> = {}) =>
    new SqlKeyVault({ query: counted, masterKey, table, ...options });

  beforeAll(async () => {
    ({ query, close } = await setup());
    await vault().migrate();
  });
  afterAll(async () => {
    await query?.(`DROP TABLE IF EXISTS ${table}`);
    await close?.();
  });

  keyVaultContract(name, async () => vault());

  describe(`${name}: SQL key vault`, () => {
    it('migrate is idempotent', async () => {
      await vault().migrate();
      await Promise.all([vault().migrate(), vault().migrate()]);
    });

    it('stores keys wrapped, never in the clear', async () => {
      const subject = randomUUID();
      const key = await vault().keyFor(subject);
      const { rows } = await query(`SELECT wrapped_key FROM ${table} WHERE subject_id = $1`, [subject]);
      const stored = Buffer.from(rows[0].wrapped_key);
      expect(stored).toHaveLength(61);
      expect(stored.includes(key)).toBe(false);
    });

    it('a tombstone row keeps who, when and why, and no key', async () => {
      const subject = randomUUID();
      await vault().keyFor(subject);
      await vault().erase(subject, erasure);
      const { rows } = await query(
        `SELECT wrapped_key, erased_at, erased_by, reason FROM ${table} WHERE subject_id = $1`,
        [subject],
      );
      expect(rows[0]).toMatchObject({
        wrapped_key: null,
        erased_by: 'user-hub-1',
        reason: 'retention period ended',
      });
      expect(rows[0].erased_at).not.toBeNull();
    });

    it('a different master key cannot unwrap, and says so', async () => {
      const subject = randomUUID();
      await vault().keyFor(subject);
      const wrong = new SqlKeyVault({ query, masterKey: randomBytes(32), table });
      await expect(wrong.keyFor(subject)).rejects.toBeInstanceOf(KeyUnwrapError);
      await expect(wrong.find([subject])).rejects.toThrow('PII_MASTER_KEY');
    });

    it('a wrapped key moved to another subject does not unwrap', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await vault().keyFor(a);
      await vault().keyFor(b);
      await query(
        `UPDATE ${table} SET wrapped_key = (SELECT wrapped_key FROM ${table} WHERE subject_id = $1) WHERE subject_id = $2`,
        [a, b],
      );
      await expect(vault().keyFor(b)).rejects.toBeInstanceOf(KeyUnwrapError);
    });

    it('finds a page of keys in one query, then from the cache', async () => {
      const v = vault();
      const subjects = Array.from({ length: 200 }, () => randomUUID());
      await Promise.all(subjects.map((s) => vault().keyFor(s)));
      queries = 0;
      const found = await v.find(subjects);
      expect(queries).toBe(1);
      expect([...found.values()].every((key) => key?.length === 32)).toBe(true);
      await v.find(subjects);
      expect(queries).toBe(1);
    });

    it('concurrent first use from two processes agrees on one key', async () => {
      const subject = randomUUID();
      const [a, b] = await Promise.all([vault().keyFor(subject), vault().keyFor(subject)]);
      expect(a.equals(b)).toBe(true);
    });

    it('creates or reads a registration’s three keys in one statement, new or not cached', async () => {
      const [ect, mentor, tutor] = [randomUUID(), randomUUID(), randomUUID()];
      await vault().keyFor(mentor);
      queries = 0;
      const created = await vault().keysFor([ect, mentor, tutor]);
      expect(queries).toBe(1);
      const reread = await vault().keysFor([ect, mentor, tutor]);
      expect(queries).toBe(2);
      for (const subject of [ect, mentor, tutor])
        expect(reread.get(subject)!.equals(created.get(subject)!)).toBe(true);
    });

    it('a key already being fetched is waited for, not asked for again', async () => {
      const v = vault();
      const [ect, mentor] = [randomUUID(), randomUUID()];
      queries = 0;
      const [warm, single, both] = await Promise.all([
        v.keysFor([ect, mentor]),
        v.keyFor(ect),
        v.keysFor([mentor, ect]),
      ]);
      expect(queries).toBe(1);
      expect(single.equals(warm.get(ect)!)).toBe(true);
      expect(both.get(mentor)!.equals(warm.get(mentor)!)).toBe(true);
    });

    it('processes creating overlapping sets of keys at once agree on every key', async () => {
      const subjects = Array.from({ length: 6 }, () => randomUUID());
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          vault().keysFor(i % 2 === 0 ? subjects : [...subjects].reverse().slice(0, 4 + (i % 3))),
        ),
      );
      const truth = await vault().keysFor(subjects);
      for (const keys of results) {
        for (const [subject, key] of keys) expect(key!.equals(truth.get(subject)!)).toBe(true);
      }
    });

    it('erasure evicts at once here, and elsewhere once the cache entry expires', async () => {
      const subject = randomUUID();
      const longCache = vault();
      const noCache = vault({ cacheTtlMs: 0 });
      await longCache.keyFor(subject);
      await noCache.keyFor(subject);
      await vault().erase(subject, erasure);
      expect((await noCache.find([subject])).get(subject)).toBeNull();
      expect((await longCache.find([subject])).get(subject)).not.toBeNull();
      longCache.clearCache();
      expect((await longCache.find([subject])).get(subject)).toBeNull();
    });
  });
}

describe('SqlKeyVault on PGlite', () => {
  sqlKeyVaultSuite('SqlKeyVault(PGlite)', async () => {
    const db = new PGlite();
    return { query: (sql, params) => db.query(sql, params), close: () => db.close() };
  });
});

const databaseUrl = process.env.DATABASE_URL;
const describeIfPostgres = databaseUrl ? describe : describe.skip;
describeIfPostgres(
  databaseUrl ? 'SqlKeyVault on PostgreSQL' : 'SqlKeyVault on PostgreSQL (skipped: DATABASE_URL is not set)',
  () => {
    sqlKeyVaultSuite('SqlKeyVault(pg)', async () => {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
      return { query: (sql, params) => pool.query(sql, params), close: () => pool.end() };
    });
  },
);
