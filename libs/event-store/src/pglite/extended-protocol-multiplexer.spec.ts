import { describe, expect, it } from '@jest/globals';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import {
  installExtendedProtocolMultiplexer,
  multiplexerState,
  type Stall,
  type StallGuardOptions,
} from './extended-protocol-multiplexer.js';

/**
 * The scheduler against a stand-in for PGLiteSocketServer's queue (same fields and the same `enqueue`) and
 * for PGlite, whose messages can be held while they run: the races a disconnect meets with real PGlite
 * depend on the timing of its file-system sync, here they are made to happen.
 */
describe('extended-protocol multiplexer: a client that disconnects while it holds the backend', () => {
  it('releases the backend when the client goes while its message is still running', async () => {
    const { server, send, disconnect, db } = fakeServer();
    const parse = db.hold('1:P');
    const aParse = send(1, 'P');
    await parse.started;
    const gone = disconnect(1); // the socket closed: the server drops its queued messages and clears it
    const bParse = send(2, 'P');
    const bSync = send(2, 'S');
    parse.release();
    await gone;
    await aParse;
    await expectSettled([bParse, bSync], server);
    // Its unfinished exchange was rolled back before the next client's ran.
    expect(db.ran).toEqual(['1:P', '-:Q ROLLBACK', '-:S', '2:P', '2:S']);
  });

  it('rolls back the transaction of a client gone while its message ran, then serves the others', async () => {
    const { server, send, disconnect, db } = fakeServer();
    await send(1, 'Q BEGIN');
    const parse = db.hold('1:P');
    const aParse = send(1, 'P');
    await parse.started;
    const gone = disconnect(1);
    const bQuery = send(2, 'Q SELECT');
    parse.release();
    await Promise.all([gone, aParse]);
    await expectSettled([bQuery], server);
    expect(db.inTransaction).toBe(false);
    expect(db.ran).toEqual(['1:Q BEGIN', '1:P', '-:Q ROLLBACK', '-:S', '2:Q SELECT']);
  });

  it('rolls back an idle transaction of a client that goes, without holding the others', async () => {
    const { server, send, disconnect, db } = fakeServer();
    await send(1, 'Q BEGIN');
    const bQuery = send(2, 'Q SELECT'); // waits: client 1 holds the backend for its transaction
    await disconnect(1);
    await expectSettled([bQuery], server);
    expect(db.ran).toEqual(['1:Q BEGIN', '-:Q ROLLBACK', '-:S', '2:Q SELECT']);
    expect(multiplexerState(server)).toMatchObject({ holder: 2, departed: [], queued: [] });
  });

  it('leaves the backend alone when the client that goes had finished its exchange', async () => {
    const { server, send, disconnect, db } = fakeServer();
    await send(1, 'P');
    await send(1, 'S');
    await disconnect(1);
    await expectSettled([send(2, 'Q SELECT')], server);
    expect(db.ran).toEqual(['1:P', '1:S', '2:Q SELECT']);
  });
});

describe('extended-protocol multiplexer: stall guard', () => {
  it('fails a message waiting behind a transaction whose client sends nothing, naming both clients', async () => {
    const stalls: Stall[] = [];
    const { server, send, db, received } = fakeServer({
      afterMs: 20,
      fail: true,
      report: (s) => stalls.push(s),
    });
    await send(1, 'Q BEGIN');
    // Client 2's exchange: the server enqueues each message once the previous one is answered.
    await expectSettled([send(2, 'P')], server);
    await send(2, 'B');
    await send(2, 'S');
    expect(stalls).toEqual([
      expect.objectContaining({ holder: 1, holding: 'transaction', waiting: 2, sent: 'Parse', failed: true }),
    ]);
    expect(stalls[0]!.message).toContain('connection 2 waited');
    expect(stalls[0]!.message).toContain("behind connection 1's open transaction");
    // ErrorResponse for the Parse, nothing for the Bind, ReadyForQuery for the Sync: as PostgreSQL after an error.
    expect(received(2)).toEqual(['E', 'Z']);
    expect(db.ran).toEqual(['1:Q BEGIN']);
    // Client 2 is usable again: its next exchange runs once client 1 commits.
    await send(1, 'Q COMMIT');
    await expectSettled([send(2, 'P'), send(2, 'S')], server);
    expect(db.ran).toEqual(['1:Q BEGIN', '1:Q COMMIT', '2:P', '2:S']);
  });

  it('fails a simple query with the error and ReadyForQuery', async () => {
    const stalls: Stall[] = [];
    const { server, send, received } = fakeServer({ afterMs: 20, fail: true, report: (s) => stalls.push(s) });
    await send(1, 'Q BEGIN');
    await expectSettled([send(2, 'Q SELECT')], server);
    expect(received(2)).toEqual(['E', 'Z']);
    expect(stalls).toEqual([expect.objectContaining({ holder: 1, waiting: 2, failed: true })]);
  });

  it('only reports when not failing: the waiting message runs once the holder commits', async () => {
    let reported!: (stall: Stall) => void;
    const stall = new Promise<Stall>((resolve) => (reported = resolve));
    const { server, send, db } = fakeServer({ afterMs: 20, fail: false, report: (s) => reported(s) });
    await send(1, 'Q BEGIN');
    const waiting = send(2, 'Q SELECT');
    expect(await stall).toMatchObject({ holder: 1, waiting: 2, failed: false });
    await send(1, 'Q COMMIT');
    await expectSettled([waiting], server);
    expect(db.ran).toEqual(['1:Q BEGIN', '1:Q COMMIT', '2:Q SELECT']);
  });
});

