/**
 * 3–5. The service under HTTP load (autocannon), started the way it runs in production: an api process and a
 * worker process (`serve --role api|worker`) on the benchmark's PostgreSQL database. Measures p50/p95/p99 of
 * commands and queries, the annual report when the API has one, and the peak RSS of both processes (VmHWM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { summarise, type LatencySummary } from './support/stats.js';
import { REPORT_YEAR } from './report.bench.js';

export interface HttpRow {
  name: string;
  kind: 'command' | 'query';
  requests: number;
  non2xx: number;
  /** Answers by status code, so an expected refusal (409 already submitted) is told apart from a failure. */
  statuses: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /**
   * The load: absent, `connections` clients each sending the next request as soon as the last is answered (the
   * service's saturation point, where p95 is mostly queueing); a number, that many requests a second, evenly
   * spaced on one connection (`paced`), the latency of a busy but unsaturated service.
   */
  ratePerSecond?: number;
}

export interface HttpResults {
  rows: HttpRow[];
  notBuilt: string[];
  /** `GET /reports/annual-survey/{year}` once as JSON (`seconds`, `status`) and once as PDF. */
  annualReport:
    { seconds: number; status: number; pdf: { seconds: number; status: number } } | 'not yet built';
  peakRssMb: { api: number; worker: number };
}

export interface ServiceEnv {
  [name: string]: string;
}

export interface HttpBenchOptions {
  env: ServiceEnv;
  durationSeconds: number;
  connections: number;
  /** Also measure each request kind at this fixed rate (requests a second), before its saturation pass. */
  ratePerSecond?: number;
  /** ECT ids in the data set, for GET /ects/:id. */
  ectIds: string[];
  schoolUrns: string[];
  /**
   * Progress reviews the data set leaves due (R11: an open ECT, the term begun, none submitted for it), one per
   * ECT, read from the early-help read model's schedule: each is accepted once (201); a request after the list
   * runs out repeats one and is refused 409 (already submitted), counted apart in `statuses`.
   */
  reviewsDue: { ectId: string; term: number; reviewedOn: string }[];
  /** The next unused TRN index (registrations must not collide with the data set). */
  nextTrnIndex: number;
  trnFor: (index: number) => string;
}

/**
 * R11: for each open ECT, its earliest progress review whose term has begun (London date) and that nobody has
 * submitted, from the early-help read model's schedule (caught up before the HTTP phase); reviewed today, or on
 * its deadline when that has passed. Empty when the read model is not there.
 */
export async function dueReviews(pool: {
  query: (sql: string) => Promise<{ rows: unknown[] }>;
}): Promise<HttpBenchOptions['reviewsDue']> {
  try {
    const { rows } = await pool.query(`
      WITH today AS (SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS d)
      SELECT DISTINCT ON (c.ect_id) c.ect_id::text AS "ectId", (r->>'term')::int AS term,
             least(today.d, r->>'dueBy') AS "reviewedOn"
      FROM early_help_cases c CROSS JOIN today,
           jsonb_array_elements(c.timed->'schedule'->'reviews') r
      WHERE (c.timed->>'open')::boolean AND NOT (r->>'submitted')::boolean AND r->>'opensOn' <= today.d
      ORDER BY c.ect_id, (r->>'term')::int`);
    return rows as HttpBenchOptions['reviewsDue'];
  } catch {
    return [];
  }
}

const MAIN = new URL('../apps/cli/src/main.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function startRole(role: 'api' | 'worker', env: ServiceEnv, port: number): ChildProcess {
  const child = spawn(process.execPath, [MAIN, 'serve', '--role', role], {
    // The bench measures the service, not the API rate limit: off (API_RATE_LIMIT=0) for its one token.
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** Peak resident set size of a live process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

type RequestSpec = { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> };

/** One pass of one request kind: where to send it, as whom, and the request each send makes. */
interface Pass {
  base: string;
  token: string;
  name: string;
  kind: HttpRow['kind'];
  options: HttpBenchOptions;
  next: () => RequestSpec;
}

async function load({ base, token, name, kind, options, next }: Pass): Promise<HttpRow> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url: base,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, ...next() }) }],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    samples.push(responseTime);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = (await instance) as { requests: { total: number; average: number }; non2xx: number };
  return {
    name,
    kind,
    requests: result.requests.total,
    non2xx: result.non2xx,
    statuses,
    requestsPerSecond: result.requests.average,
    latencyMs: summarise(samples),
  };
}

