import type pg from 'pg';

/** Process ids of the backends LISTENing on this database (the event stores' listener connections). */
export async function listenerBackends(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'
       AND pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.pid);
}
