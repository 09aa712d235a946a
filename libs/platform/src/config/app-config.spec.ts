import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REBUILD_ROW_CACHE_ROWS } from '#read-models/runner/projection-rebuild.js';
import { CONFIG_VARIABLES, ConfigError, describeConfig, loadConfig } from './app-config.js';

const KEY_HEX = 'ab'.repeat(32);
const production = {
  NODE_ENV: 'production',
  API_TOKEN_SECRET: 'a'.repeat(32),
  SESSION_SECRET: 'b'.repeat(32),
  PII_MASTER_KEY: KEY_HEX,
};

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('has defaults for everything outside production', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config).toMatchObject({
      nodeEnv: 'test',
      isProduction: false,
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3000',
      databaseUrl: null,
      databasePoolMax: 10,
      redisUrl: null,
      eventStoreConnectionString: null,
      eventStoreAdapter: 'pglite',
      logLevel: 'info',
      hubSchoolUrns: [],
      notifyApiKey: null,
      projectionPollMs: 100,
      projectionSafetyPollMs: 10_000,
      rebuildRowCacheRows: DEFAULT_REBUILD_ROW_CACHE_ROWS,
      readWaitTimeoutMs: 5000,
      apiRateLimit: 1000,
      apiRateLimitWindowSeconds: 60,
      commandFoldCacheEvents: 250_000,
    });
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
    expect(config.piiMasterKey).toHaveLength(32);
    expect(config.generatedSecrets).toEqual(['API_TOKEN_SECRET', 'SESSION_SECRET', 'PII_MASTER_KEY']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults NODE_ENV to development', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      expect(loadConfig({ DATA_DIR: dir }).nodeEnv).toBe('development');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('test secrets are the same on every run, so a test database stays readable', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).piiMasterKey).toEqual(
      loadConfig({ NODE_ENV: 'test' }).piiMasterKey,
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...production,
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/ledger',
      DATABASE_URL: 'postgres://ledger:pw@postgres:5432/ledger',
      DATABASE_POOL_MAX: '20',
      REDIS_URL: 'redis://redis:6379',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
      LOG_LEVEL: 'debug',
      HUB_SCHOOL_URNS: '100000, 123456,123456',
      NOTIFY_API_KEY: 'notify-key',
      PROJECTION_POLL_MS: '250',
      PROJECTION_SAFETY_POLL_MS: '30000',
      REBUILD_ROW_CACHE_ROWS: '0',
      READ_WAIT_TIMEOUT_MS: '0',
      API_RATE_LIMIT: '0',
      API_RATE_LIMIT_WINDOW_SECONDS: '900',
      COMMAND_FOLD_CACHE_EVENTS: '0',
    });
    expect(config).toMatchObject({
      isProduction: true,
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:8080',
      dataDir: '/var/lib/ledger',
      databasePoolMax: 20,
      eventStoreAdapter: 'eventstoredb',
      logLevel: 'debug',
      hubSchoolUrns: ['100000', '123456'],
      notifyApiKey: 'notify-key',
      projectionPollMs: 250,
      projectionSafetyPollMs: 30_000,
      rebuildRowCacheRows: 0,
      readWaitTimeoutMs: 0,
      apiRateLimit: 0,
      apiRateLimitWindowSeconds: 900,
      commandFoldCacheEvents: 0,
      generatedSecrets: [],
      apiTokenSecret: 'a'.repeat(32),
    });
    expect(config.piiMasterKey.equals(Buffer.from(KEY_HEX, 'hex'))).toBe(true);
  });

  it('chooses the event store adapter as the architecture says', () => {
    expect(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' })
        .eventStoreAdapter,
    ).toBe('postgres');
  });

  it('rewrites kurrentdb:// to the esdb:// form that @eventstore/db-client 6 parses', () => {
    expect(
      loadConfig({ NODE_ENV: 'test', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://eventstore:2113?tls=false' })
        .eventStoreConnectionString,
    ).toBe('esdb://eventstore:2113?tls=false');
    expect(
      loadConfig({
        NODE_ENV: 'test',
        EVENTSTORE_CONNECTION_STRING: 'kurrentdb+discover://a:2113,b:2113,c:2113',
      }).eventStoreConnectionString,
    ).toBe('esdb+discover://a:2113,b:2113,c:2113');
  });

  it('accepts a PUBLIC_URL and drops its trailing slash', () => {
    expect(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://induction.example.org/' }).publicUrl).toBe(
      'https://induction.example.org',
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ NODE_ENV: 'test', PORT: '', REDIS_URL: '  ' })).toMatchObject({
      port: 3000,
      redisUrl: null,
    });
  });

  it('accepts a base64 master key', () => {
    const key = Buffer.alloc(32, 7);
    expect(
      loadConfig({ ...production, PII_MASTER_KEY: key.toString('base64') }).piiMasterKey.equals(key),
    ).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be an integer between 1 and 65535 (got "70000")'],
    [
      { NODE_ENV: 'staging' },
      'Invalid configuration: NODE_ENV must be one of development, test, production (got "staging")',
    ],
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL must be a postgres:// URL (got "mysql://x@y/z")'],
    [
      { DATABASE_URL: 'http://u:hunter2@y/z' },
      'DATABASE_URL must be a postgres:// URL (got "http://u:***@y/z")',
    ],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL (got "localhost:6379")'],
    [{ EVENTSTORE_CONNECTION_STRING: 'tcp://x:1113' }, 'EVENTSTORE_CONNECTION_STRING must be an esdb://'],
    [
      { HUB_SCHOOL_URNS: '12345,123456' },
      'HUB_SCHOOL_URNS must be a comma-separated list of 6-digit school URNs (got "12345,123456")',
    ],
    [{ PUBLIC_URL: 'induction.example.org' }, 'PUBLIC_URL must be an absolute http:// or https:// URL'],
    [{ HOST: 'not a host' }, 'HOST must be an IP address or a host name (got "not a host")'],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX must be an integer between 1 and 1000 (got "0")'],
    [
      { READ_WAIT_TIMEOUT_MS: '-1' },
      'READ_WAIT_TIMEOUT_MS must be an integer between 0 and 120000 (got "-1")',
    ],
    [
      { PROJECTION_SAFETY_POLL_MS: '0' },
      'PROJECTION_SAFETY_POLL_MS must be an integer between 1 and 3600000 (got "0")',
    ],
    [
      { REBUILD_ROW_CACHE_ROWS: '-1' },
      'REBUILD_ROW_CACHE_ROWS must be an integer between 0 and 10000000 (got "-1")',
    ],
    [{ API_RATE_LIMIT: 'lots' }, 'API_RATE_LIMIT must be an integer between 0 and 100000000 (got "lots")'],
    [
      { COMMAND_FOLD_CACHE_EVENTS: '-1' },
      'COMMAND_FOLD_CACHE_EVENTS must be an integer between 0 and 100000000 (got "-1")',
    ],
    [
      { API_RATE_LIMIT_WINDOW_SECONDS: '0' },
      'API_RATE_LIMIT_WINDOW_SECONDS must be an integer between 1 and 86400 (got "0")',
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const error = errorOf(env as Record<string, string>);
    expect(error).toContain(message);
    expect(error).not.toContain('\n');
  });

  it('lists every bad variable, in table order, on one line', () => {
    expect(errorOf({ LOG_LEVEL: 'loud', PORT: 'x' })).toBe(
      'Invalid configuration: PORT must be an integer between 1 and 65535 (got "x"); ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
  });

  it('requires the secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'Invalid configuration: API_TOKEN_SECRET is required when NODE_ENV=production; ' +
        'SESSION_SECRET is required when NODE_ENV=production; PII_MASTER_KEY is required when NODE_ENV=production',
    );
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'short-secret' })).toThrow(
      'Invalid configuration: SESSION_SECRET must be at least 32 characters (got 12 characters)',
    );
    const message = errorOf({ PII_MASTER_KEY: 'c2VjcmV0' });
    expect(message).toBe(
      'Invalid configuration: PII_MASTER_KEY must be 32 bytes as base64 (44 characters) or hex (64 characters) (got 8 characters)',
    );
  });

  it('describeConfig shows no secrets', () => {
    const summary = JSON.stringify(
      describeConfig(
        loadConfig({
          ...production,
          DATABASE_URL: 'postgres://ledger:hunter2@db/ledger',
          NOTIFY_API_KEY: 'k-123',
        }),
      ),
    );
    expect(summary).toContain('postgres://ledger:***@db/ledger');
    expect(summary).not.toMatch(/hunter2|k-123|aaaa|bbbb|abab/);
  });

  it('documents every variable it reads', () => {
    expect(new Set(CONFIG_VARIABLES.map((v) => v.name)).size).toBe(CONFIG_VARIABLES.length);
    for (const variable of CONFIG_VARIABLES) {
      expect(variable.description.length).toBeGreaterThan(0);
      expect(variable.default.length).toBeGreaterThan(0);
    }
  });
});

