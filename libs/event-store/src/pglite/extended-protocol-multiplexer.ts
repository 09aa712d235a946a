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
    exec(sql: string): Promise<unknown>;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      options: { onRawData(data: Uint8Array): void },
    ): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
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

export function installExtendedProtocolMultiplexer(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function') {
    throw new Error(
      'PGLiteSocketServer internals changed: re-check extended-protocol-multiplexer.ts against the new version',
    );
  }
  let midExchange = false;

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const sticky = this.lastHandlerId !== null && (midExchange || this.db.isInTransaction());
        const index = sticky ? this.queue.findIndex((q) => q.handlerId === this.lastHandlerId) : 0;
        if (index === -1) break; // wait for the client that holds the backend
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midExchange = false;
          this.lastHandlerId = item.handlerId;
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
  }.bind(queue);

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    // A client that disconnects mid-exchange or mid-transaction must not keep the backend.
    if (queue.lastHandlerId === handlerId && midExchange) {
      midExchange = false;
      if (!queue.db.isInTransaction()) queue.lastHandlerId = null;
    }
    await clearTransaction(handlerId);
    if (queue.lastHandlerId === handlerId && !queue.db.isInTransaction()) queue.lastHandlerId = null;
    await queue.processQueue();
  };
}
