import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EMBEDDED_POOL_MAX, type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';
import type { Stall } from './extended-protocol-multiplexer.js';

/**
 * How long the racing queries may take. They take 4-11 s on a loaded 2-core machine; past this, the test
 * fails saying which queries still wait and what the multiplexer waits for, instead of jest's bare timeout.
 */
const WORKLOAD_BUDGET_MS = 60_000;

let server: EmbeddedPostgres;

// Starting PGlite is timed apart from the queries: a first start on a machine builds the initdb template
// (30-50 s under load) or waits for another jest worker to build it.
beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('embedded PGlite shared by several pools (extended-protocol multiplexer)', () => {
  it('answers every parameterised query with its own rows while pools race, inside and outside transactions', async () => {
    const pools = Array.from(
      { length: 3 },
      () => new pg.Pool({ connectionString: server.connectionString, max: EMBEDDED_POOL_MAX }),
    );
    const pending = new Map<number, string>();
    const step = (i: number, what: string) => pending.set(i, what);
    try {
      await pools[0]!.query('CREATE TABLE probe (id int PRIMARY KEY, owner int NOT NULL)');
      const work = Array.from({ length: 240 }, async (_, i) => {
        const pool = pools[i % pools.length]!;
        try {
          if (i % 4 === 0) {
            step(i, 'connect');
            const client = await pool.connect();
            try {
              step(i, 'BEGIN');
              await client.query('BEGIN');
              step(i, 'INSERT');
              await client.query('INSERT INTO probe (id, owner) VALUES ($1, $2)', [i, i % pools.length]);
              step(i, 'SELECT');
              const { rows } = await client.query<{ owner: number }>(
                'SELECT owner FROM probe WHERE id = $1',
                [i],
              );
              step(i, 'COMMIT');
              await client.query('COMMIT');
              return rows[0]?.owner === i % pools.length;
            } finally {
              client.release();
            }
          }
          step(i, 'query');
          const { rows } = await pool.query<{ echoed: string }>('SELECT $1::text AS echoed', [`q${i}`]);
          return rows[0]?.echoed === `q${i}`;
        } finally {
          pending.delete(i);
        }
      });
      const results = await settleWithin(Promise.allSettled(work), WORKLOAD_BUDGET_MS, () => {
        const waiting = [...pending].map(([i, what]) => `#${i} ${what}`);
        return `${waiting.length} of 240 still waiting (${waiting.slice(0, 20).join(', ')}); server: ${JSON.stringify(server.state())}`;
      });
      const failures = results.filter((r) => r.status === 'rejected' || r.value !== true);
      expect(failures).toEqual([]);
      const { rows } = await pools[1]!.query<{ n: string }>('SELECT count(*)::text AS n FROM probe');
      expect(rows[0]!.n).toBe('60');
    } finally {
      // A stuck query keeps its client checked out and `end` waits for it: close the server first then.
      if (pending.size > 0) await server.close();
      await Promise.all(pools.map((p) => p.end()));
    }
  }, 120_000);

  it('answers the next query after a client disconnects in the middle of a failed exchange', async () => {
    const pool = new pg.Pool({ connectionString: server.connectionString, max: 1 });
    try {
      // The backend skips every message after the error until a Sync, which this client never sends.
      await disconnectAfter(server, [parseMessage('SELEC broken'), bindMessage()]);
      const { rows } = await settleWithin(pool.query<{ n: number }>('SELECT $1::int AS n', [7]), 10_000, () =>
        JSON.stringify(server.state()),
      );
      expect(rows).toEqual([{ n: 7 }]);
    } finally {
      await pool.end();
    }
  }, 30_000);

  it('rolls back the transaction of a client that disconnects after an error in it', async () => {
    const pool = new pg.Pool({ connectionString: server.connectionString, max: 1 });
    try {
      await pool.query('CREATE TABLE gone_probe (id int PRIMARY KEY)');
      await disconnectAfter(server, [
        queryMessage('BEGIN'),
        queryMessage('INSERT INTO gone_probe VALUES (1)'),
        parseMessage('SELEC broken'),
        bindMessage(),
      ]);
      const client = await pool.connect();
      try {
        await settleWithin(
          (async () => {
            await client.query('BEGIN');
            await client.query('INSERT INTO gone_probe VALUES ($1)', [2]);
            await client.query('COMMIT');
          })(),
          10_000,
          () => JSON.stringify(server.state()),
        );
      } finally {
        client.release();
      }
      const { rows } = await pool.query<{ id: number }>('SELECT id FROM gone_probe ORDER BY id');
      expect(rows).toEqual([{ id: 2 }]);
    } finally {
      await pool.end();
    }
  }, 30_000);
});

