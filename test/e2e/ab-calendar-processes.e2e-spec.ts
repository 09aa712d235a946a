import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { fixedClock } from '#platform/clock/clock.js';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { createApiApplication } from '../../apps/api/src/bootstrap-api.js';
import { noProjectionsHere } from '../../apps/api/src/health/projection-status.js';
import { composeLedger, type Ledger } from '../../apps/cli/src/compose.js';
import { createTestDatabase } from '../support/postgres-test-database.js';
import { describeWithEnv } from '../support/requires-env.js';

/**
 * R1 across processes, as production runs it (`serve --role api` ×2 and `serve --role worker`): a change of
 * term dates taken by one api process reaches the other api process's summaries, and the worker process
 * rebuilds the read models with it; a worker that was down when the calendar changed rebuilds when it starts.
 */
const SCHOOL = { urn: '240001', name: 'Hazel Primary', phase: 'primary', localAuthority: 'Suffolk' };
const terms2026 = (summerEnd: string) => ({
  autumn: { start: '2026-09-02', end: '2026-12-18' },
  spring: { start: '2027-01-04', end: '2027-03-26' },
  summer: { start: '2027-04-12', end: summerEnd },
});

async function until(probe: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeWithEnv('DATABASE_URL', 'R1: term dates across api and worker processes', () => {
  let database: { url: string; drop(): Promise<void> };
  let dataDir: string;
  let env: Record<string, string>;
  const ledgers: Ledger[] = [];
  const apps: NestExpressApplication[] = [];
  let worker: ChildProcess | null = null;
  let hub: string;
  let tutor: string;
  let ectId: string;

  const startWorkerProcess = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ['--import', './test/reliability/support/ts-loader.mjs', 'test/support/ledger-worker.child.ts'],
      { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
    });
    return child;
  };
  const stopWorkerProcess = async () => {
    const child = worker!;
    worker = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  const startApi = async () => {
    const logger = createLogger({ level: 'silent' });
    const ledger = await composeLedger(loadConfig(env), logger);
    const app = await createApiApplication({
      runtime: ledger.runtime,
      domain: ledger.domain,
      clock: fixedClock('2025-10-01T09:00:00Z'),
      deriveId: ledger.deriveId,
      projections: noProjectionsHere,
      projectionNames: ledger.projections.map((p) => p.name),
      logger,
    });
    await app.init();
    ledgers.push(ledger);
    apps.push(app);
    return { ledger, http: request(app.getHttpServer()) };
  };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const readModelsPass = async (ledger: Ledger, position: string) =>
    expect(
      await new ReadModelFreshness(ledger.runtime.dataSource, ledger.runtime.eventStore).waitFor(
        BigInt(position),
        ledger.projections.map((p) => p.name),
        60_000,
      ),
    ).toBe(true);
  const marker = async (ledger: Ledger) =>
    (
      (await ledger.runtime.dataSource
        .query('SELECT calendar_revision::int AS revision FROM read_model_calendar')
        .catch(() => [])) as { revision: number }[]
    )[0]?.revision ?? -1;
  const planEnd = async (ledger: Ledger) =>
    (
      (await ledger.runtime.dataSource.query('SELECT expected_end FROM plan_ects WHERE ect_id = $1', [
        ectId,
      ])) as { expected_end: string }[]
    )[0]?.expected_end;

  beforeAll(async () => {
    database = await createTestDatabase(process.env['DATABASE_URL']!);
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-calendar-'));
    env = {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '4',
      PROJECTION_POLL_MS: '20',
      API_RATE_LIMIT: '0',
    };
    const first = await startApi();
    worker = await startWorkerProcess();
    hub = (await first.http.post('/api/v1/dev/tokens').send({ role: 'hub_staff' }).expect(201)).body.token;
    tutor = (
      await first.http
        .post('/api/v1/dev/tokens')
        .send({ role: 'induction_tutor', schoolUrns: [SCHOOL.urn] })
        .expect(201)
    ).body.token;
    await first.http.post('/api/v1/schools').set(auth(hub)).send(SCHOOL).expect(201);
    const registered = await first.http
      .post('/api/v1/ects')
      .set(auth(tutor))
      .send({
        trn: '5200001',
        firstName: 'Sam',
        lastName: 'Processes',
        dateOfBirth: '1999-03-04',
        email: 'sam@hazel.example',
        schoolUrn: SCHOOL.urn,
        qtsAwardedOn: '2025-07-15',
        startDate: '2025-09-01',
        fte: 1,
        programme: 'provider-led',
        mentor: { name: 'Mo Mentor', email: 'mo@hazel.example', hasQts: true },
        inductionTutor: { name: 'Tai Tutor', email: 'tai@hazel.example', hasQts: true },
      })
      .expect(201);
    ectId = registered.body.id as string;
    await readModelsPass(first.ledger, registered.headers['x-log-position'] as string);
  }, 180_000);

  afterAll(async () => {
    if (worker) await stopWorkerProcess();
    for (const app of apps) await app.close();
    for (const ledger of ledgers) await ledger.runtime.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a change through one api process reaches the other api process and the worker process', async () => {
    const [api1Ledger] = ledgers;
    const api1 = request(apps[0]!.getHttpServer());
    const api2 = await startApi();
    const summary = async (http: typeof api1) =>
      (await http.get(`/api/v1/ects/${ectId}`).set(auth(tutor)).expect(200)).body as {
        expectedEndDate: string;
      };
    expect((await summary(api2.http)).expectedEndDate).toBe('2027-08-31');
    expect(await planEnd(api1Ledger!)).toBe('2027-08-31');

    const put = await api1
      .put('/api/v1/calendar/academic-years/2026-27')
      .set(auth(hub))
      .send(terms2026('2027-07-21'))
      .expect(200);
    expect((await summary(api1)).expectedEndDate).toBe('2027-07-21');
    // The other api process polls the calendar stream.
    await until(
      async () => (await summary(api2.http)).expectedEndDate === '2027-07-21',
      'the second api process to use the new calendar',
    );
    // The worker process rebuilds the read models with the new dates.
    await until(async () => (await marker(api1Ledger!)) === 0, 'the worker to rebuild');
    await readModelsPass(api1Ledger!, put.headers['x-log-position'] as string);
    expect(await planEnd(api1Ledger!)).toBe('2027-07-21');
  });

  it('a worker that was down when the calendar changed rebuilds when it starts', async () => {
    const [api1Ledger] = ledgers;
    await stopWorkerProcess();
    const put = await request(apps[0]!.getHttpServer())
      .put('/api/v1/calendar/academic-years/2026')
      .set(auth(hub))
      .send(terms2026('2027-07-16'))
      .expect(200);
    expect(put.body).toMatchObject({ revision: 1 });
    expect(await marker(api1Ledger!)).toBe(0);
    expect(await planEnd(api1Ledger!)).toBe('2027-07-21');

    worker = await startWorkerProcess();
    expect(await marker(api1Ledger!)).toBe(1);
    await readModelsPass(api1Ledger!, put.headers['x-log-position'] as string);
    expect(await planEnd(api1Ledger!)).toBe('2027-07-16');
  });
});
