import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Clock } from '#platform/clock/clock.js';
import { CLOCK } from '../domain/clock.token.js';
import type { Principal } from '../auth/principal.js';
import { pageBounds, type Page, type PageQueryDto } from '../http/pagination.js';

/** What was read: each names a page or route that shows an ECT's reviews or assessments. */
export const ASSESSMENT_READS = [
  'ect-record',
  'ect-history',
  'ect-page',
  'panel-case-file',
  'panel-case-page',
  'panel-cases-list',
  'moderation-form',
  'moderation-queue',
] as const;
export type AssessmentRead = (typeof ASSESSMENT_READS)[number];

export interface AssessmentAccess {
  seq: number;
  ectId: string;
  actorId: string;
  actorRole: string;
  what: AssessmentRead;
  /** The method and path read, without the query string. */
  via: string;
  correlationId: string;
  readAt: string;
}

const TABLE = 'assessment_access_log';

/**
 * R23 (2.78–2.80): an ECT may know who viewed their assessments. Every read of an ECT's reviews or
 * assessments (API and pages) appends one row here before the answer goes out: who (user id and role, never a
 * name), which ECT, what, through which route, when (the service clock) and the request's correlation id.
 *
 * A table, not events: reads are not domain facts and a replay must not recreate them, so no projection owns
 * it and a rebuild never drops it. Append-only: a trigger refuses UPDATE and DELETE. It holds no personal data
 * beyond the actor's id, so erasing an ECT (crypto-shredding) leaves its entries as they are, keyed by ECT id.
 */
@Injectable()
export class AssessmentAccessLog implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateAssessmentAccessLog(this.dataSource);
  }

  /** Records that `principal` read `what` of each ECT in `ectIds` (duplicates once). */
  async record(
    principal: Principal,
    ectIds: readonly string[],
    what: AssessmentRead,
    request: Request,
  ): Promise<void> {
    const ids = [...new Set(ectIds)];
    if (ids.length === 0) return;
    const { via, correlationId } = this.origin(request);
    await this.dataSource.query(
      `INSERT INTO ${TABLE} (ect_id, actor_id, actor_role, what, via, correlation_id, read_at)
       SELECT id, $2, $3, $4, $5, $6, $7 FROM unnest($1::uuid[]) AS id`,
      [ids, principal.userId, principal.role, what, via, correlationId, this.clock.now()],
    );
  }

  /**
   * A read and its R23 entries in ONE statement (one round trip, not two): `read.sql` selects rows with an
   * `id` column (the ECT's id), with `read.params` as $1..$n; each distinct id of a row for which
   * `read.logged` (SQL over the read's columns, as `r."column"`) holds is logged as `record` logs it, in the
   * same statement, so the entry is written before the answer goes out. Returns the rows as read.
   */
  async readAndRecord<T>(
    principal: Principal,
    what: AssessmentRead,
    request: Request,
    read: { sql: string; params: unknown[]; logged: string },
  ): Promise<T[]> {
    const n = read.params.length;
    const { via, correlationId } = this.origin(request);
    return (await this.dataSource.query(
      `WITH r AS MATERIALIZED (${read.sql}),
       logged AS (
         INSERT INTO ${TABLE} (ect_id, actor_id, actor_role, what, via, correlation_id, read_at)
         SELECT DISTINCT r.id, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}::timestamptz
           FROM r WHERE ${read.logged}
         RETURNING 1)
       SELECT * FROM r`,
      [...read.params, principal.userId, principal.role, what, via, correlationId, this.clock.now()],
    )) as T[];
  }

  private origin(request: Request): { via: string; correlationId: string } {
    const requestId = (request as { id?: unknown }).id;
    const correlationId = typeof requestId === 'string' && requestId ? requestId : randomUUID();
    const via = `${request.method} ${(request.originalUrl ?? request.url).split('?')[0]}`;
    return { via, correlationId };
  }

  async list(ectId: string, query: PageQueryDto): Promise<Page<AssessmentAccess>> {
    const { page, pageSize, skip } = pageBounds(query);
    const [count] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM ${TABLE} WHERE ect_id = $1`,
      [ectId],
    )) as { n: number }[];
    const rows = (await this.dataSource.query(
      `SELECT seq::int AS seq, ect_id::text AS "ectId", actor_id AS "actorId", actor_role AS "actorRole",
              what, via, correlation_id AS "correlationId", read_at AS "readAt"
         FROM ${TABLE} WHERE ect_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT $3`,
      [ectId, skip, pageSize],
    )) as (Omit<AssessmentAccess, 'readAt'> & { readAt: Date })[];
    return {
      items: rows.map((r) => ({ ...r, readAt: new Date(r.readAt).toISOString() })),
      page,
      pageSize,
      total: count?.n ?? 0,
    };
  }
}

export async function migrateAssessmentAccessLog(db: {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}): Promise<void> {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${TABLE} (
      seq bigserial NOT NULL CONSTRAINT ${TABLE}_pkey PRIMARY KEY,
      ect_id uuid NOT NULL,
      actor_id text NOT NULL,
      actor_role text NOT NULL,
      what text NOT NULL,
      via text NOT NULL,
      correlation_id text NOT NULL,
      read_at timestamptz NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${TABLE}_ect ON ${TABLE} (ect_id, seq)`,
    `CREATE OR REPLACE FUNCTION ${TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '${TABLE} is append-only'; END $$`,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '${TABLE}_append_only') THEN
         CREATE TRIGGER ${TABLE}_append_only BEFORE UPDATE OR DELETE ON ${TABLE}
           FOR EACH ROW EXECUTE FUNCTION ${TABLE}_append_only();
       END IF;
     END $$`,
  ];
  for (const sql of statements) {
    try {
      await db.query(sql);
    } catch (error) {
      // Two processes racing on CREATE ... IF NOT EXISTS: the loser sees a duplicate; the table is there.
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '42P07' && code !== '42710' && code !== 'XX000') throw error;
    }
  }
}
