import { randomUUID } from 'node:crypto';
import type { OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { EntitySchema, type DataSource } from 'typeorm';
import { LruCache } from '#platform/personal-data/lru-cache.js';
import { PgChannelListener } from '#event-store/postgres/pg-channel-listener.js';

/** One revocation: a single token (by its id, the JWT's `jti`) or every token a user was issued until then. */
export interface ApiTokenRevocation {
  id: string;
  tokenId: string | null;
  userId: string | null;
  /** For a user revocation: tokens issued at or before this instant are refused. */
  issuedBefore: Date | null;
  revokedAt: Date;
  /** Who revoked it (the hub staff member's user id): the audit trail of revocations is this table. */
  revokedBy: string;
  reason: string;
}

/** Revoked API tokens, checked on every bearer request (a platform table, not a projection). */
export const ApiTokenRevocationEntity = new EntitySchema<ApiTokenRevocation>({
  name: 'ApiTokenRevocation',
  tableName: 'api_token_revocations',
  columns: {
    id: { type: 'uuid', primary: true },
    tokenId: { name: 'token_id', type: 'text', nullable: true, unique: true },
    userId: { name: 'user_id', type: 'text', nullable: true },
    issuedBefore: { name: 'issued_before', type: 'timestamptz', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz' },
    revokedBy: { name: 'revoked_by', type: 'text' },
    reason: { type: 'text' },
  },
  indices: [{ name: 'api_token_revocations_user_id', columns: ['userId'] }],
});

export type RevocationTarget = { tokenId: string } | { userId: string };

const COLUMNS = `id, token_id AS "tokenId", user_id AS "userId", issued_before AS "issuedBefore",
  revoked_at AS "revokedAt", revoked_by AS "revokedBy", reason`;

/** Every revocation NOTIFYs this channel when it commits (in the same statement as its insert). */
export const REVOCATIONS_CHANNEL = 'api_token_revocations';

/** Bumped by every revocation this process writes, through any instance (the CLI's included). */
let revokedInThisProcess = 0;

export interface RevocationCacheOptions {
  /** Where to LISTEN for revocations (the runtime pool's connection options). */
  listen: pg.ClientConfig;
  /** How long one answer is trusted even while listening (default 10 s). */
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * Answers for `isRevoked` are kept per token only while a LISTEN connection on REVOCATIONS_CHANNEL is up:
 * any notification, (re)connection or drop moves `epoch` on and so invalidates every kept answer, and
 * without the connection every check goes to the table, as before.
 */
class RevocationListener extends PgChannelListener {
  epoch = 0;

  constructor(connection: pg.ClientConfig) {
    super(connection, REVOCATIONS_CHANNEL, () => this.epoch++);
  }
}

export class ApiTokenRevocations implements OnApplicationShutdown {
  private readonly listener: RevocationListener | undefined;
  private readonly answers: LruCache<string, { revoked: boolean; epoch: number }> | undefined;

  /**
   * Without `cache` (the CLI) every check reads the table. With it (the api), a token's answer is reused
   * until a revocation is written anywhere: this process's own at once, another process's as soon as its
   * NOTIFY arrives; and never while the LISTEN connection is down.
   */
  constructor(
    private readonly dataSource: DataSource,
    cache?: RevocationCacheOptions,
  ) {
    if (cache) {
      this.listener = new RevocationListener(cache.listen);
      this.answers = new LruCache(cache.maxEntries ?? 10_000, cache.ttlMs ?? 10_000);
      this.listener.ready();
    }
  }

  /** Whether answers can be kept now (the LISTEN connection is up); for diagnostics. */
  listening(): boolean {
    return this.listener?.ready() ?? false;
  }

  private epoch(): number {
    return (this.listener?.epoch ?? 0) + revokedInThisProcess;
  }

  /** True when this token (id `tokenId`, issued to `userId` at `issuedAt`, seconds) has been revoked. */
  async isRevoked(tokenId: string, userId: string, issuedAt: number): Promise<boolean> {
    if (!this.listener || !this.answers || !this.listener.ready())
      return this.readRevoked(tokenId, userId, issuedAt);
    const key = `${tokenId}|${userId}|${issuedAt}`;
    const epoch = this.epoch();
    const kept = this.answers.get(key);
    if (kept && kept.epoch === epoch) return kept.revoked;
    const revoked = await this.readRevoked(tokenId, userId, issuedAt);
    // Kept only if nothing was revoked (or the connection dropped) while the table was being read.
    if (this.listener.ready() && this.epoch() === epoch) this.answers.set(key, { revoked, epoch });
    return revoked;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }

  private async readRevoked(tokenId: string, userId: string, issuedAt: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM api_token_revocations
        WHERE token_id = $1 OR (user_id = $2 AND issued_before >= to_timestamp($3)) LIMIT 1`,
      [tokenId, userId, issuedAt],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Revokes a token or a user's tokens. Revoking the same token twice keeps the first record (and says so);
   * a user revocation covers every token issued to them up to now, so it is recorded each time.
   */
  async revoke(
    target: RevocationTarget,
    revokedBy: string,
    reason: string,
  ): Promise<{ revocation: ApiTokenRevocation; created: boolean }> {
    const tokenId = 'tokenId' in target ? target.tokenId : null;
    const userId = 'userId' in target ? target.userId : null;
    // The NOTIFY is delivered when the insert commits: api processes drop the answers they keep (isRevoked).
    const inserted = (await this.dataSource.query(
      `WITH ins AS (
         INSERT INTO api_token_revocations (id, token_id, user_id, issued_before, revoked_at, revoked_by, reason)
         VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, now(), $4, $5)
         ON CONFLICT (token_id) DO NOTHING RETURNING *)
       SELECT ${COLUMNS} FROM ins CROSS JOIN LATERAL (SELECT pg_notify('${REVOCATIONS_CHANNEL}', ins.id::text)) n`,
      [randomUUID(), tokenId, userId, revokedBy, reason],
    )) as ApiTokenRevocation[];
    revokedInThisProcess++;
    if (inserted[0]) return { revocation: inserted[0], created: true };
    const existing = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM api_token_revocations WHERE token_id = $1`,
      [tokenId],
    )) as ApiTokenRevocation[];
    return { revocation: existing[0]!, created: false };
  }

  /** Newest first: who revoked what, when and why. */
  async list(limit = 100): Promise<ApiTokenRevocation[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM api_token_revocations ORDER BY revoked_at DESC, id LIMIT $1`,
      [limit],
    )) as ApiTokenRevocation[];
  }
}
