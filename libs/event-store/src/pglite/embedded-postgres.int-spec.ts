import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '../postgres/postgres-event-store.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from './embedded-postgres.js';

describe('startEmbeddedPostgres with a data directory', () => {
  it('keeps events across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'event-store-pglite-'));
    try {
      const eventId = randomUUID();
      await withStore(dataDir, async (store) => {
        await store.migrate();
        await store.append('persisted-1', [
          {
            eventId,
            type: 'Kept',
            schemaVersion: 1,
            data: { a: 1 },
            metadata: { actor: 'a', correlationId: 'c', causationId: 'c' },
          },
        ]);
      });
      await withStore(dataDir, async (store) => {
        await store.migrate(); // idempotent on an existing schema
        const events = await store.readAll();
        expect(events.map((e) => [e.eventId, e.type, e.data])).toEqual([[eventId, 'Kept', { a: 1 }]]);
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

async function withStore(dataDir: string, work: (store: PostgresEventStore) => Promise<void>): Promise<void> {
  const server = await startEmbeddedPostgres({ dataDir });
  const pool = new pg.Pool({ connectionString: server.connectionString, max: EMBEDDED_POOL_MAX });
  const store = new PostgresEventStore(pool, { listenNotify: false });
  try {
    await work(store);
  } finally {
    await store.close();
    await pool.end();
    await server.close();
  }
}
