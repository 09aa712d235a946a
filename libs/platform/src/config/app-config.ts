/**
 * The service's configuration: read from the environment once, at start, and validated so that a bad value
 * stops the process with one line naming the variable, instead of failing later somewhere else.
 * `CONFIG_VARIABLES` is the documented table; the README's "Configuration" section is checked against it.
 */
import 'reflect-metadata';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Expose, plainToInstance } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  Matches,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  type ValidationArguments,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { loadOrCreateDevSecrets, testSecrets, type GeneratedSecretName } from './dev-secrets.js';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type EventStoreAdapter = 'eventstoredb' | 'postgres' | 'pglite';

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  /** Absolute base URL of the service as users reach it, without a trailing slash. */
  readonly publicUrl: string;
  /** Absolute path. Holds the PGlite database (when no DATABASE_URL) and, in development, secrets.json. */
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly databasePoolMax: number;
  readonly redisUrl: string | null;
  /** BullMQ key prefix: lets several ledgers (or test runs) share one Redis without meeting. */
  readonly jobsPrefix: string;
  /** Always in the `esdb://` form that `@eventstore/db-client` 6 parses (a `kurrentdb://` value is rewritten). */
  readonly eventStoreConnectionString: string | null;
  /** Which event store adapter this configuration selects (shared/design/architecture.md). */
  readonly eventStoreAdapter: EventStoreAdapter;
  readonly logLevel: LogLevel;
  /** URNs of the hub's own schools (R21), 6-digit strings. */
  readonly hubSchoolUrns: readonly string[];
  readonly apiTokenSecret: string;
  readonly sessionSecret: string;
  readonly notifyApiKey: string | null;
  /** 32 bytes. Wraps every per-person key in the key vault. */
  readonly piiMasterKey: Buffer;
  readonly projectionPollMs: number;
  /** The worker's projections' idle read while the event store's append notifications flow (PostgreSQL). */
  readonly projectionSafetyPollMs: number;
  /**
   * Rows each projection keeps in memory across a rebuild's pages and writes once (write-behind,
   * rebuild-row-cache.ts); 0 writes every page, as the live runner does. Passed as `rowCacheRows` wherever a
   * rebuild starts (`ledger rebuild`, the worker's catch-up from empty and calendar rebuilds, the rebuild job).
   */
  readonly rebuildRowCacheRows: number;
  readonly readWaitTimeoutMs: number;
  /** Requests one API token (or, without a valid token, one client address) may make to /api/v1 per window; 0: no limit. */
  readonly apiRateLimit: number;
  readonly apiRateLimitWindowSeconds: number;
  /** Most events, over all streams, whose folds the command path keeps between commands; 0 keeps none. */
  readonly commandFoldCacheEvents: number;
  /** OpenID Connect sign-in (DfE Sign-in): null unless OIDC_ISSUER_URL and OIDC_CLIENT_ID are both set. */
  readonly oidc: OidcConfig | null;
  /** Secrets that were not set and were generated (development) or fixed (test): worth a warning at start. */
  readonly generatedSecrets: readonly GeneratedSecretName[];
}

export interface OidcConfig {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  /** Where the provider sends the user back: PUBLIC_URL + /sign-in/callback unless OIDC_REDIRECT_URL says. */
  readonly redirectUrl: string;
}

export const APP_CONFIG = Symbol('AppConfig');

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

