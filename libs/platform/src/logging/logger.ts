/**
 * Structured JSON logs (pino), one line per event, safe to ship anywhere: credentials and personal data are
 * redacted before a line is written.
 *
 * Redacted wherever they appear (any depth): values under keys containing token, secret, password,
 * authorization, cookie, api key, master key or private key; and `personal` inside any `data` (the event
 * convention, docs/conventions.md). In request logs, header values with those names and query values that
 * are secrets or personal (token, code, state, trn, email, name, q...) are redacted from the URL.
 *
 * `createHttpLogger` is the pino-http middleware: request id (X-Request-Id when the caller sent a sane one,
 * else a UUID; echoed on the response), method, url, status and duration. `PinoNestLogger` makes Nest's own
 * messages JSON through the same logger (nestjs-pino needs Node 22, so not used).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

export const LOGGER = Symbol('Logger');
export const REDACTED = '[Redacted]';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Keys whose values never reach a log line. */
export const SECRET_KEY_PATTERN =
  /token|secret|passw(or)?d|authori[sz]ation|cookie|api[-_]?key|master[-_]?key|private[-_]?key|credential/i;

/** Query parameters whose values are secrets or personal data; the URL keeps the name, not the value. */
const SENSITIVE_QUERY_PATTERN =
  /token|secret|passw(or)?d|key|code|state|session|sig|auth|trn|e-?mail|name|dob|birth|phone|^q$|search/i;

const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Cheap pre-check on a finished line: most lines have no such key and are written untouched. */
const SUSPECT_KEY =
  /"[^"]*(?:token|secret|passw(?:or)?d|authori[sz]ation|cookie|api[-_]?key|master[-_]?key|private[-_]?key|credential)[^"]*":|"personal":/i;

/** A copy of parsed JSON with secrets and personal data replaced by `[Redacted]`. */
export function redactDeep(value: unknown, parentKey = '', depth = 0): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, parentKey, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const hidden = SECRET_KEY_PATTERN.test(key) || (key === 'personal' && parentKey === 'data');
    copy[key] = hidden && inner !== null ? REDACTED : redactDeep(inner, key, depth + 1);
  }
  return copy;
}

/**
 * Redacts one finished log line. Working on the line, after pino has merged bindings, serializers and the
 * logged object, is what makes it complete: child bindings (`logger.child({ token })`) never pass through
 * pino's `formatters.log`.
 */
export function redactLine(line: string): string {
  if (!SUSPECT_KEY.test(line)) return line;
  try {
    return JSON.stringify(redactDeep(JSON.parse(line))) + '\n';
  } catch {
    return JSON.stringify({ level: 'error', msg: 'log line withheld: it could not be redacted' }) + '\n';
  }
}

/** The URL with sensitive query values replaced: `/ects?trn=1234567&page=2` → `/ects?trn=[Redacted]&page=2`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: match on the raw name.
      }
      return SENSITIVE_QUERY_PATTERN.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${redacted}`;
}

function redactHeaders(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null) return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, SECRET_KEY_PATTERN.test(name) ? REDACTED : value]),
  );
}

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Fields on every line (default: service name, pid, hostname). */
  base?: Record<string, unknown>;
  /** Where lines go (default: stdout). Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? { service: 'induction-ledger', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redactLine },
      serializers: { err: stdSerializers.err },
    },
    options.destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpLoggerOptions {
  /** Paths not logged when they succeed (load balancer health probes). */
  quietPaths?: readonly string[];
}

type SerializedRequest = { id: unknown; method: string; url: string; headers: unknown };
type SerializedResponse = { statusCode: number; headers: unknown };

/** Express-compatible middleware: `app.use(createHttpLogger(logger))`. Sets `req.log` for handlers. */
export function createHttpLogger(logger: Logger, options: HttpLoggerOptions = {}): HttpLogger {
  const quiet = new Set(options.quietPaths ?? []);
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const sent = req.headers['x-request-id'];
      const id = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (req, res) => `${req.method} ${redactUrl(pathOf(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${redactUrl(pathOf(req))} ${res.statusCode}`,
    autoLogging: {
      ignore: (req) => quiet.has((pathOf(req) ?? '').split('?')[0]),
    },
    serializers: {
      req: (req: SerializedRequest) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        headers: redactHeaders(req.headers),
      }),
      res: (res: SerializedResponse) => ({ statusCode: res.statusCode, headers: redactHeaders(res.headers) }),
    },
  });
}

function pathOf(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
}

/**
 * Nest's `LoggerService` over pino: `app.useLogger(new PinoNestLogger(logger))` (or `bufferLogs: true` and
 * then `useLogger`). Nest passes the context (a class name) last and, for errors, a stack before it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const stack = params.find((p): p is string => typeof p === 'string' && /\n\s+at /.test(p));
    if (stack) fields.stack = stack;
    const rest = params.filter((p) => p !== stack && p !== undefined);
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    if (rest.length > 0) fields.details = rest;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (isPlainObject(message)) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