describe('embedded PGlite: a statement awaited on a second connection inside a transaction', () => {
  // Its own server, with a guard that fails a stalled wait at once (the default under test waits 10 s).
  let guarded: EmbeddedPostgres;
  const stalls: Stall[] = [];

  beforeAll(async () => {
    guarded = await startEmbeddedPostgres({
      stallGuard: { afterMs: 100, fail: true, report: (stall) => stalls.push(stall) },
    });
  }, 180_000);

  afterAll(async () => {
    await guarded?.close();
  });

  it("fails the second connection's query with 40P01 naming both connections, instead of waiting forever", async () => {
    const first = new pg.Pool({ connectionString: guarded.connectionString, max: 1 });
    const second = new pg.Pool({ connectionString: guarded.connectionString, max: 1 });
    try {
      await first.query('CREATE TABLE stall_probe (id int PRIMARY KEY)');
      await second.query('SELECT 1'); // connected before the transaction: the wait is its query's
      stalls.length = 0;
      const client = await first.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO stall_probe VALUES ($1)', [1]);
        // Works on PostgreSQL (it sees no row yet); on PGlite it waits for the transaction it is part of.
        const failure = await settleWithin(
          second.query('SELECT count(*) FROM stall_probe WHERE id = $1', [1]).then(
            () => null,
            (error: unknown) => error as { code?: string; message: string },
          ),
          30_000,
          () => JSON.stringify(guarded.state()),
        );
        expect(failure?.code).toBe('40P01');
        expect(failure?.message).toMatch(
          /connection \d+ waited \d+ ms behind connection \d+'s open transaction/,
        );
        expect(failure?.message).toContain('Waiting: Parse: SELECT count(*) FROM stall_probe WHERE id = $1');
        expect(failure?.message).toContain(
          "Holder's last statement: Parse: INSERT INTO stall_probe VALUES ($1)",
        );
        expect(stalls).toEqual([expect.objectContaining({ holding: 'transaction', failed: true })]);
        expect(stalls[0]!.waiting).not.toBe(stalls[0]!.holder);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      // Both connections carry on: the failed one skipped the rest of its exchange up to its Sync.
      const { rows } = await second.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM stall_probe WHERE id = $1',
        [1],
      );
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  }, 60_000);

  it("fails a connection opened inside another connection's transaction", async () => {
    const first = new pg.Pool({ connectionString: guarded.connectionString, max: 1 });
    try {
      const client = await first.connect();
      try {
        await client.query('BEGIN');
        const late = new pg.Client({ connectionString: guarded.connectionString });
        late.on('error', () => undefined);
        const failure = await settleWithin(
          late.connect().then(
            () => null,
            (error: unknown) => error as { code?: string; message: string },
          ),
          30_000,
          () => JSON.stringify(guarded.state()),
        );
        await late.end().catch(() => undefined);
        expect(failure?.code).toBe('40P01');
        expect(failure?.message).toContain('Waiting: startup (a new connection)');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    } finally {
      await first.end();
    }
  }, 60_000);
});

async function settleWithin<T>(work: Promise<T>, ms: number, explain: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled after ${ms} ms: ${explain()}`)), ms);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects with the raw protocol (`pg` always finishes its exchanges), sends these messages one at a time,
 * each after the backend has answered the previous one, and drops the connection.
 */
async function disconnectAfter(embedded: EmbeddedPostgres, messages: Buffer[]): Promise<void> {
  const url = new URL(embedded.connectionString);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  try {
    await exchange(socket, startupMessage(), true);
    for (const message of messages) await exchange(socket, message, message[0] === 0x51);
  } finally {
    socket.destroy();
  }
  // The server notices the close on a later turn of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Writes a message and waits for ReadyForQuery, or (for a message answered later or not at all) a moment. */
async function exchange(socket: Socket, message: Buffer, answered: boolean): Promise<void> {
  if (!answered) {
    socket.write(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  await new Promise<void>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData).once('error', reject);
    socket.write(message);
  });
}

function typed(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

const cstring = (s: string) => Buffer.from(`${s}\0`);

function startupMessage(): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    cstring('user'),
    cstring('postgres'),
    cstring('database'),
    cstring('postgres'),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(4 + body.length);
  return Buffer.concat([length, body]);
}

const queryMessage = (sql: string) => typed('Q', cstring(sql));
const parseMessage = (sql: string) => typed('P', cstring(''), cstring(sql), Buffer.from([0, 0]));
const bindMessage = () => typed('B', cstring(''), cstring(''), Buffer.alloc(6));
