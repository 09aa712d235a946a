import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { fixedClock, type FixedClock } from '#platform/clock/clock.js';
import { composeLedger, type Ledger } from '../../apps/cli/src/compose.js';
import { createApiApplication } from '../../apps/api/src/bootstrap-api.js';
import { startWorker, type LedgerWorker } from '../../apps/worker/src/worker.js';
import { createTestDatabase } from './postgres-test-database.js';

export interface TestLedger {
  app: NestExpressApplication;
  http: TestAgent;
  ledger: Ledger;
  worker: LedgerWorker;
  clock: FixedClock;
  /** A bearer token from the dev token endpoint. */
  token(role: string, schoolUrns?: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole service as `npm start` runs it (api + projections + jobs in one process), on real PostgreSQL in
 * a database of its own when DATABASE_URL is set, otherwise on embedded PGlite in a temporary directory.
 */
export async function startTestLedger(
  options: { now?: string; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestLedger> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  const database = process.env['DATABASE_URL'] ? await createTestDatabase(process.env['DATABASE_URL']) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PROJECTION_POLL_MS: '20',
    // A read waits for its X-Min-Log-Position. Projections on a shared PostgreSQL only see events below the
    // cluster's oldest running transaction (the gap-free xid8 design), so a long transaction in a neighbouring
    // test's database can hold them back for many seconds on a loaded machine.
    READ_WAIT_TIMEOUT_MS: '60000',
    // Two pools per ledger (events, read models) plus the runner's connections: 5 each keeps two jest workers,
    // each sometimes with two ledgers, well inside PostgreSQL's default max_connections of 100.
    DATABASE_POOL_MAX: '5',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(process.env['REDIS_URL']
      ? { REDIS_URL: process.env['REDIS_URL'], JOBS_PREFIX: `il-test-${randomUUID().slice(0, 8)}` }
      : {}),
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const clock = fixedClock(options.now ?? '2025-10-01T09:00:00Z');
  const ledger = await composeLedger(config, logger);
  const worker = await startWorker(ledger.runtime, ledger.projections, logger, { domain: ledger.domain });
  const app = await createApiApplication({
    runtime: ledger.runtime,
    domain: ledger.domain,
    clock,
    deriveId: ledger.deriveId,
    projections: worker.runner,
    projectionNames: ledger.projections.map((p) => p.name),
    logger,
  });
  await app.init();
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    ledger,
    worker,
    clock,
    async token(role, schoolUrns) {
      const response = await http.post('/api/v1/dev/tokens').send({ role, schoolUrns }).expect(201);
      return (response.body as { token: string }).token;
    },
    async close() {
      await app.close();
      await worker.stop();
      await ledger.runtime.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
