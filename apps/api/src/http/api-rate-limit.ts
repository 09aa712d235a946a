/**
 * The rate limit on `/api/v1` (threat model: "a script or a leaked token floods the API"). Each API token
 * (by its id, once its signature checks) has API_RATE_LIMIT requests per API_RATE_LIMIT_WINDOW_SECONDS; a request
 * without a valid token counts against its client address instead, so forged tokens cannot mint new budgets.
 * Over the limit: 429 with Retry-After. Counts are in Redis when REDIS_URL is set (shared by every api
 * instance), in memory otherwise. If Redis is away, requests pass uncounted (the API stays up; the outage is
 * logged at most once a minute).
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import { ApiTokenService } from '../auth/api-token.service.js';

/**
 * rate-limit-redis loads its Lua scripts once, at start: if Redis was away then, every later count would fail
 * on the rejected load. This store loads them again on the next request instead.
 */
class ReloadingRedisStore extends RedisStore {
  private started: Promise<void> = Promise.resolve();

  constructor(
    options: ConstructorParameters<typeof RedisStore>[0],
    /** Settles once the first connection attempt has (or has not) succeeded. */
    private readonly connected: Promise<void>,
  ) {
    super(options);
  }

  override init(options: Options): Promise<void> {
    // The first requests wait for the scripts rather than pass uncounted while Redis is still connecting.
    this.started = this.connected.then(() => super.init(options)).catch(() => undefined);
    return this.started;
  }

  override async increment(key: string) {
    await this.started;
    try {
      return await super.increment(key);
    } catch (error) {
      this.incrementScriptSha = this.loadIncrementScript();
      this.getScriptSha = this.loadGetScript();
      this.incrementScriptSha.catch(() => undefined);
      this.getScriptSha.catch(() => undefined);
      throw error;
    }
  }
}

@Injectable()
export class ApiRateLimit implements OnApplicationShutdown {
  /** The middleware for `/api/v1`, or a pass-through when API_RATE_LIMIT is 0. */
  readonly middleware: RequestHandler;
  private readonly redis: Redis | null = null;
  private readonly logger = new Logger('ApiRateLimit');
  private lastWarning = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, tokens: ApiTokenService) {
    if (config.apiRateLimit === 0) {
      this.middleware = (_req: Request, _res: Response, next: NextFunction) => next();
      return;
    }
    const windowSeconds = config.apiRateLimitWindowSeconds;
    if (config.redisUrl) {
      // Fail fast while Redis is away (no offline queue, one try): the request then passes uncounted.
      this.redis = new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: true,
      });
      this.redis.on('error', () => undefined);
    }
    const redis = this.redis;
    const connected = redis ? redis.connect().catch(() => undefined) : Promise.resolve();
    this.middleware = rateLimit({
      windowMs: windowSeconds * 1000,
      limit: config.apiRateLimit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      passOnStoreError: true,
      // Only the 429s' Retry-After and the headers are ours; the keys are tokens' ids or addresses.
      validate: { xForwardedForHeader: false },
      ...(redis
        ? {
            store: new ReloadingRedisStore(
              {
                prefix: `${config.jobsPrefix}:ratelimit:`,
                sendCommand: (command: string, ...args: string[]) =>
                  redis.call(command, ...args) as Promise<number | string>,
              },
              connected,
            ),
          }
        : {}),
      keyGenerator: async (req: Request) => {
        const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const tokenId = match ? await tokens.signedTokenId(match[1]!) : null;
        return tokenId ? `token:${tokenId}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
      },
      logger: {
        error: (...args: unknown[]) => this.warn(args),
        warn: (...args: unknown[]) => this.warn(args),
      },
      handler: (_req: Request, res: Response, _next: NextFunction, options: Options) => {
        const reset = (_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const retryAfter = reset
          ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000))
          : windowSeconds;
        res.setHeader('Retry-After', String(retryAfter));
        res.status(options.statusCode).json({
          statusCode: options.statusCode,
          error: 'Too Many Requests',
          message: [
            `At most ${config.apiRateLimit} requests every ${windowSeconds} seconds per API token: try again in ${retryAfter} seconds`,
          ],
        });
      },
    });
  }

  private warn(args: unknown[]): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    const error = args.find((a): a is Error => a instanceof Error);
    this.logger.warn(`API rate limit not counted: ${error?.message ?? 'store unavailable'}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // quit() waits for a connection that may never come back; disconnect() also stops reconnecting.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect(false);
  }
}