async function expectSettled(messages: Promise<unknown>[], server: PGLiteSocketServer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`still waiting: ${JSON.stringify(multiplexerState(server))}`)),
      2000,
    );
  });
  try {
    await Promise.race([Promise.all(messages), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

interface Held {
  started: Promise<void>;
  release(): void;
}

/**
 * A stand-in message is its type byte and, for 'Q', the SQL, then `#` and the sending client: `P#1`,
 * `Q BEGIN#1`. Messages the multiplexer writes itself are real protocol messages (type, length, body).
 */
function describeMessage(bytes: Uint8Array): string {
  if (bytes[1] === 0) {
    const body = new TextDecoder().decode(bytes.subarray(5)).replace(/\0$/, '');
    return `-:${String.fromCharCode(bytes[0]!)}${body ? ` ${body}` : ''}`;
  }
  const [text, client] = new TextDecoder().decode(bytes).split('#');
  return `${client}:${text}`;
}

function fakeServer(stallGuard?: StallGuardOptions) {
  /** Type bytes of what each client was sent, in order ('E' an ErrorResponse, 'Z' ReadyForQuery, ...). */
  const sentTo = new Map<number, string[]>();
  let mutex: Promise<unknown> = Promise.resolve();
  const holds = new Map<string, { start(): void; released: Promise<void> }>();
  const db = {
    inTransaction: false,
    ran: [] as string[],
    isInTransaction: () => db.inTransaction,
    runExclusive<T>(fn: () => Promise<T>): Promise<T> {
      const run = mutex.then(fn);
      mutex = run.catch(() => undefined);
      return run;
    },
    async execProtocolRawStream(bytes: Uint8Array, options: { onRawData(data: Uint8Array): void }) {
      const ran = describeMessage(bytes);
      db.ran.push(ran);
      const hold = holds.get(ran);
      if (hold) {
        holds.delete(ran);
        hold.start();
        await hold.released;
      }
      const sql = ran.slice(ran.indexOf(':') + 1);
      if (sql === 'Q BEGIN') db.inTransaction = true;
      if (sql === 'Q COMMIT' || sql === 'Q ROLLBACK') db.inTransaction = false;
      options.onRawData(new Uint8Array([bytes[0]!]));
    },
    /** Holds the next run of this message (as `ran` logs it) until released. */
    hold(ran: string): Held {
      let start!: () => void;
      let release!: () => void;
      const started = new Promise<void>((resolve) => (start = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(ran, { start, released });
      return { started, release };
    },
  };
  const queryQueue = {
    queue: [] as {
      handlerId: number;
      message: Uint8Array;
      resolve(bytes: number): void;
      reject(error: unknown): void;
      onData(data: Uint8Array): void;
    }[],
    processing: false,
    lastHandlerId: null as number | null,
    db,
    processQueue: async () => undefined,
    // QueryQueueManager.clearTransactionIfNeeded, with `db.exec('ROLLBACK')` (which waits for the running message).
    async clearTransactionIfNeeded(handlerId: number) {
      if (db.isInTransaction() && queryQueue.lastHandlerId === handlerId) {
        await db.runExclusive(() =>
          db.execProtocolRawStream(new TextEncoder().encode(`Q ROLLBACK#exec`), {
            onRawData: () => undefined,
          }),
        );
        queryQueue.lastHandlerId = null;
        await queryQueue.processQueue();
      }
    },
  };
  const server = { queryQueue } as unknown as PGLiteSocketServer;
  installExtendedProtocolMultiplexer(server, stallGuard ? { stallGuard } : {});
  // QueryQueueManager.enqueue. The stand-in PGlite answers a message with its own type byte: only the
  // multiplexer's own answers (a failed stall's) are kept.
  const send = (handlerId: number, text: string) =>
    new Promise<number>((resolve, reject) => {
      const message = new TextEncoder().encode(`${text}#${handlerId}`);
      const onData = (data: Uint8Array) => {
        if (data.length < 5) return;
        sentTo.set(handlerId, [...(sentTo.get(handlerId) ?? []), String.fromCharCode(data[0]!)]);
      };
      queryQueue.queue.push({ handlerId, message, resolve, reject, onData });
      if (!queryQueue.processing) void queryQueue.processQueue();
    });
  // PGLiteSocketHandler.detach: drop the client's queued messages, then clear its transaction.
  const disconnect = async (handlerId: number) => {
    queryQueue.queue = queryQueue.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
    await queryQueue.clearTransactionIfNeeded(handlerId);
  };
  const received = (handlerId: number) => sentTo.get(handlerId) ?? [];
  return { server, send, disconnect, db, received };
}