describe('development secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated once under DATA_DIR and survive a restart', () => {
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: join(dir, 'data') });
    const second = loadConfig({ NODE_ENV: 'development', DATA_DIR: join(dir, 'data') });
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.piiMasterKey.equals(first.piiMasterKey)).toBe(true);
    expect(first.apiTokenSecret.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, 'data', 'secrets.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('PII_MASTER_KEY');
  });

  it('a variable that is set wins over the generated file', () => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir, SESSION_SECRET: 's'.repeat(40) });
    expect(config.sessionSecret).toBe('s'.repeat(40));
    expect(config.generatedSecrets).toEqual(['API_TOKEN_SECRET', 'PII_MASTER_KEY']);
  });
});

describe('development secrets that cannot be kept', () => {
  it('name DATA_DIR on one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    try {
      writeFileSync(join(dir, 'not-a-dir'), '');
      expect(() => loadConfig({ NODE_ENV: 'development', DATA_DIR: join(dir, 'not-a-dir') })).toThrow(
        /^Invalid configuration: DATA_DIR must be a writable directory to keep development secrets \(ENOTDIR on ".*not-a-dir"\)$/,
      );
      writeFileSync(join(dir, 'secrets.json'), '{"API_TOKEN_SECRET":"x"}');
      expect(() => loadConfig({ NODE_ENV: 'development', DATA_DIR: dir })).toThrow(
        /^Invalid configuration: DATA_DIR has an unusable development secrets file: .*secrets.json is not a complete secrets file \(delete it to regenerate\)$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
