import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Makes PGLiteSocketServer (0.2.17, pinned) safe for several `pg` connections at once.
 *
 * PGlite is one backend. The socket server multiplexes clients onto it with a queue of protocol messages,
 * keeping a client's messages together only while PGlite is inside an explicit transaction. Between
 * transactions it interleaves messages of different clients, so one client's Parse/Bind/Execute can run
 * in the middle of another's extended-protocol exchange: `pg` then sees "unnamed prepared statement does not
 * exist" or another client's rows. Its queue also stops for good after a message throws (it returns without
 * clearing its `processing` flag).
 *
 * This replaces the queue's scheduler on the server instance: a client keeps the backend from its first
 * extended-protocol message until its Sync (or a simple Query, or Terminate), and for the whole of a
 * transaction, as before. With that, each client gets the serialised view a single PostgreSQL backend
 * would give it, and the event store, TypeORM and the projection runner can each have their own pool.
 *
 * A client that disconnects while it holds the backend gives it up inside the scheduler's own loop, after
 * any message of its still running, with the backend put back as a closed PostgreSQL session would leave
 * it (see `releaseBackend`). Released from the disconnect handler, a client gone after an error left the
 * backend skipping messages until a Sync, so the next client's query answered no rows (or ran inside the
 * gone client's aborted transaction). A message of the gone client still running would also have made it
 * the holder again after the release, and every other client would have waited forever: with PGlite 0.5.14
 * a message never awaits past the current event-loop turn (its file-system sync is synchronous, in memory
 * and on disk), so a disconnect never meets one (0 of 200 in a stress run), but a slower file system would.
 */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      options: { onRawData(data: Uint8Array): void },
    ): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

/** What the scheduler is doing, for a test or a log that needs to say why a query is still waiting. */
export interface MultiplexerState {
  /** The connection that holds the backend (mid-exchange or in a transaction), if any. */
  holder: number | null;
  midExchange: boolean;
  inTransaction: boolean;
  processing: boolean;
  /** Queued messages in order: connection id and message type ('P', 'B', 'S', 'Q', 'startup', ...). */
  queued: { connection: number; type: string }[];
  /** Connections gone while they held the backend or had a message running, not yet released. */
  departed: number[];
}

const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** True when, after this frontend message, the client has finished an exchange (no stickiness needed). */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  // Startup, SSL and cancel requests have no type byte: their first byte is the high byte of a length (0).
  return type === SYNC || type === SIMPLE_QUERY || type === TERMINATE || type === 0;
}

function frontendMessage(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const message = new Uint8Array(5 + body.length);
  message[0] = type;
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}

const ROLLBACK = frontendMessage(SIMPLE_QUERY, new TextEncoder().encode('ROLLBACK\0'));
const SYNC_MESSAGE = frontendMessage(SYNC);

const states = new WeakMap<PGLiteSocketServer, () => MultiplexerState>();

export function installExtendedProtocolMultiplexer(server: PGLiteSocketServer): void {
  const found = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !found ||
    !Array.isArray(found.queue) ||
    typeof found.processQueue !== 'function' ||
    typeof found.clearTransactionIfNeeded !== 'function'
  ) {
    throw new Error(
      'PGLiteSocketServer internals changed: re-check extended-protocol-multiplexer.ts against the new version',
    );
  }
  const queue: QueryQueue = found;
  const db = queue.db;
  // Once PGlite is closed it has no transaction to give back.
  const inTransaction = () => {
    try {
      return db.isInTransaction();
    } catch {
      return false;
    }
  };
  let midExchange = false;
  /** Connections that disconnected and may still hold the backend or have a message running. */
  const departed = new Set<number>();
  /** The scheduler loop now running, so a disconnect can wait for the backend to be released. */
  let running: Promise<void> = Promise.resolve();

  /**
   * Puts the backend back as PostgreSQL leaves a session that closes: its transaction (explicit, or the
   * implicit one of an unfinished exchange) rolled back. ROLLBACK alone is not enough after an error in the
   * middle of an exchange, where the backend skips every message until a Sync; the Sync then leaves an
   * explicit transaction aborted, hence the second ROLLBACK. The answers go nowhere: the client is gone.
   * Plain `db.exec` would send them to the last streamed message's client.
   */
  async function releaseBackend(): Promise<void> {
    const discard = { onRawData: () => undefined };
    try {
      await db.runExclusive(async () => {
        await db.execProtocolRawStream(ROLLBACK, discard);
        await db.execProtocolRawStream(SYNC_MESSAGE, discard);
        if (inTransaction()) await db.execProtocolRawStream(ROLLBACK, discard);
      });
    } finally {
      midExchange = false;
      queue.lastHandlerId = null;
    }
  }

  /**
   * Runs queued messages until none can run. `processing` is cleared in the same synchronous step that finds
   * nothing to run: a message enqueued from a resolved message's continuation (the client's next one) must
   * see it cleared, or it would wait for a loop that has already ended.
   */
  async function drain(this: QueryQueue): Promise<void> {
    try {
      while (true) {
        const holder = this.lastHandlerId;
        const held = holder !== null && (midExchange || inTransaction());
        if (holder !== null && departed.has(holder)) {
          departed.delete(holder);
          if (held) {
            // A failure here leaves the backend as it is, but never held by a client that is gone.
            await releaseBackend().catch(() => undefined);
            continue;
          }
          this.lastHandlerId = null;
        }
        if (this.queue.length === 0) return;
        const index = held ? this.queue.findIndex((q) => q.handlerId === holder) : 0;
        if (index === -1) return; // wait for the client that holds the backend
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          // The client errors out and disconnects; it keeps the backend until then, and then releases it.
          this.lastHandlerId = item.handlerId;
          midExchange = !endsExchange(item.message);
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        midExchange = !endsExchange(item.message);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  queue.processQueue = function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing) return running;
    this.processing = true;
    running = drain.call(this);
    return running;
  }.bind(queue);

  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    // The socket server has already dropped this client's queued messages. Release the backend inside the
    // scheduler, after any message of this client still running: that message may make it the holder again.
    departed.add(handlerId);
    await queue.processQueue();
    if (queue.lastHandlerId !== handlerId) departed.delete(handlerId);
  };

  states.set(server, () => ({
    holder: queue.lastHandlerId,
    midExchange,
    inTransaction: inTransaction(),
    processing: queue.processing,
    queued: queue.queue.map((q) => ({
      connection: q.handlerId,
      type: q.message[0] === 0 ? 'startup' : String.fromCharCode(q.message[0]!),
    })),
    departed: [...departed],
  }));
}

/** The scheduler's state on a server it was installed on (undefined otherwise). */
export function multiplexerState(server: PGLiteSocketServer): MultiplexerState | undefined {
  return states.get(server)?.();
}
