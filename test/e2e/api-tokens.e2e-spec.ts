import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import { runRevokeToken } from '../../apps/cli/src/revoke-token.command.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Threat-model gaps closed (issue 10): API tokens can be revoked by hub staff (one token by its id, or every
 * token of a user), checked on each request; and `/api/v1` is rate-limited per token (per client address
 * without a valid token), 429 with Retry-After, counted in Redis when REDIS_URL is set.
 */
const SCHOOL = { urn: '440001', name: 'Rowan Primary', phase: 'primary', localAuthority: 'York' };
const API_TOKEN_SECRET = 'api-tokens-e2e-secret-0123456789abcdef';

interface Issued {
  token: string;
  tokenId: string;
  userId: string;
  expiresAt: string;
}

async function issue(t: TestLedger, role: string, schoolUrns?: string[]): Promise<Issued> {
  const response = await t.http.post('/api/v1/dev/tokens').send({ role, schoolUrns }).expect(201);
  return response.body as Issued;
}

describe('API token revocation', () => {
  let t: TestLedger;
  let hub: Issued;

  beforeAll(async () => {
    t = await startTestLedger({ env: { API_TOKEN_SECRET } });
    hub = await issue(t, 'hub_staff');
    await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub.token}`).send(SCHOOL).expect(201);
  });
  afterAll(async () => t?.close());

  const get = (token: string) => t.http.get('/api/v1/ects').set('Authorization', `Bearer ${token}`);
  const revoke = (token: string, body: object) =>
    t.http.post('/api/v1/api-tokens/revocations').set('Authorization', `Bearer ${token}`).send(body);

  it('a token is issued with an id; once hub staff revoke it, it is refused on the next request', async () => {
    const tutor = await issue(t, 'induction_tutor', [SCHOOL.urn]);
    const other = await issue(t, 'induction_tutor', [SCHOOL.urn]);
    expect(tutor.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get(tutor.token)).status).toBe(200);

    const revoked = await revoke(hub.token, { tokenId: tutor.tokenId, reason: 'Laptop stolen' });
    expect(revoked.status).toBe(201);
    expect(revoked.body).toMatchObject({
      tokenId: tutor.tokenId,
      userId: null,
      revokedBy: hub.userId,
      reason: 'Laptop stolen',
    });

    const refused = await get(tutor.token);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toEqual(['The API token is invalid, has expired or has been revoked']);
    // Only that token: another one of the same school still works.
    expect((await get(other.token)).status).toBe(200);

    // Revoking it again changes nothing and answers the first record.
    const again = await revoke(hub.token, { tokenId: tutor.tokenId, reason: 'Again' });
    expect([again.status, again.body.id, again.body.reason]).toEqual([200, revoked.body.id, 'Laptop stolen']);
  });

  it('revoking a user refuses every token issued to them until then', async () => {
    const first = await issue(t, 'panel_member');
    // A second token for the same user, signed as the service does (the dev endpoint makes a new user each time).
    const second = await new SignJWT({ role: 'panel_member', schools: [], name: 'P' })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti('7b0f3c1e-2d4a-4e8b-9c6d-5a1b2c3d4e5f')
      .setSubject(first.userId)
      .setIssuer('induction-ledger')
      .setAudience('induction-ledger-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(API_TOKEN_SECRET));
    expect((await get(first.token)).status).toBe(200);
    expect((await get(second)).status).toBe(200);
    const revoked = await revoke(hub.token, { userId: first.userId, reason: 'Left the AB' });
    expect([revoked.status, revoked.body.userId, revoked.body.issuedBefore]).toEqual([
      201,
      first.userId,
      expect.any(String),
    ]);
    expect((await get(first.token)).status).toBe(401);
    expect((await get(second)).status).toBe(401);
  });

  it('operators revoke from the CLI too (`ledger revoke-token`), recorded as the OS user', async () => {
    const tutor = await issue(t, 'induction_tutor', [SCHOOL.urn]);
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    const ds = t.ledger.runtime.dataSource;
    expect(await runRevokeToken(ds, { tokenId: tutor.tokenId }, print)).toBe(2);
    expect(await runRevokeToken(ds, { tokenId: 'nope', reason: 'x' }, print)).toBe(2);
    expect(await runRevokeToken(ds, { reason: 'x' }, print)).toBe(2);
    expect((await get(tutor.token)).status).toBe(200);
    expect(await runRevokeToken(ds, { tokenId: tutor.tokenId, reason: 'Phone lost' }, print)).toBe(0);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^Revoked: token ${tutor.tokenId} \\(revocation [0-9a-f-]{36}\\)\\.$`),
    );
    expect(lines.slice(0, 3)).toEqual([
      '--reason must say why (1-500 characters).',
      '--token-id must be the token id given when it was issued (a UUID).',
      'Give exactly one of --token-id <id> (one token) or --user <userId> (all their tokens).',
    ]);
    expect((await get(tutor.token)).status).toBe(401);
  });

  it('a token without an id (it could never be revoked) is refused', async () => {
    const noId = await new SignJWT({ role: 'hub_staff', schools: [], name: 'H' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer('induction-ledger')
      .setAudience('induction-ledger-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(API_TOKEN_SECRET));
    expect((await get(noId)).status).toBe(401);
  });

  it('only hub staff revoke, with exactly one target and a reason; the list says who, when and why', async () => {
    const tutor = await issue(t, 'induction_tutor', [SCHOOL.urn]);
    expect((await revoke(tutor.token, { tokenId: hub.tokenId, reason: 'x' })).status).toBe(403);
    expect((await get(hub.token)).status).toBe(200);
    for (const [body, message] of [
      [{ reason: 'x' }, 'Give exactly one of tokenId (one token) or userId (all their tokens)'],
      [
        { tokenId: tutor.tokenId, userId: tutor.userId, reason: 'x' },
        'Give exactly one of tokenId (one token) or userId (all their tokens)',
      ],
      [
        { tokenId: 'not-an-id', reason: 'x' },
        'tokenId must be the token id given when it was issued (a UUID)',
      ],
      [{ tokenId: tutor.tokenId }, 'reason must be text'],
    ] as const) {
      const response = await revoke(hub.token, body);
      expect([response.status, response.body.message]).toEqual([400, expect.arrayContaining([message])]);
    }
    expect((await get(tutor.token)).status).toBe(200);

    const list = await t.http
      .get('/api/v1/api-tokens/revocations')
      .set('Authorization', `Bearer ${hub.token}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { reason: string }) => r.reason)).toEqual([
      'Phone lost',
      'Left the AB',
      'Laptop stolen',
    ]);
    expect(list.body.items[0].revokedBy).toMatch(/^cli:/);
    expect(list.body.items[1]).toMatchObject({ revokedBy: hub.userId, revokedAt: expect.any(String) });
    const tutorList = await t.http
      .get('/api/v1/api-tokens/revocations')
      .set('Authorization', `Bearer ${tutor.token}`);
    expect(tutorList.status).toBe(403);
  });
});

describe('API rate limit', () => {
  let t: TestLedger;
  const LIMIT = 5;

  beforeAll(async () => {
    t = await startTestLedger({
      env: { API_RATE_LIMIT: String(LIMIT), API_RATE_LIMIT_WINDOW_SECONDS: '3600' },
    });
  });
  afterAll(async () => t?.close());

  it('each token has its own budget; over it, 429 with Retry-After and a message', async () => {
    // Issuing two tokens: two anonymous requests against this client's address budget.
    const a = await issue(t, 'hub_staff');
    const b = await issue(t, 'hub_staff');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const response = await t.http.get('/api/v1/schools').set('Authorization', `Bearer ${a.token}`);
      statuses.push(response.status);
      expect(response.headers['ratelimit-policy']).toMatch(/; q=5; w=3600;/);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    const limited = await t.http.get('/api/v1/schools').set('Authorization', `Bearer ${a.token}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: [
        expect.stringMatching(
          /^At most 5 requests every 3600 seconds per API token: try again in \d+ seconds$/,
        ),
      ],
    });
    // A write is refused before it runs: nothing written.
    const write = await t.http
      .post('/api/v1/schools')
      .set('Authorization', `Bearer ${a.token}`)
      .send({ urn: '440002', name: 'X', phase: 'primary', localAuthority: 'Y' });
    expect(write.status).toBe(429);
    // Another token still has its budget.
    expect((await t.http.get('/api/v1/schools').set('Authorization', `Bearer ${b.token}`)).status).toBe(200);
  });

  it('requests without a valid token count against the client address: forged tokens buy no budget', async () => {
    // Two requests of this address were spent issuing tokens above.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const response = await t.http.get('/api/v1/ects').set('Authorization', `Bearer forged.${i}.token`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await t.http.post('/api/v1/dev/tokens').send({ role: 'hub_staff' })).status).toBe(429);
  });

  it('pages, health and docs are outside the API limit', async () => {
    expect((await t.http.get('/health')).status).not.toBe(429);
    expect((await t.http.get('/api/docs/openapi.json')).status).toBe(200);
  });

  it('counts in Redis when REDIS_URL is set (shared by every api instance)', async () => {
    if (!t.ledger.runtime.config.redisUrl) {
      process.stdout.write('api-tokens: no REDIS_URL, the rate limit counted in memory\n');
      return;
    }
    const redis = new Redis(t.ledger.runtime.config.redisUrl);
    try {
      const prefix = `${t.ledger.runtime.config.jobsPrefix}:ratelimit:`;
      const keys = (await redis.keys(`${prefix}*`)).sort();
      expect(keys.map((k) => k.slice(prefix.length).replace(/:.*/, ''))).toEqual(['ip', 'token', 'token']);
      // This address: 2 token issues, 5 forged tokens, 1 refused issue.
      expect(await redis.get(`${prefix}ip:127.0.0.1`)).toBe('8');
    } finally {
      redis.disconnect();
    }
  });
});

describe('API rate limit off', () => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await startTestLedger({ env: { API_RATE_LIMIT: '0' } });
  });
  afterAll(async () => t?.close());

  it('API_RATE_LIMIT=0 sends no rate-limit headers and never 429', async () => {
    const response = await t.http.post('/api/v1/dev/tokens').send({ role: 'hub_staff' });
    expect(response.status).toBe(201);
    expect(response.headers['ratelimit-policy']).toBeUndefined();
  });
});
