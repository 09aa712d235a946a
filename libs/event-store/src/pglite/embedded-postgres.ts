import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import {
  installExtendedProtocolMultiplexer,
  type MultiplexerState,
  multiplexerState,
  type StallGuardOptions,
} from './extended-protocol-multiplexer.js';

/**
 * Pool size for each user of the embedded server (the event store, TypeORM, the projection runner, ...).
 *
 * `PGLiteSocketServer` (0.2.17) queues work per protocol *message*, not per query: left alone, another
 * connection's Parse/Bind/Execute can run between yours, and `pg` then fails with "unnamed prepared statement
 * does not exist" or gets another client's rows (seen here: 400 mixed queries over 6 connections, 118
 * failures). `installExtendedProtocolMultiplexer` keeps each exchange together (0 failures on the same run),
 * so several pools can share the server. PGlite is still one backend: more connections only queue.
 */
export const EMBEDDED_POOL_MAX = 4;

/** Connections the embedded server accepts at once: a few pools of EMBEDDED_POOL_MAX plus LISTEN-free extras. */
const EMBEDDED_MAX_CONNECTIONS = 32;

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `pg` and TypeORM's `postgres` driver. */
  connectionString: string;
  /** Stops the socket server and closes PGlite (flushing data to `dataDir`). */
  close(): Promise<void>;
  /** Open connections and what the multiplexer is waiting for: for a test or a log to say why a query waits. */
  state(): EmbeddedPostgresState;
}

export interface EmbeddedPostgresState {
  connections: number;
  multiplexer: MultiplexerState | undefined;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the data files; they persist across restarts. Undefined: in memory. */
  dataDir?: string;
  /**
   * What to do with a connection that waits behind another's transaction while that one sends nothing (a
   * statement awaited on a second connection inside a transaction, which never runs on PGlite); false: none.
   * Default: defaultStallGuard().
   */
  stallGuard?: StallGuardOptions | false;
}

/**
 * Under NODE_ENV=test (jest sets it) the waiting query fails after 10 s with SQLSTATE 40P01 naming both
 * connections, so a test meets the error instead of its timeout; otherwise the wait is logged after 60 s and
 * left as it is (no transaction of the service stays quiet that long while it is working).
 */
export function defaultStallGuard(env: NodeJS.ProcessEnv = process.env): StallGuardOptions {
  return env['NODE_ENV'] === 'test' ? { afterMs: 10_000, fail: true } : { afterMs: 60_000, fail: false };
}

/**
 * Starts PGlite (PostgreSQL 18 in WebAssembly) behind a socket server on 127.0.0.1 and a free port.
 * PGlite runs one transaction at a time and does not deliver LISTEN/NOTIFY: use the Postgres event store with
 * `listenNotify: false` (it polls) and pools of at most EMBEDDED_POOL_MAX.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const fresh = options.dataDir === undefined || !existsSync(join(options.dataDir, 'PG_VERSION'));
  const template = fresh ? await freshClusterTemplate() : undefined;
  const db = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(template ? { loadDataDir: template } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: EMBEDDED_MAX_CONNECTIONS,
  });
  const stallGuard = options.stallGuard ?? defaultStallGuard();
  installExtendedProtocolMultiplexer(server, stallGuard ? { stallGuard } : {});
  waitForFreeSlot(server);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // `server` (the net.Server) is private in the typings.
  const netServer = (server as unknown as { server: { address(): AddressInfo; maxConnections: number } })
    .server;
  // start() also caps the net.Server at maxConnections, and Node drops sockets over that cap before the
  // handler sees them (a closing socket still counts): let them through to waitForFreeSlot instead.
  netServer.maxConnections = EMBEDDED_MAX_CONNECTIONS * 2;
  const address = netServer.address();
  const port = address?.port ?? Number(server.getServerConn().split(':').pop());
  let closed = false;
  return {
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      // Let detached handlers roll back any open transaction before the database goes away.
      await new Promise((resolve) => setImmediate(resolve));
      await db.close();
    },
    state() {
      return { connections: server.getStats().activeConnections, multiplexer: multiplexerState(server) };
    },
  };
}

/**
 * A freshly initialised cluster as a tarball, kept in the OS temp directory per PGlite version.
 *
 * A new PGlite database runs initdb in WebAssembly: 20-35 s on a busy 2-core machine, against about 4 s to
 * load the same files from a `dumpDataDir` tarball. Every fresh database (a first `npm start`, each test
 * ledger) starts from this template; the first one builds it. Written under a temporary name and renamed,
 * so concurrent processes never read a half-written file. Undefined when it cannot be built (read-only temp
 * directory): PGlite then runs initdb as usual.
 *
 * Processes that start together (jest workers on a fresh machine) let one of them build it, named in a lock
 * file, and wait for it: two initdb runs at once on 2 cores took 33 s each under load here, and a CI run
 * where two PGlite specs started together timed one of them out at 120 s. A waiter builds its own when the
 * builder's process is gone or after TEMPLATE_WAIT_MS.
 */
async function freshClusterTemplate(): Promise<Blob | undefined> {
  const path = join(tmpdir(), `induction-ledger-pglite-${pgliteVersion()}-template.tar`);
  const lock = `${path}.lock`;
  let building = false;
  try {
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      building = true;
    } catch {
      if (await builtByAnother(path, lock)) return new Blob([readFileSync(path)]);
    }
    const db = await PGlite.create();
    try {
      const dump = await db.dumpDataDir('none');
      const partial = `${path}.${process.pid}.${Date.now()}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, path);
      return dump;
    } finally {
      await db.close();
    }
  } catch {
    return undefined;
  } finally {
    if (building) rmSync(lock, { force: true });
  }
}

/** How long a start waits for another process to build the template before it builds its own. */
const TEMPLATE_WAIT_MS = 180_000;

/** Waits while the process named in the lock builds the template; true once the template is there. */
async function builtByAnother(path: string, lock: string): Promise<boolean> {
  const deadline = Date.now() + TEMPLATE_WAIT_MS;
  while (!existsSync(path) && Date.now() < deadline && builderAlive(lock)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return existsSync(path);
}

function builderAlive(lock: string): boolean {
  try {
    // A lock older than any build is left by a process that died (its pid may have been reused).
    if (Date.now() - statSync(lock).mtimeMs > TEMPLATE_WAIT_MS) return false;
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0); // throws when no such process
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (name === '@electric-sql/pglite' && version) return version;
  }
  return 'unknown';
}

/** How long a new connection waits for the previous one to be released before it is refused. */
const HANDOVER_WAIT_MS = 2000;

/**
 * The server refuses a connection while the previous one is still registered, and it unregisters a closed
 * socket only on a later event-loop turn: a pool that ends and reconnects at once (restart, replacing a broken
 * client) is refused ("Connection terminated unexpectedly"). This wraps the server's private connection handler (pinned 0.2.17) to wait for a free
 * slot for up to HANDOVER_WAIT_MS instead. It does not let two connections be active at once.
 */
function waitForFreeSlot(server: PGLiteSocketServer): void {
  const internals = server as unknown as {
    handlers: { size: number };
    maxConnections: number;
    handleConnection(socket: Socket): Promise<void>;
  };
  const original = internals.handleConnection;
  if (typeof original !== 'function' || typeof internals.handlers?.size !== 'number') return; // API changed
  internals.handleConnection = async function (this: typeof internals, socket: Socket) {
    const deadline = Date.now() + HANDOVER_WAIT_MS;
    while (this.handlers.size >= this.maxConnections && Date.now() < deadline && !socket.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return original.call(this, socket);
  };
}
