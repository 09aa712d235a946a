/**
 * `node --cpu-prof dist/bench/profile-rebuild.js <database-url>`: the one-pass rebuild of every projection on a
 * database a bench run kept (`npm run bench -- --quick --skip-http --keep-database`), alone, so that a CPU
 * profile shows the rebuild without generation or HTTP (issue 9). Prints the seconds and events/s.
 * `REBUILD_THREADS` chooses how the projections are spread over worker threads (see below);
 * `REBUILD_PROJECTIONS="early-help-queue,due-items"` rebuilds only those (default: all), so that a profile
 * shows one projection's own cost.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { composeLedger } from '../apps/cli/src/compose.js';
import { benchRebuild } from './rebuild.bench.js';
import { LEDGER_REBUILD_THREAD_GROUPS } from '../apps/worker/src/rebuild-threads.js';

const databaseUrl = process.argv[2];
if (!databaseUrl) throw new Error('usage: profile-rebuild.js <database-url>');
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-profile-'));
const config = loadConfig({
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  DATABASE_POOL_MAX: '10',
  // The rebuild's write-behind bound, if given (default 100,000; 0: none).
  ...(process.env['REBUILD_ROW_CACHE_ROWS']
    ? { REBUILD_ROW_CACHE_ROWS: process.env['REBUILD_ROW_CACHE_ROWS'] }
    : {}),
  // The bench's own throwaway key (run-bench.ts), so the kept data set decrypts.
  PII_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
  API_TOKEN_SECRET: 'bench-api-token-secret-0123456789abcdef',
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
});
const ledger = await composeLedger(config, createLogger({ level: 'warn' }));
try {
  const only = process.env['REBUILD_PROJECTIONS']?.split(',').filter(Boolean);
  const unknown = only?.filter((name) => !ledger.projections.some((p) => p.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `REBUILD_PROJECTIONS: no projection called "${unknown[0]}" (${ledger.projections.map((p) => p.name).join(', ')})`,
    );
  // REBUILD_THREADS="early-help-queue,due-items;induction-plan": the projections of each worker thread;
  // "ledger": the split `ledger rebuild --threads` uses; "split:2": the ECT projections split by ECT over two
  // threads (`ledger rebuild --split 2`); unset or "none": all in this thread.
  const groups = process.env['REBUILD_THREADS'] ?? 'none';
  const result = await benchRebuild(
    only ? { ...ledger, projections: ledger.projections.filter((p) => only.includes(p.name)) } : ledger,
    databaseUrl,
    groups === 'none'
      ? []
      : /^split:\d+$/.test(groups)
        ? { split: Number(groups.slice(6)) }
        : groups === 'ledger'
          ? LEDGER_REBUILD_THREAD_GROUPS
          : groups.split(';').map((g) => g.split(',').filter(Boolean)),
  );
  console.log(
    `rebuild: ${result.total.eventsRead} events in ${result.total.seconds.toFixed(1)} s ` +
      `(${Math.round(result.total.eventsPerSecond)} events/s); raw COPY ${Math.round(result.rawCopy.rowsPerSecond)} rows/s; ` +
      `ratio ${(result.ratio * 100).toFixed(1)}%`,
  );
  // What each projection's write-behind cache did (projections applied in this thread).
  for (const p of result.projections)
    if (p.rowCache) console.log(`  ${p.name}: ${JSON.stringify(p.rowCache)}`);
} finally {
  await ledger.runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
