import { randomUUID } from 'node:crypto';
import { EntitySchema, type DataSource } from 'typeorm';

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

export class ApiTokenRevocations {
  constructor(private readonly dataSource: DataSource) {}

  /** True when this token (id `tokenId`, issued to `userId` at `issuedAt`, seconds) has been revoked. */
  async isRevoked(tokenId: string, userId: string, issuedAt: number): Promise<boolean> {
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
    const inserted = (await this.dataSource.query(
      `INSERT INTO api_token_revocations (id, token_id, user_id, issued_before, revoked_at, revoked_by, reason)
       VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, now(), $4, $5)
       ON CONFLICT (token_id) DO NOTHING RETURNING ${COLUMNS}`,
      [randomUUID(), tokenId, userId, revokedBy, reason],
    )) as ApiTokenRevocation[];
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
