import { describe, expect, it } from '@jest/globals';
import { ApiTokenService } from './api-token.service.js';
import type { ApiTokenRevocations } from './token-revocations.js';
import type { Principal } from './principal.js';

const SECRET = 'api-token-service-spec-secret-0123456789';
const TUTOR: Principal = { userId: 'u-1', role: 'induction_tutor', schoolUrns: ['100001'], name: 'T' };

/** Revocations as a set of token ids, counting the checks. */
function revocations(revoked = new Set<string>()) {
  const checks: string[] = [];
  const stub = {
    isRevoked: async (tokenId: string) => {
      checks.push(tokenId);
      return revoked.has(tokenId);
    },
  } as unknown as ApiTokenRevocations;
  return { stub, checks, revoked };
}

describe('ApiTokenService keeps checked tokens (signature checked once per token)', () => {
  it('answers the same principal every time, and still asks about revocation on every use', async () => {
    const r = revocations();
    const tokens = new ApiTokenService(SECRET, r.stub);
    const { token, tokenId } = await tokens.issue(TUTOR);
    const first = await tokens.verify(token);
    expect(first).toEqual(TUTOR);
    expect(await tokens.verify(token)).toEqual(TUTOR);
    expect(await tokens.signedTokenId(token)).toBe(tokenId);
    expect(r.checks).toEqual([tokenId, tokenId]);
    r.revoked.add(tokenId);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('a kept token is refused once it expires', async () => {
    const tokens = new ApiTokenService(SECRET, revocations().stub);
    // Expiry is in whole seconds (exp = the second of issue + ttl), so a 1 s token issued late in a second
    // may be expired within milliseconds (one CI run on a loaded machine): 2 s leaves it at least 1 s.
    const { token } = await tokens.issue(TUTOR, 2);
    expect(await tokens.verify(token)).toEqual(TUTOR);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await tokens.verify(token)).toBeNull();
    expect(await tokens.signedTokenId(token)).toBeNull();
  });

  it('a token with a changed signature or payload is refused even when the genuine one is kept', async () => {
    const tokens = new ApiTokenService(SECRET, revocations().stub);
    const { token } = await tokens.issue(TUTOR);
    expect(await tokens.verify(token)).toEqual(TUTOR);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await tokens.verify(`${header}.${payload}.${flipped}`)).toBeNull();
    const hub = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'hub_staff' }),
    ).toString('base64url');
    expect(await tokens.verify(`${header}.${hub}.${signature}`)).toBeNull();
    // Another service's key never shares what this one checked.
    expect(await new ApiTokenService(`${SECRET}-other`, revocations().stub).verify(token)).toBeNull();
  });
});
