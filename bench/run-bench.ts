/**
 * `npm run bench [-- --quick] [-- --scale hub|national] [-- --seed N]`: the benchmark harness (issue 9). One
 * run, on this machine, in a fresh PostgreSQL database that is dropped afterwards: appends (ours, Emmett, raw
 * INSERT), generation of the scale data set, projection rebuild against raw COPY, HTTP load on the service
 * with that data set, the annual report, and the peak RSS of api and worker. Results go to
 * bench/results/<timestamp>.json and into bench/README.md as a Markdown table.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { MAX_PARTITIONS } from '#read-models/runner/ect-partitions.js';
import { ectIdSecret } from '#platform/personal-data/keyed-id.js';
import { composeLedger } from '../apps/cli/src/compose.js';
import { keyedPersonId } from '../apps/api/src/domain/person-identity.js';
import { DEFAULT_SEED } from '../apps/cli/src/generate/generate.command.js';
import { schoolUrn, trnFor } from '../apps/cli/src/generate/scale-data.js';
import { scaleProfile } from '../apps/cli/src/generate/scale-profiles.js';
import { writeScaleData, type WriteResult } from '../apps/cli/src/generate/write-scale-data.js';
import { benchAppends, type AppendResults } from './appends.bench.js';
import { benchHttp, dueReviews, type HttpResults } from './http.bench.js';
import { benchRebuild, type RebuildResults } from './rebuild.bench.js';
import { benchReport, catchUpReadModels, type ReportResults } from './report.bench.js';
import {
  createBenchDatabase,
  databaseComment,
  DEFAULT_SERVER_URL,
  ensurePostgres,
  openBenchDatabase,
  pgLiteral,
  serverVersion,
} from './support/database.js';
import { renderMarkdown } from './support/report.js';
import { reorderLogByTime } from './support/reorder-log.js';

export interface BenchResults {
  startedAt: string;
  mode: 'quick' | 'full';
  scale: string;
  seed: number;
  machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    node: string;
    postgres: string;
    /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
    loadAverage: { start: number; end: number };
  };
  /** The database the run used; a kept one can be reused with `--reuse-database <name>`. */
  database: { name: string; kept: boolean; reused: boolean; order?: 'time' };
  /** The phases run (`--only`); a phase not run is absent below. */
  phases: Phase[];
  appends?: AppendResults;
  /** This run's generation, or (reused database) the one that wrote the data set, from the database's comment. */
  generation?: Omit<WriteResult, 'byType' | 'rejected'> & {
    byType: Record<string, number>;
    rejected: Record<string, number>;
  };
  rebuild?: RebuildResults;
  /**
   * The same rebuild again, the ECT projections split by ECT over `threads` worker threads (`ledger rebuild
   * --split N`; `--rebuild-split N`, default 2 in a full run, none in a quick one).
   */
  rebuildSplit?: RebuildResults & { threads: number };
  /** The annual survey report built in-process on the data set (the HTTP phase times the endpoint too). */
  report?: ReportResults;
  http: HttpResults | { skipped: string };
  benchProcessPeakRssMb: number;
  seconds: number;
}

/** The fixed-rate pass of every HTTP request kind (before its saturation pass at 10 connections). */
export const HTTP_RATE_PER_SECOND = 20;

export const PHASES = ['appends', 'generate', 'rebuild', 'report', 'http'] as const;
export type Phase = (typeof PHASES)[number];

/** What a generating run records in its database's COMMENT, so a later `--reuse-database` knows the data set. */
interface DataSetComment {
  scale: string;
  ects: number;
  schools: number;
  seed: number;
  generation: NonNullable<BenchResults['generation']>;
  /** `time`: the log was reordered by business date after generation (`--order time`); absent: as generated. */
  order?: 'time';
}

