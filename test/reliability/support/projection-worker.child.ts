/**
 * A worker process of its own for the kill -9 fault test: projections only, configured from the environment,
 * run with `node --import ./test/reliability/support/ts-loader.mjs`. Prints "ready" once it runs.
 */
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { composeLedger } from '../../../apps/cli/src/compose.js';
import { startWorker } from '../../../apps/worker/src/worker.js';

const config = loadConfig(process.env);
const logger = createLogger({ level: 'warn' });
const ledger = await composeLedger(config, logger);
await startWorker(ledger.runtime, ledger.projections, logger, { jobs: false });
process.stdout.write('ready\n');
