import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, type Principal, type Role } from './principal.js';

export const API_TOKEN_SECRET = Symbol('API_TOKEN_SECRET');

const ISSUER = 'induction-ledger';
const AUDIENCE = 'induction-ledger-api';

/**
 * API tokens are signed JWTs (HS256) that carry the user, role and school scope, so every api instance can
 * check them without shared state. Outside production `POST /api/v1/dev/tokens` issues them.
 */
@Injectable()
export class ApiTokenService {
  private readonly key: Uint8Array;

  constructor(@Inject(API_TOKEN_SECRET) secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(principal: Principal, ttlSeconds = 12 * 3600): Promise<{ token: string; expiresAt: string }> {
    const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = await new SignJWT({
      role: principal.role,
      schools: principal.schoolUrns,
      name: principal.name,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(principal.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /** The principal a token stands for, or null when it is malformed, forged or expired. */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const role = payload['role'];
      const schools = payload['schools'];
      if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role) || !Array.isArray(schools))
        return null;
      return {
        userId: payload.sub,
        role: role as Role,
        schoolUrns: schools.filter((s): s is string => typeof s === 'string'),
        name: typeof payload['name'] === 'string' ? payload['name'] : payload.sub,
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}
