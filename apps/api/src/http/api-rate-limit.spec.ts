import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { createServer } from 'node:net';
import request from 'supertest';
import { loadConfig } from '#platform/config/app-config.js';
import type { ApiTokenService } from '../auth/api-token.service.js';
import { ApiRateLimit } from './api-rate-limit.js';

/** A port where nothing listens: Redis "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const noTokens = { signedTokenId: async () => null } as unknown as ApiTokenService;

function appWith(limit: ApiRateLimit) {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use('/api/v1', limit.middleware);
  app.get('/api/v1/ping', (_req, res) => res.json({ ok: true }));
  return app;
}

describe('ApiRateLimit', () => {
  it('counts in memory without Redis: over the limit, 429 with Retry-After', async () => {
    const config = loadConfig({ NODE_ENV: 'test', API_RATE_LIMIT: '2', API_RATE_LIMIT_WINDOW_SECONDS: '30' });
    const limit = new ApiRateLimit(config, noTokens);
    const app = appWith(limit);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(app).get('/api/v1/ping')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await request(app).get('/api/v1/ping');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(30);
    await limit.onApplicationShutdown();
  });

  it('lets requests through uncounted while Redis is unreachable (the API stays up)', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      API_RATE_LIMIT: '2',
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    const limit = new ApiRateLimit(config, noTokens);
    const app = appWith(limit);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app).get('/api/v1/ping')).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    await limit.onApplicationShutdown();
  });

  it('API_RATE_LIMIT=0 is no limit at all', async () => {
    const limit = new ApiRateLimit(loadConfig({ NODE_ENV: 'test', API_RATE_LIMIT: '0' }), noTokens);
    const response = await request(appWith(limit)).get('/api/v1/ping');
    expect([response.status, response.headers['ratelimit']]).toEqual([200, undefined]);
  });
});
