import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, describeConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { systemClock } from '#platform/clock/clock.js';
import { rebuildProjections } from '#read-models/runner/projection-rebuild.js';
import { ledgerRebuildThreads } from '../../worker/src/rebuild-threads.js';
import { MAX_PARTITIONS } from '#read-models/runner/ect-partitions.js';
import { createApiApplication } from '../../api/src/bootstrap-api.js';
import { noProjectionsHere } from '../../api/src/health/projection-status.js';
import { startWorker, type LedgerWorker } from '../../worker/src/worker.js';
import { composeLedger } from './compose.js';
import { seedDemo } from './demo/seed-demo.js';
import { runGenerate } from './generate/generate.command.js';
import { runSimulateSurvey } from './generate/simulate-survey.command.js';
import { runRevokeToken } from './revoke-token.command.js';
import { relaunchNode, youngGenerationRelaunch } from './young-generation.js';

const USAGE = `Usage: ledger <command> [options]

Commands:
  serve [--role all|api|worker] [--demo]   run the service (default role: all = api + projections + jobs)
  seed-demo                                add the demo Appropriate Body (schools, tutors, ECTs)
  rebuild <projection>|--all [--split N | --threads]
                                           replay the log into fresh read-model tables and swap them in
                                           (--split N: the projections kept per ECT in N worker threads,
                                           each folding its own ECTs; --threads: the ECT-folding
                                           projections in one worker thread; see bench/README.md)
  generate --scale small|hub|national [--seed N]
                                           write deterministic scale data (bench/README.md)
  simulate-survey [--year 2025] [--seed N]  simulate the annual survey on the register; time the report
  revoke-token (--token-id ID | --user ID) --reason TEXT
                                           revoke one API token, or every token a user was issued until now
  help                                     this text

Configuration comes from environment variables: see README.md, "Configuration".`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'all' },
      demo: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      threads: { type: 'boolean', default: false },
      split: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      year: { type: 'string' },
      'token-id': { type: 'string' },
      user: { type: 'string' },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'rebuild') {
    // A rebuild runs in a Node with a larger young generation unless the operator chose one (young-generation.ts).
    const relaunch = youngGenerationRelaunch({
      execArgv: process.execArgv,
      argv: process.argv,
      nodeOptions: process.env['NODE_OPTIONS'],
    });
    if (relaunch) return relaunchNode(relaunch);
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });

  switch (command) {
    case 'serve':
      return serve(config, logger, values.role ?? 'all', values.demo ?? false);
    case 'seed-demo': {
      const ledger = await composeLedger(config, logger);
      try {
        const summary = await seedDemo(ledger, systemClock);
        console.log(
          `Demo data: ${summary.schools} schools, ${summary.ects} ECTs (${summary.skipped} already there).`,
        );
        return 0;
      } finally {
        await ledger.runtime.close();
      }
    }
    case 'rebuild': {
      const ledger = await composeLedger(config, logger);
      try {
        const names = values.all ? ledger.projections.map((p) => p.name) : rest;
        if (names.length === 0) {
          console.error(
            `Name a projection or pass --all. Projections: ${ledger.projections.map((p) => p.name).join(', ')}`,
          );
          return 2;
        }
        const unknown = names.filter((name) => !ledger.projections.some((p) => p.name === name));
        if (unknown.length > 0) {
          console.error(
            `No projection called "${unknown[0]}". Projections: ${ledger.projections.map((p) => p.name).join(', ')}`,
          );
          return 2;
        }
        const split = values.split === undefined ? 0 : Number(values.split);
        if (
          values.split !== undefined &&
          (!Number.isInteger(split) || split < 1 || split > MAX_PARTITIONS || values.threads)
        ) {
          console.error(
            `--split takes a number of worker threads from 1 to ${MAX_PARTITIONS}, and not with --threads.`,
          );
          return 2;
        }
        if (split > 0 && !config.databaseUrl) {
          console.error('--split needs PostgreSQL (DATABASE_URL): embedded PGlite serves one connection.');
          return 2;
        }
        // One pass over the log for all of them (the log is read and decrypted once).
        const threads =
          split > 0
            ? ledgerRebuildThreads(ledger.domain, config, [], split)
            : values.threads
              ? ledgerRebuildThreads(ledger.domain, config)
              : undefined;
        const results = await rebuildProjections(
          ledger.runtime.dataSource,
          ledger.runtime.eventStore,
          ledger.projections.filter((p) => names.includes(p.name)),
          { rowCacheRows: config.rebuildRowCacheRows, ...(threads ? { threads } : {}) },
        );
        for (const result of results) {
          const rate =
            result.seconds > 0 ? Math.round(result.eventsRead / result.seconds) : result.eventsRead;
          console.log(
            `Rebuilt ${result.projection}: ${result.eventsRead} events read, ${result.eventsApplied} applied, ${result.seconds.toFixed(2)} s (${rate} events/s).`,
          );
        }
        return 0;
      } finally {
        await ledger.runtime.close();
      }
    }
    case 'revoke-token': {
      const ledger = await composeLedger(config, logger);
      try {
        return await runRevokeToken(ledger.runtime.dataSource, {
          tokenId: values['token-id'],
          user: values.user,
          reason: values.reason,
        });
      } finally {
        await ledger.runtime.close();
      }
    }
    case 'generate':
      return runGenerate(config, logger, { scale: values.scale, seed: values.seed });
    case 'simulate-survey':
      return runSimulateSurvey(config, logger, { year: values.year, seed: values.seed });
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function serve(
  config: ReturnType<typeof loadConfig>,
  logger: ReturnType<typeof createLogger>,
  role: string,
  demo: boolean,
): Promise<number> {
  if (!['all', 'api', 'worker'].includes(role)) {
    console.error(`--role must be all, api or worker (got "${role}")`);
    return 2;
  }
  logger.info({ config: describeConfig(config), role }, 'starting');
  if (config.generatedSecrets.length > 0 && !config.isProduction) {
    logger.warn(
      { generated: config.generatedSecrets },
      `secrets not set: using development secrets kept in ${config.dataDir}`,
    );
  }
  const ledger = await composeLedger(config, logger);
  let worker: LedgerWorker | null = null;
  if (role !== 'api')
    worker = await startWorker(ledger.runtime, ledger.projections, logger, { domain: ledger.domain });
  if (demo) {
    const summary = await seedDemo(ledger, systemClock);
    logger.info(summary, 'demo data ready');
  }

  let app: Awaited<ReturnType<typeof createApiApplication>> | null = null;
  if (role !== 'worker') {
    app = await createApiApplication({
      runtime: ledger.runtime,
      domain: ledger.domain,
      clock: systemClock,
      deriveId: ledger.deriveId,
      projections: worker?.runner ?? noProjectionsHere,
      projectionNames: ledger.projections.map((p) => p.name),
      logger,
    });
    await app.listen(config.port, config.host);
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
    console.log(`\nInduction Ledger is running at ${config.publicUrl}  (data: ${where})`);
    console.log(`  API docs: ${config.publicUrl}/api/docs    health: ${config.publicUrl}/health\n`);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('stopping');
  await app?.close();
  await worker?.stop();
  await ledger.runtime.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
