import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { ApiTokenRevocations, REVOCATIONS_CHANNEL } from './token-revocations.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

/**
 * The api keeps revocation answers per token (one query fewer per request) only while it LISTENs for
 * revocations: a revocation written by this process is seen at once, another process's as soon as its
 * NOTIFY arrives, and nothing is kept while the connection is down.
 */
d('ApiTokenRevocations with kept answers (real PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let queries = 0;
  let dataSource: DataSource;
  const opened: ApiTokenRevocations[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(databaseUrl!);
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
    await pool.query(`CREATE TABLE api_token_revocations (
      id uuid PRIMARY KEY, token_id text UNIQUE, user_id text, issued_before timestamptz,
      revoked_at timestamptz NOT NULL, revoked_by text NOT NULL, reason text NOT NULL)`);
    dataSource = {
      query: async (sql: string, params?: unknown[]) => {
        if (/FROM api_token_revocations\s+WHERE token_id = \$1 OR/.test(sql)) queries++;
        return (await pool.query(sql, params)).rows;
      },
    } as unknown as DataSource;
  });
  afterAll(async () => {
    for (const r of opened) await r.onApplicationShutdown();
    await pool?.end();
    await database?.drop();
  });

  const listening = async (listen: pg.ClientConfig = { connectionString: database.url }) => {
    const r = new ApiTokenRevocations(dataSource, { listen });
    opened.push(r);
    return r;
  };
  /**
   * Checks until the answer is kept (the LISTEN connection is up), then returns it. The connection comes up in
   * the background, and a failed attempt waits a second before the next: on a loaded CI machine one run gave
   * up after 5 s, so this waits up to 30 s (jest's timeout for the test is raised to match).
   */
  const whenKept = async (r: ApiTokenRevocations, token: [string, string, number]) => {
    const deadline = Date.now() + 30_000;
    let attempts = 0;
    while (Date.now() < deadline) {
      attempts++;
      const before = queries;
      const answer = await r.isRevoked(...token);
      if ((await r.isRevoked(...token)) === answer && queries === before + 1) return answer;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`answers never kept: ${attempts} attempts in 30 s, listening: ${r.listening()}`);
  };
  const iat = () => Math.floor(Date.now() / 1000) - 5;

  it('checks a token once while nothing is revoked, then reads the table again after any revocation here', async () => {
    const api = await listening();
    const token: [string, string, number] = [randomUUID(), 'user-a', iat()];
    expect(await whenKept(api, token)).toBe(false);
    let before = queries;
    for (let i = 0; i < 5; i++) expect(await api.isRevoked(...token)).toBe(false);
    expect(queries).toBe(before);

    // The CLI (another instance in this process) revokes: refused on the very next check.
    await new ApiTokenRevocations(dataSource).revoke({ tokenId: token[0] }, 'hub-1', 'Laptop stolen');
    before = queries;
    expect(await api.isRevoked(...token)).toBe(true);
    expect(queries).toBe(before + 1);
  }, 45_000);

  it('a revocation committed by another process reaches the kept answers through its NOTIFY', async () => {
    const api = await listening();
    const token: [string, string, number] = [randomUUID(), 'user-b', iat()];
    expect(await whenKept(api, token)).toBe(false);
    // As another api process's revoke() writes it: the row and the NOTIFY in one statement.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    await other.query(
      `WITH ins AS (INSERT INTO api_token_revocations (id, user_id, issued_before, revoked_at, revoked_by, reason)
         VALUES ($1, 'user-b', now(), now(), 'hub-2', 'Left') RETURNING id)
       SELECT pg_notify('${REVOCATIONS_CHANNEL}', id::text) FROM ins`,
      [randomUUID()],
    );
    await other.end();
    let revoked = false;
    for (let i = 0; i < 100 && !revoked; i++) {
      revoked = await api.isRevoked(...token);
      if (!revoked) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(revoked).toBe(true);
  }, 45_000);

  it('without the LISTEN connection nothing is kept: every check reads the table', async () => {
    const api = await listening({
      connectionString: 'postgres://postgres@127.0.0.1:1/nowhere',
      connectionTimeoutMillis: 200,
    });
    const token: [string, string, number] = [randomUUID(), 'user-c', iat()];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = queries;
    for (let i = 0; i < 3; i++) expect(await api.isRevoked(...token)).toBe(false);
    expect(queries).toBe(before + 3);
    // A row written with no NOTIFY at all (not how revoke() writes) is still seen at once.
    await pool.query(
      `INSERT INTO api_token_revocations (id, token_id, revoked_at, revoked_by, reason)
       VALUES ($1, $2, now(), 'hub', 'x')`,
      [randomUUID(), token[0]],
    );
    expect(await api.isRevoked(...token)).toBe(true);
  });
});
