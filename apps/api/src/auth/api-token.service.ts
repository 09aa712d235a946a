import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { LruCache } from '#platform/personal-data/lru-cache.js';
import { ROLES, type Principal, type Role } from './principal.js';
import { ApiTokenRevocations } from './token-revocations.js';

export const API_TOKEN_SECRET = Symbol('API_TOKEN_SECRET');

const ISSUER = 'induction-ledger';
const AUDIENCE = 'induction-ledger-api';

export interface IssuedApiToken {
  token: string;
  /** The token's id (`jti`): what `POST /api/v1/api-tokens/revocations` takes to revoke it. */
  tokenId: string;
  userId: string;
  expiresAt: string;
}

/**
 * API tokens are signed JWTs (HS256) that carry the user, role and school scope, so every api instance can
 * check them without shared state; each has an id (`jti`) that hub staff can revoke, checked against the
 * `api_token_revocations` table on every request (answers kept until a revocation is NOTIFYed: token-revocations.ts). Outside production `POST /api/v1/dev/tokens` issues them.
 */
@Injectable()
export class ApiTokenService {
  private readonly key: Uint8Array;
  /**
   * Payloads whose signature and claims have been checked, by the whole token (signature included), so a
   * token is checked by jose once and not on every request (WebCrypto HMAC was ≈10% of the api's CPU under
   * load). Its expiry is checked again on every use; only valid tokens are kept.
   */
  private readonly verified = new LruCache<string, JWTPayload>(10_000, 60_000);

  constructor(
    @Inject(API_TOKEN_SECRET) secret: string,
    private readonly revocations: ApiTokenRevocations,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(principal: Principal, ttlSeconds = 12 * 3600): Promise<IssuedApiToken> {
    const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
    const tokenId = randomUUID();
    const token = await new SignJWT({
      role: principal.role,
      schools: principal.schoolUrns,
      name: principal.name,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(tokenId)
      .setSubject(principal.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, tokenId, userId: principal.userId, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /**
   * The token's id when it is well-formed, signed with our key and unexpired (no revocation check, no
   * database): the rate limiter counts requests per token with it.
   */
  async signedTokenId(token: string): Promise<string | null> {
    const payload = await this.signedPayload(token);
    return typeof payload?.jti === 'string' ? payload.jti : null;
  }

  /** The principal a token stands for, or null when it is malformed, forged, expired or revoked. */
  async verify(token: string): Promise<Principal | null> {
    const payload = await this.signedPayload(token);
    if (!payload) return null;
    const role = payload['role'];
    const schools = payload['schools'];
    if (
      typeof payload.sub !== 'string' ||
      // A token without an id could never be revoked: refused.
      typeof payload.jti !== 'string' ||
      typeof payload.iat !== 'number' ||
      !ROLES.includes(role as Role) ||
      !Array.isArray(schools)
    )
      return null;
    if (await this.revocations.isRevoked(payload.jti, payload.sub, payload.iat)) return null;
    return {
      userId: payload.sub,
      role: role as Role,
      schoolUrns: schools.filter((s): s is string => typeof s === 'string'),
      name: typeof payload['name'] === 'string' ? payload['name'] : payload.sub,
    };
  }

  private async signedPayload(token: string): Promise<JWTPayload | null> {
    const kept = this.verified.get(token);
    if (kept) {
      // As jose decides: expired once `exp` is at or before now, in whole seconds.
      if (kept.exp === undefined || kept.exp > Math.floor(Date.now() / 1000)) return kept;
      this.verified.delete(token);
      return null;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      this.verified.set(token, payload);
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}
