import { EntitySchema, type DataSource } from 'typeorm';

export interface IdempotencyRecord {
  principal: string;
  key: string;
  requestHash: string;
  status: number | null;
  headers: Record<string, string> | null;
  body: unknown;
  createdAt: Date;
  completedAt: Date | null;
}

/** Responses kept for `Idempotency-Key` replays (api.md). A platform table, not a projection. */
export const IdempotencyKeyEntity = new EntitySchema<IdempotencyRecord>({
  name: 'IdempotencyKey',
  tableName: 'http_idempotency_keys',
  columns: {
    principal: { type: 'text', primary: true },
    key: { type: 'text', primary: true },
    requestHash: { name: 'request_hash', type: 'text' },
    status: { type: 'int', nullable: true },
    headers: { type: 'jsonb', nullable: true },
    body: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    completedAt: { name: 'completed_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'http_idempotency_keys_created_at', columns: ['createdAt'] }],
});

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

export class IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims the key for this request, or tells what happened to the first request that used it. */
  async claim(principal: string, key: string, requestHash: string): Promise<ClaimOutcome> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO http_idempotency_keys (principal, key, request_hash, created_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (principal, key) DO NOTHING RETURNING key`,
      [principal, key, requestHash],
    )) as unknown[];
    if (inserted.length === 1) return { kind: 'claimed' };
    const rows = (await this.dataSource.query(
      `SELECT request_hash AS "requestHash", status, headers, body FROM http_idempotency_keys WHERE principal = $1 AND key = $2`,
      [principal, key],
    )) as Pick<IdempotencyRecord, 'requestHash' | 'status' | 'headers' | 'body'>[];
    const row = rows[0];
    if (!row) return this.claim(principal, key, requestHash);
    if (row.requestHash !== requestHash) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'in-progress' };
    return { kind: 'replay', status: row.status, headers: row.headers ?? {}, body: row.body };
  }

  async complete(
    principal: string,
    key: string,
    status: number,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE http_idempotency_keys SET status = $3, headers = $4, body = $5, completed_at = now() WHERE principal = $1 AND key = $2`,
      [principal, key, status, JSON.stringify(headers), JSON.stringify(body ?? null)],
    );
  }

  /** Forgets a claim whose request failed for a passing reason, so that a retry runs it again. */
  async release(principal: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM http_idempotency_keys WHERE principal = $1 AND key = $2 AND status IS NULL`,
      [principal, key],
    );
  }
}