function parsePhases(only: string | undefined, skipHttp: boolean): Phase[] {
  const phases =
    only === undefined
      ? [...PHASES]
      : only.split(',').map((p) => {
          const phase = p.trim();
          if (!(PHASES as readonly string[]).includes(phase)) {
            throw new Error(`--only: unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
          }
          return phase as Phase;
        });
  return PHASES.filter((p) => phases.includes(p) && !(p === 'http' && skipHttp));
}

/**
 * Where this run's HTTP registrations start in the TRN space (`trnFor` is a bijection on 9,000,000 indices), after
 * the data set's own ECTs. A run registers a few thousand (about 220/s for 20 s), so each minute gets its own block
 * of 20,000: runs on a reused database in different minutes never register a TRN twice (which would measure 409s
 * instead of registrations) until the blocks wrap after about 6 hours.
 */
function registrationBlockStart(datasetEcts: number): number {
  const blocks = Math.floor((8_000_000 - datasetEcts) / 20_000);
  return datasetEcts + (Math.floor(Date.now() / 60_000) % blocks) * 20_000;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scale: { type: 'string' },
      seed: { type: 'string' },
      'skip-http': { type: 'boolean', default: false },
      'keep-database': { type: 'boolean', default: false },
      'database-name': { type: 'string' },
      'reuse-database': { type: 'string' },
      only: { type: 'string' },
      order: { type: 'string' },
      'rebuild-split': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  // The rebuild phase measures the one-thread rebuild (`ledger rebuild`), then, unless 0, the same split by ECT
  // over this many threads (`ledger rebuild --split N`): not in a quick run, which must stay under 3 minutes.
  const rebuildSplit = Number(values['rebuild-split'] ?? (quick ? 0 : 2));
  if (!Number.isInteger(rebuildSplit) || rebuildSplit < 0 || rebuildSplit > MAX_PARTITIONS) {
    throw new Error(
      `--rebuild-split: "${values['rebuild-split']}" is not a thread count from 0 to ${MAX_PARTITIONS}`,
    );
  }
  const reuse = values['reuse-database'];
  let phases = parsePhases(values.only, values['skip-http'] ?? false);
  const order = values.order ?? 'generated';
  if (order !== 'generated' && order !== 'time') {
    throw new Error(`--order: "${order}" is neither "generated" nor "time"`);
  }
  if (reuse !== undefined) phases = phases.filter((p) => p !== 'generate');
  if (order === 'time' && !phases.includes('generate')) {
    throw new Error('--order time reorders the log a run generates: it needs the generate phase');
  }
  // A generate-only run exists to keep its data set.
  const keep =
    reuse !== undefined || values['keep-database'] || (phases.length === 1 && phases[0] === 'generate');
  const started = process.hrtime.bigint();
  const startedAt = new Date().toISOString();
  const serverUrl = process.env['BENCH_DATABASE_URL'] ?? DEFAULT_SERVER_URL;
  await ensurePostgres(serverUrl);
  const database =
    reuse !== undefined
      ? openBenchDatabase(serverUrl, reuse)
      : await createBenchDatabase(
          serverUrl,
          values['database-name'] ?? `bench_${startedAt.replace(/\D/g, '').slice(0, 14)}`,
        );
  const reused: DataSetComment | undefined =
    reuse !== undefined
      ? (JSON.parse((await databaseComment(database.url)) ?? 'null') ?? undefined)
      : undefined;
  if (reuse !== undefined && !reused) {
    throw new Error(
      `database ${reuse} has no data-set comment: was it written by \`npm run bench -- --only generate\`?`,
    );
  }
  // Quick mode: a third of a hub (1,000 ECTs at 50 schools, ≈37,000 events) unless --scale is given, so that
  // it stays under 3 minutes on 2 cores; rates and ratios are per event, so they compare with the full run.
  const profile = reused
    ? scaleProfile(reused.scale, { ects: reused.ects, schools: reused.schools })
    : values.scale !== undefined
      ? scaleProfile(values.scale)
      : quick
        ? scaleProfile('hub', { ects: 1_000, schools: 50 })
        : scaleProfile('national');
  const seed = reused ? reused.seed : values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_POOL_MAX: '10',
    PII_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    API_TOKEN_SECRET: 'bench-api-token-secret-0123456789abcdef',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
  };
  const log = (message: string) =>
    console.log(`[bench ${(Number(process.hrtime.bigint() - started) / 1e9) | 0}s] ${message}`);
  try {
    const machine = {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: await serverVersion(database.url),
      loadAverage: { start: loadavg()[0]!, end: NaN },
    };
    log(
      `mode ${quick ? 'quick' : 'full'}, scale ${profile.name}, database ${database.name}` +
        `${reuse !== undefined ? ' (reused)' : ''}${keep ? ' (kept)' : ''}, phases ${phases.join(',')}`,
    );

    let appends: AppendResults | undefined;
    if (phases.includes('appends')) {
      log('appends: ours vs Emmett vs raw INSERT at concurrency 1, 16, 64');
      appends = await benchAppends(
        database.url,
        (c) => (quick ? { 1: 200, 16: 1_000, 64: 2_000 } : { 1: 2_000, 16: 10_000, 64: 20_000 })[c] ?? 1_000,
      );
      for (const q of appends.ratios) {
        log(
          `  concurrency ${q.concurrency}: ours ÷ Emmett ${q.ledgerOverEmmett.toFixed(2)}, proposed ÷ Emmett ${q.proposedOverEmmett.toFixed(2)}`,
        );
      }
    }
    const config = loadConfig(env);
    const logger = createLogger({ level: 'warn' });
    const ledger = await composeLedger(config, logger);
    let generation: BenchResults['generation'] = reused?.generation;
    let rebuild: RebuildResults | undefined;
    let rebuildSplitResults: BenchResults['rebuildSplit'];
    let report: ReportResults | undefined;
    let ectIds: string[];
    let reviewsDue: { ectId: string; term: number; reviewedOn: string }[] = [];
    try {
      if (phases.includes('generate')) {
        log(`generating ${profile.ects} ECTs at ${profile.schools} schools (seed ${seed})`);
        generation = await writeScaleData(ledger, {
          profile,
          seed,
          onProgress: (stats, seconds) =>
            stats.ects % 20_000 < 100 &&
            log(
              `  ${stats.ects} ECTs, ${stats.events} events, ${Math.round(stats.events / seconds)} events/s`,
            ),
        });
        log(`generated ${generation.events} events in ${generation.seconds.toFixed(1)} s`);
        if (order === 'time') {
          const client = await ledger.runtime.pool.connect();
          try {
            const reordered = await reorderLogByTime(client);
            log(
              `reordered the log by business date: ${reordered.events} events of ${reordered.streams} streams in ${reordered.seconds.toFixed(1)} s`,
            );
          } finally {
            client.release();
          }
        }
        await ledger.runtime.pool.query('VACUUM ANALYZE event_store.events');
        const comment: DataSetComment = {
          scale: profile.name,
          ects: profile.ects,
          schools: profile.schools,
          seed,
          generation,
          ...(order === 'time' ? { order } : {}),
        };
        await ledger.runtime.pool.query(
          `COMMENT ON DATABASE "${database.name}" IS ${pgLiteral(JSON.stringify(comment))}`,
        );
      }
      if (phases.includes('rebuild')) {
        log('rebuilding every projection');
        rebuild = await benchRebuild(ledger, database.url);
        log(
          `rebuild ${rebuild.total.eventsRead} events in ${rebuild.total.seconds.toFixed(1)} s, ` +
            `${Math.round(rebuild.total.eventsPerSecond)} events/s; raw COPY ${Math.round(rebuild.rawCopy.rowsPerSecond)} rows/s`,
        );
        if (rebuildSplit > 0) {
          log(`rebuilding every projection again, split by ECT over ${rebuildSplit} threads`);
          rebuildSplitResults = {
            ...(await benchRebuild(ledger, database.url, { split: rebuildSplit })),
            threads: rebuildSplit,
          };
          log(
            `split rebuild ${rebuildSplitResults.total.eventsRead} events in ${rebuildSplitResults.total.seconds.toFixed(1)} s, ` +
              `${Math.round(rebuildSplitResults.total.eventsPerSecond)} events/s; raw COPY ${Math.round(rebuildSplitResults.rawCopy.rowsPerSecond)} rows/s`,
          );
        }
      }
      if (phases.includes('report')) {
        log('annual survey report: simulate the survey, catch up, build the report, charts and PDF');
        report = await benchReport(ledger, seed);
        log(
          `report: ${report.schools} schools, ${report.responses} responses; built in ${report.buildSeconds.toFixed(2)} s, ` +
            `${report.charts} charts in ${report.chartsSeconds.toFixed(2)} s, PDF ${report.pdfKb} KiB in ${report.pdfSeconds.toFixed(2)} s`,
        );
      } else if (phases.includes('http') && !phases.includes('rebuild')) {
        // The api answers from the read models: bring them up to the log first (one pass if never built).
        log('catching up the read models');
        log(`read models caught up in ${(await catchUpReadModels(ledger)).toFixed(1)} s`);
      }
      const secret = await ectIdSecret(ledger.runtime.keyVault);
      ectIds = Array.from({ length: profile.ects }, (_, i) => keyedPersonId(secret, 'ect', trnFor(i)));
      if (phases.includes('http')) reviewsDue = await dueReviews(ledger.runtime.pool);
    } finally {
      await ledger.runtime.close();
    }
    const benchProcessPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    let http: BenchResults['http'] = {
      skipped: values['skip-http'] ? 'not run (--skip-http)' : 'not run (--only)',
    };
    if (phases.includes('http')) {
      log('HTTP load: api and worker processes');
      http = await benchHttp({
        env,
        durationSeconds: quick ? 3 : 20,
        connections: 10,
        // Far above a national AB's peak (≈60,000 reviews in the two weeks before a term ends ≈ 0.2 a second),
        // below what the two cores saturate at: the latency users see on a busy day, without the queueing.
        ratePerSecond: HTTP_RATE_PER_SECOND,
        ectIds,
        reviewsDue,
        schoolUrns: Array.from({ length: profile.schools }, (_, i) => schoolUrn(i)),
        nextTrnIndex: registrationBlockStart(profile.ects),
        trnFor,
      });
    }

    machine.loadAverage.end = loadavg()[0]!;
    const results: BenchResults = {
      startedAt,
      mode: quick ? 'quick' : 'full',
      scale: profile.name,
      seed,
      machine,
      database: {
        name: database.name,
        kept: keep,
        reused: reuse !== undefined,
        ...(reused?.order === 'time' || order === 'time' ? { order: 'time' as const } : {}),
      },
      phases,
      ...(appends ? { appends } : {}),
      ...(generation ? { generation } : {}),
      ...(rebuild ? { rebuild } : {}),
      ...(rebuildSplitResults ? { rebuildSplit: rebuildSplitResults } : {}),
      ...(report ? { report } : {}),
      http,
      benchProcessPeakRssMb,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
    const benchDir = new URL('../../bench/', import.meta.url).pathname;
    mkdirSync(join(benchDir, 'results'), { recursive: true });
    const file = join(benchDir, 'results', `${startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2)}\n`,
    );
    const markdown = renderMarkdown(results);
    console.log(`\n${markdown}`);
    const readmePath = join(benchDir, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const begin = '<!-- bench:results:begin -->';
    const end = '<!-- bench:results:end -->';
    // A generate-only run has no figures worth replacing the last run's tables with.
    const measured = phases.some((p) => p !== 'generate');
    if (measured && readme.includes(begin) && readme.includes(end)) {
      writeFileSync(
        readmePath,
        `${readme.slice(0, readme.indexOf(begin) + begin.length)}\n${markdown}\n${readme.slice(readme.indexOf(end))}`,
      );
    }
    // Keep `npm run lint` (prettier --check .) green: format what this run wrote.
    spawnSync(
      process.execPath,
      [join(benchDir, '..', 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--write', file, readmePath],
      {
        stdio: 'ignore',
      },
    );
    log(`results: ${file}`);
    return 0;
  } finally {
    if (!keep) await database.drop().catch((error: unknown) => console.error(error));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
