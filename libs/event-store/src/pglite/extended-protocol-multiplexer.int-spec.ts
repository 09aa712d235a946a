import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from './embedded-postgres.js';

describe('embedded PGlite shared by several pools (extended-protocol multiplexer)', () => {
  it('answers every parameterised query with its own rows while pools race, inside and outside transactions', async () => {
    const server = await startEmbeddedPostgres();
    const pools = Array.from(
      { length: 3 },
      () => new pg.Pool({ connectionString: server.connectionString, max: EMBEDDED_POOL_MAX }),
    );
    try {
      await pools[0]!.query('CREATE TABLE probe (id int PRIMARY KEY, owner int NOT NULL)');
      const work = Array.from({ length: 240 }, async (_, i) => {
        const pool = pools[i % pools.length]!;
        if (i % 4 === 0) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('INSERT INTO probe (id, owner) VALUES ($1, $2)', [i, i % pools.length]);
            const { rows } = await client.query<{ owner: number }>('SELECT owner FROM probe WHERE id = $1', [
              i,
            ]);
            await client.query('COMMIT');
            return rows[0]?.owner === i % pools.length;
          } finally {
            client.release();
          }
        }
        const { rows } = await pool.query<{ echoed: string }>('SELECT $1::text AS echoed', [`q${i}`]);
        return rows[0]?.echoed === `q${i}`;
      });
      const results = await Promise.allSettled(work);
      const failures = results.filter((r) => r.status === 'rejected' || r.value !== true);
      expect(failures).toEqual([]);
      const { rows } = await pools[1]!.query<{ n: string }>('SELECT count(*)::text AS n FROM probe');
      expect(rows[0]!.n).toBe('60');
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await server.close();
    }
  }, 120_000);
});
