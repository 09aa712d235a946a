/**
 * `serve --role worker` as a process of its own for tests: the projections and the calendar watcher (no job
 * processors), configured from the environment, run with `node --import ./test/reliability/support/ts-loader.mjs`.
 * Prints "ready" once it runs; stops cleanly on SIGTERM.
 */
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { composeLedger } from '../../apps/cli/src/compose.js';
import { startWorker } from '../../apps/worker/src/worker.js';

const config = loadConfig(process.env);
const logger = createLogger({ level: 'warn' });
const ledger = await composeLedger(config, logger);
const worker = await startWorker(ledger.runtime, ledger.projections, logger, {
  jobs: false,
  domain: ledger.domain,
});
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => ledger.runtime.close())
    .finally(() => process.exit(0));
});
process.stdout.write('ready\n');
