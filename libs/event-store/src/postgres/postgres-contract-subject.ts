import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NewEvent } from '../event-store.port.js';
import type { EventStoreContractSubject } from '../testing/event-store.contract.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store.js';

/**
 * Builds contract subjects for the PostgreSQL adapter: each test gets a fresh random schema on the database
 * behind `connectionString`, dropped afterwards. Shared by the PostgreSQL and PGlite specs.
 */
export function postgresContractSubject(
  connectionString: () => string,
  options: { poolMax?: number; concurrentTransactions: boolean } & Omit<PostgresEventStoreOptions, 'schema'>,
): () => Promise<EventStoreContractSubject> {
  const { poolMax, concurrentTransactions, ...storeOptions } = options;
  return async () => {
    const schema = `es_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const open = async () => {
      const pool = new pg.Pool({ connectionString: connectionString(), max: poolMax ?? 10 });
      pool.on('error', () => undefined);
      const store = new PostgresEventStore(pool, { ...storeOptions, schema });
      await store.migrate();
      return { pool, store };
    };
    let current = await open();

    const inTransaction = async (streamId: string, events: NewEvent[]) => {
      const client = await current.pool.connect();
      await client.query('BEGIN');
      try {
        await current.store.appendInTransaction(client, streamId, events);
      } catch (error) {
        await client.query('ROLLBACK');
        client.release();
        throw error;
      }
      return client;
    };

    return {
      store: current.store,
      appendThenRollback: async (streamId, events) => {
        const client = await inTransaction(streamId, events);
        await client.query('ROLLBACK');
        client.release();
      },
      appendAndHold: concurrentTransactions
        ? async (streamId, events) => {
            const client = await inTransaction(streamId, events);
            return {
              commit: async () => {
                await client.query('COMMIT');
                client.release();
              },
            };
          }
        : undefined,
      restart: async () => {
        await current.store.close();
        await current.pool.end();
        current = await open();
        return current.store;
      },
      dispose: async () => {
        await current.store.close();
        await current.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await current.pool.end();
      },
    };
  };
}