/**
 * `ratePerSecond` requests a second for `durationSeconds`, each sent at its own time (start + i / rate), one at a
 * time on one kept-alive connection. A latency runs from that scheduled time to the answer's last byte, so an
 * answer late enough to hold up the next request counts against both (no coordinated omission). autocannon's
 * `overallRate`, used before, was not evenly spaced: it gives each second a budget of requests and sends them
 * back to back (a statement log at 5 a second showed 5 requests within 150 ms, then 850 ms of nothing), so the
 * "paced" passes measured bursts of 20.
 */
async function paced(
  { base, token, name, kind, options, next }: Pass,
  ratePerSecond: number,
): Promise<HttpRow> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (spec: RequestSpec) =>
    new Promise<number>((resolve, reject) => {
      const sent = request(
        new URL(spec.path, base),
        {
          method: spec.method,
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...spec.headers },
        },
        (response) => {
          response.on('error', reject);
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.resume();
        },
      );
      sent.on('error', reject);
      sent.end(spec.body);
    });
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  let non2xx = 0;
  const count = Math.max(1, Math.round(options.durationSeconds * ratePerSecond));
  const interval = 1_000 / ratePerSecond;
  const started = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const status = await send(next()).catch(() => 0);
      samples.push(performance.now() - due);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status >= 300) non2xx++;
    }
  } finally {
    agent.destroy();
  }
  return {
    name,
    kind,
    requests: count,
    non2xx,
    statuses,
    requestsPerSecond: count / ((performance.now() - started) / 1_000),
    latencyMs: summarise(samples),
    ratePerSecond,
  };
}

/** The service a pass runs against: its URL, a token, and the worker process (to wait for it to be idle). */
interface Target {
  base: string;
  token: string;
  workerPid: number | undefined;
}

/** CPU seconds a process has used (user + system, Linux `/proc/<pid>/stat`), NaN when unknown. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Waits (up to 3 minutes) until the worker has projected everything in the log (a read with
 * `X-Min-Log-Position` at `/health`'s head is not stale) and is idle (under 10% of a core over a second), so
 * a pass measures its requests, not the backlog the previous pass left: a saturation pass of commands leaves
 * the worker hundreds of events to project and thousands of notification jobs, on the same two cores.
 */
async function settle({ base, token, workerPid }: Target): Promise<void> {
  const deadline = Date.now() + 180_000;
  const health = (await (await fetch(`${base}/health`)).json()) as {
    info?: { eventStore?: { head?: string | null } };
  };
  const head = health.info?.eventStore?.head;
  while (head && Date.now() < deadline) {
    const response = await fetch(`${base}/api/v1/ects?pageSize=1`, {
      headers: { authorization: `Bearer ${token}`, 'x-min-log-position': head },
    });
    await response.arrayBuffer();
    if (response.ok && response.headers.get('x-read-model-stale') !== 'true') break;
  }
  while (Date.now() < deadline) {
    const before = cpuSeconds(workerPid);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const used = cpuSeconds(workerPid) - before;
    if (!(used >= 0.1)) return; // idle, or not measurable
  }
}

/**
 * Each request kind at its fixed rate (with `ratePerSecond`), then at saturation, each pass once the worker
 * caught up. The paced pass goes first: the saturation pass may use up the progress reviews that are due, and
 * a 409 (already submitted) is not the command being measured.
 */
async function loads(
  target: Target,
  name: string,
  kind: HttpRow['kind'],
  options: HttpBenchOptions,
  next: () => RequestSpec,
): Promise<HttpRow[]> {
  const rows: HttpRow[] = [];
  const pass: Pass = { base: target.base, token: target.token, name, kind, options, next };
  if (options.ratePerSecond) {
    // Warm-up, not recorded: a second at saturation, so the paced pass's few hundred samples measure
    // compiled code paths and warm caches rather than the first requests' JIT.
    await load({ ...pass, options: { ...options, durationSeconds: 1 } });
    await settle(target);
    rows.push(await paced(pass, options.ratePerSecond));
  }
  await settle(target);
  rows.unshift(await load(pass));
  return rows;
}

