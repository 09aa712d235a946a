import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port.js';
import { mapPgError, PostgresEventStore } from './postgres-event-store.js';

describe('mapPgError', () => {
  it.each([
    ['ECONNREFUSED'],
    ['ECONNRESET'],
    ['57P01'], // admin shutdown
    ['08006'], // connection failure
    ['08001'],
    ['53300'], // too many connections
    ['25006'], // read-only transaction (a standby after failover)
  ])('maps %s to EventStoreUnavailableError', (code) => {
    const error = Object.assign(new Error('boom'), { code });
    const mapped = mapPgError(error);
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as Error).cause).toBe(error);
  });

  it('leaves other errors alone', () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(mapPgError(syntax)).toBe(syntax);
    const conflict = new WrongExpectedRevisionError('s', 'no_stream', 0n);
    expect(mapPgError(conflict)).toBe(conflict);
  });

  it('reports an unreachable server as unavailable', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const store = new PostgresEventStore(pool);
    try {
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.migrate()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
