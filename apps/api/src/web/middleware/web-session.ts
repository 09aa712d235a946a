/**
 * Web sessions (architecture.md, "Security"): in Redis when REDIS_URL is set, so api instances stay stateless,
 * otherwise in PostgreSQL (the runtime's pool; embedded PGlite included). The cookie is HttpOnly, SameSite=Lax,
 * Secure in production; a session idle for IDLE_MINUTES expires (the expiry rolls with every request).
 */
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import session, { type Store } from 'express-session';
import type { RequestHandler } from 'express';
import { createClient } from 'redis';
import type { LedgerRuntime } from '#platform/runtime/ledger-runtime.js';
import type { Principal } from '../../auth/principal.js';

export const IDLE_MINUTES = 30;
export const SESSION_COOKIE = 'ledger.sid';

declare module 'express-session' {
  interface SessionData {
    principal: Principal;
    /** Answers of a multi-page form, by form name, until its check-answers page submits them. */
    drafts: Record<string, Record<string, string>>;
    /** OIDC authorization request in flight. */
    oidc: { state: string; nonce: string; codeVerifier: string; returnTo: string };
    returnTo: string;
  }
}

export interface WebSession {
  middleware: RequestHandler;
  close(): Promise<void>;
}

export async function createWebSession(runtime: LedgerRuntime): Promise<WebSession> {
  const { config } = runtime;
  let store: Store;
  let close: () => Promise<void>;
  if (config.redisUrl) {
    const client = createClient({ url: config.redisUrl });
    client.on('error', () => undefined); // a lost connection surfaces as a failed request, then reconnects
    await client.connect();
    store = new RedisStore({ client, prefix: 'ledger:sess:', ttl: IDLE_MINUTES * 60 });
    close = async () => {
      await client.quit().catch(() => undefined);
    };
  } else {
    const PgStore = connectPgSimple(session);
    const pgStore = new PgStore({
      pool: runtime.pool,
      tableName: 'web_sessions',
      createTableIfMissing: true,
      ttl: IDLE_MINUTES * 60,
      pruneSessionInterval: 15 * 60,
    });
    store = pgStore;
    close = async () => pgStore.close();
  }
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    // A session exists from the first page so the CSRF token of the sign-in form has an id to bind to.
    saveUninitialized: true,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      maxAge: IDLE_MINUTES * 60 * 1000,
      path: '/',
    },
  });
  return { middleware, close };
}
