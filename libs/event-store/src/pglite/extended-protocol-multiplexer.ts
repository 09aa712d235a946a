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
 *
 * With a stall guard (see StallGuardOptions), a client whose message waits behind another client's
 * transaction (or unfinished exchange) while that client sends nothing is reported, and in tests failed.
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

/**
 * What to do when a client waits behind another that holds the backend and sends nothing. On PostgreSQL each
 * connection has its own backend; on PGlite there is one, so code that awaits a statement on a second
 * connection (another pool, `dataSource.query` instead of the transaction's manager, an event-store read)
 * while its transaction is open on the first waits forever: the first sends nothing until the second
 * answers, and the second runs only after the first commits.
 */
export interface StallGuardOptions {
  /** How long a message may wait while the holder sends nothing before the wait counts as a stall. */
  afterMs: number;
  /**
   * Answer the waiting message with an error (SQLSTATE 40P01, deadlock_detected), as PostgreSQL answers a
   * deadlock, instead of letting it wait: for tests, where the wait would otherwise end in a bare timeout.
   */
  fail: boolean;
  /** Told once per stalled message (default: console.error of `stall.message`). */
  report?: (stall: Stall) => void;
}

export interface Stall {
  /** The connection holding the backend, and whether in a transaction or in the middle of an exchange. */
  holder: number;
  holding: 'transaction' | 'exchange';
  /** The holder's last statement: what its transaction did before it went quiet. */
  holderSent: string | undefined;
  /** The connection that waits, and the message it waits with ('Parse: SELECT ...', 'Query: ...'). */
  waiting: number;
  sent: string;
  waitedMs: number;
  failed: boolean;
  message: string;
}

const SYNC = 0x53; // 'S'
const PARSE = 0x50; // 'P'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** True when, after this frontend message, the client has finished an exchange (no stickiness needed). */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  // Startup, SSL and cancel requests have no type byte: their first byte is the high byte of a length (0).
  return type === SYNC || type === SIMPLE_QUERY || type === TERMINATE || type === 0;
}

/** A protocol message (either direction): type byte, length, body. */
function protocolMessage(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const message = new Uint8Array(5 + body.length);
  message[0] = type;
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}

const ROLLBACK = protocolMessage(SIMPLE_QUERY, new TextEncoder().encode('ROLLBACK\0'));
const SYNC_MESSAGE = protocolMessage(SYNC);

const MESSAGE_NAMES: Record<string, string> = {
  P: 'Parse',
  B: 'Bind',
  D: 'Describe',
  E: 'Execute',
  S: 'Sync',
  Q: 'Query',
  H: 'Flush',
  C: 'Close',
  X: 'Terminate',
};

/** A frontend message as a log names it: its type, and for Parse and Query the SQL (cut at 300 characters). */
function describeFrontendMessage(message: Uint8Array): string {
  if (message[0] === 0) return 'startup (a new connection)';
  const type = String.fromCharCode(message[0]!);
  const name = MESSAGE_NAMES[type] ?? `'${type}'`;
  const strings = () => new TextDecoder().decode(message.subarray(5)).split('\0');
  const sql = type === 'Q' ? strings()[0] : type === 'P' ? strings()[1] : undefined;
  if (sql === undefined) return name;
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return `${name}: ${oneLine.length > 300 ? `${oneLine.slice(0, 300)}...` : oneLine}`;
}

/** ErrorResponse with PostgreSQL's deadlock SQLSTATE, so `pg` rejects the query with `code` '40P01'. */
function deadlockError(text: string): Uint8Array {
  const field = (code: string, value: string) => `${code}${value}\0`;
  const fields = field('S', 'ERROR') + field('V', 'ERROR') + field('C', '40P01') + field('M', text);
  return protocolMessage(0x45 /* 'E' */, new TextEncoder().encode(`${fields}\0`));
}

/** ReadyForQuery, idle: a client that waits behind another's transaction has none of its own. */
const READY_IDLE = protocolMessage(0x5a /* 'Z' */, new Uint8Array([0x49 /* 'I' */]));

const states = new WeakMap<PGLiteSocketServer, () => MultiplexerState>();

export interface MultiplexerOptions {
  /** Report (and in tests fail) a client that waits behind a holder sending nothing; none: wait as long as it takes. */
  stallGuard?: StallGuardOptions;
}