export async function benchHttp(options: HttpBenchOptions): Promise<HttpResults> {
  const port = await freePort();
  const workerPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const worker = startRole('worker', options.env, workerPort);
  const api = startRole('api', options.env, port);
  try {
    await waitFor(`${base}/health`, 120_000);
    const tokenResponse = await fetch(`${base}/api/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'hub_staff' }),
    });
    if (tokenResponse.status !== 201)
      throw new Error(`dev token: ${tokenResponse.status} ${await tokenResponse.text()}`);
    const { token } = (await tokenResponse.json()) as { token: string };
    const target: Target = { base, token, workerPid: worker.pid };
    const openapi = (await (await fetch(`${base}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const paths = Object.keys(openapi.paths ?? {});

    let trnIndex = options.nextTrnIndex;
    let pick = 0;
    const ectId = () =>
      options.ectIds[(pick = (pick * 1_103_515_245 + 12_345) % 2_147_483_648) % options.ectIds.length]!;
    const rows: HttpRow[] = [];
    const notBuilt: string[] = [];

    rows.push(
      ...(await loads(target, 'POST /ects (register ECT)', 'command', options, () => {
        const trn = options.trnFor(trnIndex++);
        const urn = options.schoolUrns[trnIndex % options.schoolUrns.length]!;
        return {
          method: 'POST',
          path: '/api/v1/ects',
          body: JSON.stringify({
            trn,
            firstName: 'Bench',
            lastName: `Teacher${trn}`,
            dateOfBirth: '1996-05-01',
            email: `bench.${trn}@teacher.example`,
            schoolUrn: urn,
            qtsAwardedOn: '2026-07-01',
            startDate: '2026-09-01',
            fte: 1,
            programme: 'provider-led',
            mentor: { name: 'Bench Mentor', email: `mentor1@school-${urn}.example` },
            inductionTutor: { name: 'Bench Tutor', email: `induction-tutor@school-${urn}.example` },
          }),
        };
      })),
    );

    const reviewPath = paths.find(
      (p) => /\/ects\/\{[^}]+\}\/progress-reviews$/.test(p) && openapi.paths[p]!['post'],
    );
    if (reviewPath) {
      // A fixed term for random ECTs was refused every time (R11: term 1 already reviewed, or not due): each
      // request takes the next review that is really due, so the probe measures accepted commands.
      let nextReview = 0;
      rows.push(
        ...(await loads(target, `POST ${reviewPath.replace('/api/v1', '')}`, 'command', options, () => {
          const due = options.reviewsDue[nextReview++ % Math.max(options.reviewsDue.length, 1)];
          return {
            method: 'POST',
            path: reviewPath.replace(/\{[^}]+\}/, due?.ectId ?? ectId()),
            body: JSON.stringify({
              term: due?.term ?? 1,
              reviewedOn: due?.reviewedOn ?? '2025-12-01',
              onTrack: true,
              strengths: 'Secure subject knowledge',
              areasForDevelopment: 'Questioning',
              // R14: required at every review once a support plan is; accepted when it is not.
              supportPlan: 'Keep to the agreed targets',
            }),
          };
        })),
      );
    } else notBuilt.push('POST /ects/:id/progress-reviews (submit progress review)');

    rows.push(
      ...(await loads(target, 'GET /ects/:id', 'query', options, () => ({
        method: 'GET',
        path: `/api/v1/ects/${ectId()}`,
      }))),
    );
    rows.push(
      ...(await loads(target, 'GET /ects (list, first page)', 'query', options, () => ({
        method: 'GET',
        path: '/api/v1/ects',
      }))),
    );
    const queues = paths.filter((p) => /queue/i.test(p) && !p.includes('{') && openapi.paths[p]!['get']);
    if (queues.length === 0) notBuilt.push('GET queues (decision, overdue reviews…)');
    for (const queue of queues) {
      rows.push(
        ...(await loads(target, `GET ${queue.replace('/api/v1', '')}`, 'query', options, () => ({
          method: 'GET',
          path: queue,
        }))),
      );
    }

    let annualReport: HttpResults['annualReport'] = 'not yet built';
    const reportPath = paths.find((p) => /annual/i.test(p) && openapi.paths[p]!['get']);
    if (reportPath) {
      // `{year}`: the year the report phase simulated (without it the API answers 404 quickly).
      const url = `${base}${reportPath.replace(/\{year\}/, String(REPORT_YEAR))}`;
      // Status 0: no answer within 2 minutes (or the request failed); the run goes on.
      const timed = async (accept: string) => {
        const started = process.hrtime.bigint();
        const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
        try {
          const response = await fetch(url, {
            headers: { authorization: `Bearer ${token}`, accept },
            signal: AbortSignal.timeout(120_000),
          });
          await response.arrayBuffer();
          return { seconds: seconds(), status: response.status };
        } catch {
          return { seconds: seconds(), status: 0 };
        }
      };
      const json = await timed('application/json');
      const pdf = await timed('application/pdf');
      annualReport = { ...json, pdf };
    }

    return {
      rows,
      notBuilt,
      annualReport,
      peakRssMb: { api: peakRssMb(api.pid), worker: peakRssMb(worker.pid) },
    };
  } finally {
    await stop(api);
    await stop(worker);
  }
}
