/** PostgreSQL for the benchmark: started if it is not running (as .ci/run does), a fresh database per run. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test';

const isReady = (url: URL) =>
  spawnSync('pg_isready', ['-h', url.hostname, '-p', url.port || '5432', '-q']).status === 0;

export async function ensurePostgres(serverUrl: string): Promise<void> {
  const url = new URL(serverUrl);
  if (isReady(url)) return;
  const versions = readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b));
  const version = versions.at(-1);
  if (!version) throw new Error('PostgreSQL is not running and no local cluster was found');
  console.log(`Starting PostgreSQL ${version}...`);
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
    stdio: 'inherit',
  });
  for (let i = 0; i < 30; i += 1) {
    if (isReady(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('PostgreSQL did not become ready');
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string, name: string): Promise<BenchDatabase> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A database an earlier run kept (`--keep-database`), used as it is and never dropped. */
export function openBenchDatabase(serverUrl: string, name: string): BenchDatabase {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => Promise.resolve() };
}

/** A SQL string literal (for COMMENT, which takes no parameters). */
export const pgLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The database's COMMENT (where a generating run records its data set), or null. */
export async function databaseComment(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ c: string | null }>(
      'SELECT shobj_description(oid, $1) AS c FROM pg_database WHERE datname = current_database()',
      ['pg_database'],
    );
    return rows[0]?.c ?? null;
  } finally {
    await client.end();
  }
}

export async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
    return rows[0]!.v.split(' on ')[0]!;
  } finally {
    await client.end();
  }
}