export function installExtendedProtocolMultiplexer(
  server: PGLiteSocketServer,
  options: MultiplexerOptions = {},
): void {
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
  /** Messages run so far, and when the last one ended: the holder is idle while neither changes. */
  let ran = 0;
  let lastRanAt = Date.now();
  /** The last Parse or Query run, for a stall's report (decoded only then). */
  let lastStatement: Uint8Array | undefined;
  /**
   * Clients whose stalled message was failed in the middle of an exchange: as PostgreSQL after an error, their
   * messages are answered with nothing until their Sync, which is answered ReadyForQuery.
   */
  const skipping = new Set<number>();
  const guard = options.stallGuard ? stallGuard(options.stallGuard) : undefined;

  /** Answers a message of a client in `skipping` without the backend. */
  function skip(item: QueuedMessage): void {
    if (item.message[0] === SYNC) {
      skipping.delete(item.handlerId);
      item.onData(READY_IDLE);
      item.resolve(READY_IDLE.length);
      return;
    }
    item.resolve(0);
  }

  /**
   * Watches for stalls while messages wait behind a holder: a check every quarter of `afterMs`, and a stall only
   * when two checks in a row see the holder idle for `afterMs` and no message run between them. After an event
   * loop blocked for longer than `afterMs`, the first check may come before the holder's next message is read
   * from its socket; the second comes after.
   */
  function stallGuard(guardOptions: StallGuardOptions) {
    const since = new WeakMap<QueuedMessage, number>();
    const reported = new WeakSet<QueuedMessage>();
    const report = guardOptions.report ?? ((stall: Stall) => console.error(stall.message));
    let timer: NodeJS.Timeout | undefined;
    /** What the last check saw: a stall needs two checks in a row with the holder idle past `afterMs`. */
    let previous: { holder: number; ran: number; idle: boolean } | undefined;

    const stop = () => {
      clearInterval(timer);
      timer = undefined;
      previous = undefined;
    };

    const check = () => {
      const holder = queue.lastHandlerId;
      const holding = midExchange ? 'exchange' : inTransaction() ? 'transaction' : null;
      if (holder === null || holding === null || queue.queue.length === 0) return stop();
      // The holder's message is running, or the holder is gone and about to be released.
      if (queue.processing || departed.has(holder)) return;
      const now = Date.now();
      const seen = previous;
      previous = { holder, ran, idle: now - lastRanAt >= guardOptions.afterMs };
      if (!seen?.idle || seen.holder !== holder || seen.ran !== ran) return;
      const stalled = queue.queue.filter(
        (q) =>
          q.handlerId !== holder &&
          q.message[0] !== TERMINATE &&
          !reported.has(q) &&
          now - (since.get(q) ?? now) >= guardOptions.afterMs &&
          // At most one message per client, its first: the others are queued behind it.
          queue.queue.find((first) => first.handlerId === q.handlerId) === q,
      );
      for (const item of stalled) {
        reported.add(item);
        const waitedMs = now - since.get(item)!;
        const sent = describeFrontendMessage(item.message);
        const holderSent = lastStatement && describeFrontendMessage(lastStatement);
        const failed = guardOptions.fail;
        const message =
          `Embedded PGlite: connection ${item.handlerId} waited ${waitedMs} ms behind connection ${holder}'s ` +
          `${holding === 'transaction' ? 'open transaction' : 'unfinished exchange'}, which sent nothing meanwhile ` +
          `(PGlite is one backend: a statement awaited on a second connection inside a transaction never runs). ` +
          `Waiting: ${sent}. Holder's last statement: ${holderSent ?? 'none'}.${failed ? ' Failed with 40P01.' : ''}`;
        report({ holder, holding, holderSent, waiting: item.handlerId, sent, waitedMs, failed, message });
        if (failed) fail(item, message);
      }
    };

    /**
     * Answers as PostgreSQL answers an error: a Query or Sync with the error and ReadyForQuery; any other
     * message of an exchange with the error, its later messages skipped up to the Sync; a startup with the
     * error alone (the client gives up on the connection).
     */
    function fail(item: QueuedMessage, message: string): void {
      queue.queue.splice(queue.queue.indexOf(item), 1);
      const type = item.message[0];
      const ends = type === SIMPLE_QUERY || type === SYNC;
      const answer = ends ? [deadlockError(message), READY_IDLE] : [deadlockError(message)];
      for (const data of answer) item.onData(data);
      item.resolve(answer.reduce((n, data) => n + data.length, 0));
      if (!ends && type !== 0) skipping.add(item.handlerId);
    }

    return {
      /** Called when the loop stops with messages waiting for the holder. */
      waiting(): void {
        const now = Date.now();
        for (const q of queue.queue) if (!since.has(q)) since.set(q, now);
        if (!timer) {
          timer = setInterval(check, Math.max(5, Math.floor(guardOptions.afterMs / 4)));
          timer.unref();
        }
      },
    };
  }

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
        const skipped = skipping.size > 0 ? this.queue.findIndex((q) => skipping.has(q.handlerId)) : -1;
        if (skipped !== -1) {
          skip(this.queue.splice(skipped, 1)[0]!);
          continue;
        }
        const index = held ? this.queue.findIndex((q) => q.handlerId === holder) : 0;
        if (index === -1) {
          guard?.waiting();
          return; // wait for the client that holds the backend
        }
        const item = this.queue.splice(index, 1)[0]!;
        if (item.message[0] === PARSE || item.message[0] === SIMPLE_QUERY) lastStatement = item.message;
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
          ran++;
          lastRanAt = Date.now();
          // The client errors out and disconnects; it keeps the backend until then, and then releases it.
          this.lastHandlerId = item.handlerId;
          midExchange = !endsExchange(item.message);
          item.reject(error);
          continue;
        }
        ran++;
        lastRanAt = Date.now();
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
    skipping.delete(handlerId);
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