/** Every variable the service reads. Keep in step with the README's "Configuration" section (a test checks). */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.freeze([
  { name: 'NODE_ENV', default: 'development', description: 'development, test or production.' },
  { name: 'PORT', default: '3000', description: 'HTTP port (1-65535).' },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description: 'Interface to listen on; the container image sets 0.0.0.0.',
  },
  {
    name: 'PUBLIC_URL',
    default: 'http://HOST:PORT',
    description:
      'Base URL users reach the service at (links in emails, OIDC redirects). localhost when HOST is 0.0.0.0.',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'PGlite database when DATABASE_URL is not set; development secrets (secrets.json).',
  },
  {
    name: 'DATABASE_URL',
    default: '(none: embedded PGlite)',
    description:
      'postgres:// URL for the read models, key vault and (without EVENTSTORE_CONNECTION_STRING) events.',
  },
  { name: 'DATABASE_POOL_MAX', default: '10', description: 'Maximum connections in the PostgreSQL pool.' },
  {
    name: 'REDIS_URL',
    default: '(none: in-process jobs)',
    description: 'redis:// or rediss:// URL for BullMQ queues and sessions.',
  },
  {
    name: 'JOBS_PREFIX',
    default: 'il',
    description: 'Prefix of every BullMQ key in Redis, so several ledgers can share one Redis.',
  },
  {
    name: 'EVENTSTORE_CONNECTION_STRING',
    default: '(none)',
    description: 'esdb:// (or kurrentdb://) connection string: store events in EventStoreDB/KurrentDB.',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent.' },
  {
    name: 'HUB_SCHOOL_URNS',
    default: '(none)',
    description: "Comma-separated 6-digit URNs of the hub's own schools (R21).",
  },
  {
    name: 'API_TOKEN_SECRET',
    default: 'generated in development',
    description: 'Signs API tokens. At least 32 characters; required in production.',
  },
  {
    name: 'SESSION_SECRET',
    default: 'generated in development',
    description: 'Signs session cookies. At least 32 characters; required in production.',
  },
  {
    name: 'NOTIFY_API_KEY',
    default: '(none: notifications are logged)',
    description: 'GOV.UK Notify API key.',
  },
  {
    name: 'PII_MASTER_KEY',
    default: 'generated in development',
    description:
      'Wraps per-person keys (crypto-shredding): 32 bytes as base64 or hex. Required in production.',
  },
  {
    name: 'PROJECTION_POLL_MS',
    default: '100',
    description: 'How often projections poll for new events when the store cannot push them.',
  },
  {
    name: 'PROJECTION_SAFETY_POLL_MS',
    default: '10000',
    description:
      "How often the worker's projections read the log while the event store notifies them of appends (PostgreSQL's LISTEN), in case a notification is lost.",
  },
  {
    name: 'REBUILD_ROW_CACHE_ROWS',
    default: '100000',
    description:
      "Rows each projection keeps in memory across the pages of a rebuild (least recently used written out first), so an ECT read back and rewritten on every page of a log in time order is written once; fewer are kept when Node's heap passes 80% of its limit. 0 writes every page, as the live projections do.",
  },
  {
    name: 'READ_WAIT_TIMEOUT_MS',
    default: '5000',
    description: 'Longest a read waits for projections to reach the position a command wrote.',
  },
  {
    name: 'API_RATE_LIMIT',
    default: '1000',
    description:
      'Requests per window to /api/v1 for one API token (one client address without a valid token); then 429 with Retry-After. 0 turns the limit off.',
  },
  {
    name: 'COMMAND_FOLD_CACHE_EVENTS',
    default: '250000',
    description:
      'Most events, over all streams, whose folded state each process keeps between commands (least recently used go first), so a command reads only the events appended since. 0 keeps none.',
  },
  {
    name: 'API_RATE_LIMIT_WINDOW_SECONDS',
    default: '60',
    description: 'Length of the API rate-limit window. Counts are kept in Redis when REDIS_URL is set.',
  },
  {
    name: 'OIDC_ISSUER_URL',
    default: '(none: developer sign-in only, outside production)',
    description:
      'OpenID Connect issuer for web sign-in, e.g. https://oidc.signin.education.gov.uk (DfE Sign-in).',
  },
  { name: 'OIDC_CLIENT_ID', default: '(none)', description: 'Client id registered with the OIDC issuer.' },
  {
    name: 'OIDC_CLIENT_SECRET',
    default: '(none)',
    description: 'Client secret registered with the OIDC issuer.',
  },
  {
    name: 'OIDC_REDIRECT_URL',
    default: 'PUBLIC_URL/sign-in/callback',
    description: 'Redirect URL registered with the OIDC issuer.',
  },
]);

/** Values never echoed in an error message: a wrong secret is reported by its length only. */
const SECRET_VARIABLES = new Set([
  'API_TOKEN_SECRET',
  'SESSION_SECRET',
  'NOTIFY_API_KEY',
  'PII_MASTER_KEY',
  'OIDC_CLIENT_SECRET',
]);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

function shown(args: ValidationArguments): string {
  const value = String(args.value);
  if (SECRET_VARIABLES.has(args.property)) return `(got ${value.length} characters)`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `(got "${maskUrlPassword(value)}")`;
  return `(got "${value}")`;
}

function must(rule: string): ValidationOptions {
  return { message: (args: ValidationArguments) => `${args.property} ${rule} ${shown(args)}` };
}

function IsIntegerBetween(min: number, max: number): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIntegerBetween',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max,
      },
    },
    must(`must be an integer between ${min} and ${max}`),
  );
}

function IsUrlWithScheme(schemes: readonly string[], rule: string): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUrlWithScheme',
      constraints: [schemes],
      validator: { validate: (value: unknown) => typeof value === 'string' && urlScheme(value, schemes) },
    },
    must(rule),
  );
}

function urlScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    // postgres:///db?host=/run/postgresql names a Unix socket: no host part.
    const hostless = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    return schemes.includes(url.protocol.slice(0, -1)) && (url.hostname !== '' || hostless);
  } catch {
    return false;
  }
}

/** Not a WHATWG URL: a cluster string lists several hosts (`esdb://a:2113,b:2113,c:2113?tls=false`). */
function IsEventStoreConnectionString(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventStoreConnectionString',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^(esdb|kurrentdb)(\+discover)?:\/\/([^@/?#\s]+@)?[^@/?#\s,]+(,[^@/?#\s,]+)*\/?(\?\S*)?$/i.test(
            value,
          ),
      },
    },
    must('must be an esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover:// connection string'),
  );
}

function IsHost(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHost',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          (isIP(value) !== 0 ||
            /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(
              value,
            )),
      },
    },
    must('must be an IP address or a host name'),
  );
}

function IsUrnList(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUrnList',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d{6}(\s*,\s*\d{6})*\s*,?$/.test(value.trim()),
      },
    },
    must('must be a comma-separated list of 6-digit school URNs'),
  );
}

function IsKey32(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKey32',
      validator: { validate: (value: unknown) => typeof value === 'string' && decodeKey32(value) !== null },
    },
    must('must be 32 bytes as base64 (44 characters) or hex (64 characters)'),
  );
}

function requiredInProduction(name: string): PropertyDecorator[] {
  return [
    ValidateIf(
      (env: RawEnvironment) =>
        env.NODE_ENV === 'production' || env[name as keyof RawEnvironment] !== undefined,
    ),
    IsDefined({ message: `${name} is required when NODE_ENV=production` }),
  ];
}

function apply(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorator) => decorator(target, key));
}

/** The variables as the environment gives them: strings, or undefined when unset or empty. */
class RawEnvironment {
  @Expose() @IsIn(NODE_ENVS, must(`must be one of ${NODE_ENVS.join(', ')}`)) NODE_ENV: string = 'development';
  @Expose() @ValidateIf(isSet('PORT')) @IsIntegerBetween(1, 65535) PORT?: string;
  @Expose() @ValidateIf(isSet('HOST')) @IsHost() HOST?: string;
  @Expose()
  @ValidateIf(isSet('PUBLIC_URL'))
  @IsUrlWithScheme(['http', 'https'], 'must be an absolute http:// or https:// URL')
  PUBLIC_URL?: string;
  @Expose() DATA_DIR?: string;
  @Expose()
  @ValidateIf(isSet('DATABASE_URL'))
  @IsUrlWithScheme(['postgres', 'postgresql'], 'must be a postgres:// URL')
  DATABASE_URL?: string;
  @Expose() @ValidateIf(isSet('DATABASE_POOL_MAX')) @IsIntegerBetween(1, 1000) DATABASE_POOL_MAX?: string;
  @Expose()
  @ValidateIf(isSet('REDIS_URL'))
  @IsUrlWithScheme(['redis', 'rediss'], 'must be a redis:// or rediss:// URL')
  REDIS_URL?: string;
  @Expose()
  @ValidateIf(isSet('JOBS_PREFIX'))
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, must('must be 1-40 letters, digits, - or _'))
  JOBS_PREFIX?: string;
  @Expose()
  @ValidateIf(isSet('EVENTSTORE_CONNECTION_STRING'))
  @IsEventStoreConnectionString()
  EVENTSTORE_CONNECTION_STRING?: string;
  @Expose()
  @ValidateIf(isSet('LOG_LEVEL'))
  @IsIn(LOG_LEVELS, must(`must be one of ${LOG_LEVELS.join(', ')}`))
  LOG_LEVEL?: string;
  @Expose() @ValidateIf(isSet('HUB_SCHOOL_URNS')) @IsUrnList() HUB_SCHOOL_URNS?: string;
  @Expose()
  @apply(...requiredInProduction('API_TOKEN_SECRET'))
  @MinLength(32, must('must be at least 32 characters'))
  API_TOKEN_SECRET?: string;
  @Expose()
  @apply(...requiredInProduction('SESSION_SECRET'))
  @MinLength(32, must('must be at least 32 characters'))
  SESSION_SECRET?: string;
  @Expose() NOTIFY_API_KEY?: string;
  @Expose() @apply(...requiredInProduction('PII_MASTER_KEY')) @IsKey32() PII_MASTER_KEY?: string;
  @Expose() @ValidateIf(isSet('PROJECTION_POLL_MS')) @IsIntegerBetween(1, 60_000) PROJECTION_POLL_MS?: string;
  @Expose()
  @ValidateIf(isSet('PROJECTION_SAFETY_POLL_MS'))
  @IsIntegerBetween(1, 3_600_000)
  PROJECTION_SAFETY_POLL_MS?: string;
  @Expose()
  @ValidateIf(isSet('REBUILD_ROW_CACHE_ROWS'))
  @IsIntegerBetween(0, 10_000_000)
  REBUILD_ROW_CACHE_ROWS?: string;
  @Expose()
  @ValidateIf(isSet('READ_WAIT_TIMEOUT_MS'))
  @IsIntegerBetween(0, 120_000)
  READ_WAIT_TIMEOUT_MS?: string;
  @Expose() @ValidateIf(isSet('API_RATE_LIMIT')) @IsIntegerBetween(0, 100_000_000) API_RATE_LIMIT?: string;
  @Expose()
  @ValidateIf(isSet('API_RATE_LIMIT_WINDOW_SECONDS'))
  @IsIntegerBetween(1, 86_400)
  API_RATE_LIMIT_WINDOW_SECONDS?: string;
  @Expose()
  @ValidateIf(isSet('COMMAND_FOLD_CACHE_EVENTS'))
  @IsIntegerBetween(0, 100_000_000)
  COMMAND_FOLD_CACHE_EVENTS?: string;
  @Expose()
  @ValidateIf(isSet('OIDC_ISSUER_URL'))
  @IsUrlWithScheme(['https', 'http'], 'must be an absolute https:// URL')
  OIDC_ISSUER_URL?: string;
  @Expose()
  @ValidateIf((env: RawEnvironment) => env.OIDC_ISSUER_URL !== undefined)
  @IsDefined({ message: 'OIDC_CLIENT_ID is required when OIDC_ISSUER_URL is set' })
  OIDC_CLIENT_ID?: string;
  @Expose() OIDC_CLIENT_SECRET?: string;
  @Expose()
  @ValidateIf(isSet('OIDC_REDIRECT_URL'))
  @IsUrlWithScheme(['https', 'http'], 'must be an absolute http:// or https:// URL')
  OIDC_REDIRECT_URL?: string;
}

