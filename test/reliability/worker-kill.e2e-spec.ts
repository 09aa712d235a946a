import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { rebuildProjections } from '#read-models/runner/projection-rebuild.js';
import { composeLedger, type Ledger } from '../../apps/cli/src/compose.js';
import { scaleProfile } from '../../apps/cli/src/generate/scale-profiles.js';
import { writeScaleData } from '../../apps/cli/src/generate/write-scale-data.js';
import { createTestDatabase } from '../support/postgres-test-database.js';
import { describeWithEnv } from '../support/requires-env.js';

/**
 * Issue 10, faults: a worker process is killed with SIGKILL in the middle of its projection batches, a second
 * worker takes over (the advisory-lock claim of the dead one goes with its connection), and when it has caught
 * up every read model equals a fresh rebuild from the log: a crash neither applies an event twice nor skips one.
 * Generated data: 40 ECTs of the `small` scale profile in CI, all 200 (about 7,000 events) under SOAK=1.
 */
const PROFILE = process.env['SOAK'] ? scaleProfile('small') : scaleProfile('small', { ects: 40, schools: 4 });

async function until(probe: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeWithEnv(
  'DATABASE_URL',
  `reliability: kill -9 a projection worker (${PROFILE.ects} generated ECTs)`,
  () => {
    let database: { url: string; drop(): Promise<void> };
    let ledger: Ledger;
    let dataDir: string;
    const children: ChildProcess[] = [];
    let env: Record<string, string>;

    const startWorkerProcess = async (): Promise<ChildProcess> => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          './test/reliability/support/ts-loader.mjs',
          'test/reliability/support/projection-worker.child.ts',
        ],
        { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
      });
      return child;
    };
    const checkpoints = async () =>
      (await ledger.runtime.dataSource.query(
        'SELECT name, commit_position::text AS position FROM projection_checkpoints ORDER BY name',
      )) as { name: string; position: string }[];
    const head = async () =>
      String(
        (
          (
            await ledger.runtime.pool.query(
              'SELECT max(transaction_id)::text AS head FROM event_store.events',
            )
          ).rows[0] as { head: string }
        ).head,
      );
    /** Every row of every projection's tables, in a stable order. */
    const snapshot = async (): Promise<Record<string, string[]>> => {
      const out: Record<string, string[]> = {};
      for (const projection of ledger.projections) {
        for (const table of projection.tables) {
          const rows = (await ledger.runtime.dataSource.query(
            `SELECT to_jsonb(t) AS row FROM "${table}" t`,
          )) as { row: Record<string, unknown> }[];
          out[table] = rows.map((r) => JSON.stringify(sortKeys(r.row))).sort();
        }
      }
      return out;
    };

    beforeAll(async () => {
      database = await createTestDatabase(process.env['DATABASE_URL']!);
      dataDir = mkdtempSync(join(tmpdir(), 'rel-worker-'));
      env = {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        PROJECTION_POLL_MS: '20',
      };
      delete process.env['REDIS_URL'];
      ledger = await composeLedger(loadConfig(env), createLogger({ level: 'silent' }));
      await writeScaleData(ledger, { profile: PROFILE, seed: 20_251_126 });
    }, 300_000);
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await ledger?.runtime.close();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('a second worker takes over and the read models equal a fresh rebuild', async () => {
      const events = Number(
        (
          (await ledger.runtime.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0] as {
            n: string;
          }
        ).n,
      );
      const first = await startWorkerProcess();
      // Kill it once some projection has moved but before they are all done: mid-way through its batches.
      await until(
        async () => (await checkpoints()).some((c) => c.position !== '0' && c.position !== null),
        'the first batch',
      );
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const atKill = await checkpoints();
      const target = await head();
      const unfinished = atKill.filter((c) => BigInt(c.position ?? '0') < BigInt(target));
      expect(unfinished.length).toBeGreaterThan(0);

      await startWorkerProcess();
      await until(
        async () => (await checkpoints()).every((c) => BigInt(c.position ?? '0') >= BigInt(target)),
        'the second worker to catch up',
      );
      const live = await snapshot();
      await rebuildProjections(ledger.runtime.dataSource, ledger.runtime.eventStore, ledger.projections);
      const rebuilt = await snapshot();
      for (const table of Object.keys(rebuilt)) expect([table, live[table]]).toEqual([table, rebuilt[table]]);
      const rows = Object.values(rebuilt).reduce((n, r) => n + r.length, 0);
      process.stdout.write(
        `reliability/worker-kill: ${events} events; killed with ${unfinished.length}/${atKill.length} ` +
          `projections unfinished; ${Object.keys(rebuilt).length} tables, ${rows} rows equal a fresh rebuild\n`,
      );
    }, 600_000);
  },
);

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}