function isSet(name: keyof RawEnvironment) {
  return (env: RawEnvironment) => env[name] !== undefined;
}

/** base64 (standard or url-safe) or hex for exactly 32 bytes; null otherwise. */
export function decodeKey32(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages and start-up logs. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function problemsOf(errors: ValidationError[]): string[] {
  const byName = new Map(errors.map((error) => [error.property, error]));
  return CONFIG_VARIABLES.flatMap(({ name }) => {
    const constraints = byName.get(name)?.constraints;
    if (!constraints) return [];
    return [constraints.isDefined ?? Object.values(constraints)[0]];
  });
}

/** `kurrentdb://` is the new name of `esdb://`; `@eventstore/db-client` 6 only parses the old one. */
function toEsdbScheme(connectionString: string): string {
  return connectionString.replace(/^kurrentdb(\+discover)?:\/\//i, (_m, discover: string | undefined) =>
    discover ? 'esdb+discover://' : 'esdb://',
  );
}

function devSecrets(dataDir: string) {
  try {
    return loadOrCreateDevSecrets(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      code
        ? `DATA_DIR must be a writable directory to keep development secrets (${code} on "${dataDir}")`
        : `DATA_DIR has an unusable development secrets file: ${(error as Error).message}`,
    ]);
  }
}

function defaultPublicUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Reads and validates the configuration. Throws `ConfigError` (one line naming each bad variable).
 * Empty values count as unset, so `FOO=` in an env file means "use the default".
 * In development, missing secrets are generated once into `<DATA_DIR>/secrets.json` (see dev-secrets.ts).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const plain = Object.fromEntries(
    CONFIG_VARIABLES.map(({ name }) => [name, env[name]?.trim() ? env[name]!.trim() : undefined]),
  );
  const raw = plainToInstance(RawEnvironment, plain, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
  });
  const problems = problemsOf(validateSync(raw, { stopAtFirstError: true }));
  if (problems.length > 0) throw new ConfigError(problems);

  const nodeEnv = raw.NODE_ENV as NodeEnv;
  const port = Number(raw.PORT ?? 3000);
  const host = raw.HOST ?? '127.0.0.1';
  const dataDir = resolve(raw.DATA_DIR ?? './data');
  const databaseUrl = raw.DATABASE_URL ?? null;
  const eventStoreConnectionString = raw.EVENTSTORE_CONNECTION_STRING
    ? toEsdbScheme(raw.EVENTSTORE_CONNECTION_STRING)
    : null;

  const missing = (['API_TOKEN_SECRET', 'SESSION_SECRET', 'PII_MASTER_KEY'] as const).filter(
    (name) => raw[name] === undefined,
  );
  const generated = missing.length === 0 ? null : nodeEnv === 'test' ? testSecrets() : devSecrets(dataDir);
  const secret = (name: GeneratedSecretName): string => raw[name] ?? generated![name];

  return Object.freeze({
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port,
    host,
    publicUrl: (raw.PUBLIC_URL ?? defaultPublicUrl(host, port)).replace(/\/+$/, ''),
    dataDir,
    databaseUrl,
    databasePoolMax: Number(raw.DATABASE_POOL_MAX ?? 10),
    redisUrl: raw.REDIS_URL ?? null,
    jobsPrefix: raw.JOBS_PREFIX ?? 'il',
    eventStoreConnectionString,
    eventStoreAdapter: eventStoreConnectionString ? 'eventstoredb' : databaseUrl ? 'postgres' : 'pglite',
    logLevel: (raw.LOG_LEVEL ?? 'info') as LogLevel,
    hubSchoolUrns: Object.freeze([
      ...new Set(
        (raw.HUB_SCHOOL_URNS ?? '')
          .split(',')
          .map((urn) => urn.trim())
          .filter(Boolean),
      ),
    ]),
    apiTokenSecret: secret('API_TOKEN_SECRET'),
    sessionSecret: secret('SESSION_SECRET'),
    notifyApiKey: raw.NOTIFY_API_KEY ?? null,
    piiMasterKey: decodeKey32(secret('PII_MASTER_KEY'))!,
    projectionPollMs: Number(raw.PROJECTION_POLL_MS ?? 100),
    projectionSafetyPollMs: Number(raw.PROJECTION_SAFETY_POLL_MS ?? 10_000),
    // DEFAULT_REBUILD_ROW_CACHE_ROWS in projection-rebuild.ts (app-config.spec.ts checks they agree).
    rebuildRowCacheRows: Number(raw.REBUILD_ROW_CACHE_ROWS ?? 100_000),
    readWaitTimeoutMs: Number(raw.READ_WAIT_TIMEOUT_MS ?? 5000),
    apiRateLimit: Number(raw.API_RATE_LIMIT ?? 1000),
    apiRateLimitWindowSeconds: Number(raw.API_RATE_LIMIT_WINDOW_SECONDS ?? 60),
    commandFoldCacheEvents: Number(raw.COMMAND_FOLD_CACHE_EVENTS ?? 250_000),
    oidc:
      raw.OIDC_ISSUER_URL && raw.OIDC_CLIENT_ID
        ? Object.freeze({
            issuerUrl: raw.OIDC_ISSUER_URL,
            clientId: raw.OIDC_CLIENT_ID,
            clientSecret: raw.OIDC_CLIENT_SECRET ?? null,
            redirectUrl:
              raw.OIDC_REDIRECT_URL ??
              `${(raw.PUBLIC_URL ?? defaultPublicUrl(host, port)).replace(/\/+$/, '')}/sign-in/callback`,
          })
        : null,
    generatedSecrets: Object.freeze(missing),
  } satisfies AppConfig);
}

/** What is safe to log at start: no secrets, no passwords in URLs. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    nodeEnv: config.nodeEnv,
    port: config.port,
    host: config.host,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl && maskUrlPassword(config.databaseUrl),
    databasePoolMax: config.databasePoolMax,
    redisUrl: config.redisUrl && maskUrlPassword(config.redisUrl),
    eventStoreConnectionString:
      config.eventStoreConnectionString && maskUrlPassword(config.eventStoreConnectionString),
    eventStoreAdapter: config.eventStoreAdapter,
    logLevel: config.logLevel,
    hubSchoolUrns: config.hubSchoolUrns,
    notifyConfigured: config.notifyApiKey !== null,
    projectionPollMs: config.projectionPollMs,
    projectionSafetyPollMs: config.projectionSafetyPollMs,
    rebuildRowCacheRows: config.rebuildRowCacheRows,
    readWaitTimeoutMs: config.readWaitTimeoutMs,
    apiRateLimit: config.apiRateLimit,
    apiRateLimitWindowSeconds: config.apiRateLimitWindowSeconds,
    commandFoldCacheEvents: config.commandFoldCacheEvents,
    oidcIssuerUrl: config.oidc?.issuerUrl ?? null,
    generatedSecrets: config.generatedSecrets,
  };
}
