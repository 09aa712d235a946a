/**
 * `notifications_sent`: the effect log of the notification outbox and of reminders and deadline alerts.
 * One row per (event_id, recipient): `event_id` is the fact the message serves (a domain event id, or a
 * reminder/alert job id such as `reminder.<ectId>.progress-review.term-1.2026-04-05.on-the-day`) and
 * `recipient` a role and subject id (`tutor.<personId>`, `hub`), never an address. The primary key makes a
 * second send of the same message a no-op (`INSERT ... ON CONFLICT DO NOTHING`), which is what gives
 * "exactly once per event and recipient" on top of at-least-once jobs.
 *
 * Not a projection: it records sends, which a replay of the log cannot recreate, so a rebuild never drops it.
 * Names and email addresses are never stored here.
 */

export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export type NotificationChannel = 'notify' | 'log' | 'in-app' | 'none';

export interface SentNotification {
  eventId: string;
  recipient: string;
  template: string;
  channel: NotificationChannel;
  ectId: string | null;
  /** Notify's `reference` (the `event_id/recipient` key) or null. */
  reference: string | null;
  /** Notify's notification id, when sent through Notify. */
  providerId: string | null;
  /** Why nothing was sent (`no address on record`), or null. */
  note: string | null;
  /** Non-personal details for hub staff: due date, stage, rule. */
  details: Record<string, string>;
  sentAt: string;
  seq: number;
}

export async function migrateNotificationTables(db: SqlRunner): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS notifications_sent (
    seq bigserial NOT NULL,
    event_id text NOT NULL,
    recipient text NOT NULL,
    template text NOT NULL,
    channel text NOT NULL,
    ect_id uuid NULL,
    reference text NULL,
    provider_id text NULL,
    note text NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    sent_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notifications_sent_pkey PRIMARY KEY (event_id, recipient)
  )`);
  await db.query(`CREATE INDEX IF NOT EXISTS notifications_sent_ect ON notifications_sent (ect_id, seq)`);
  await db.query(`CREATE TABLE IF NOT EXISTS job_cursors (
    name text NOT NULL CONSTRAINT job_cursors_pkey PRIMARY KEY,
    commit_position text NULL,
    prepare_position text NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export interface NotificationRecord {
  eventId: string;
  recipient: string;
  template: string;
  channel: NotificationChannel;
  ectId?: string | null;
  reference?: string | null;
  providerId?: string | null;
  note?: string | null;
  details?: Record<string, string>;
}

/** Records a send; `true` when this call recorded it, `false` when it was already there. */
export async function recordNotification(db: SqlRunner, n: NotificationRecord): Promise<boolean> {
  const rows = (await db.query(
    `INSERT INTO notifications_sent (event_id, recipient, template, channel, ect_id, reference, provider_id, note, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (event_id, recipient) DO NOTHING
     RETURNING seq`,
    [
      n.eventId,
      n.recipient,
      n.template,
      n.channel,
      n.ectId ?? null,
      n.reference ?? null,
      n.providerId ?? null,
      n.note ?? null,
      JSON.stringify(n.details ?? {}),
    ],
  )) as unknown[];
  return rows.length > 0;
}

export async function isNotificationRecorded(
  db: SqlRunner,
  eventId: string,
  recipient: string,
): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM notifications_sent WHERE event_id = $1 AND recipient = $2`, [
    eventId,
    recipient,
  ])) as unknown[];
  return rows.length > 0;
}

interface SentRow {
  seq: string;
  event_id: string;
  recipient: string;
  template: string;
  channel: NotificationChannel;
  ect_id: string | null;
  reference: string | null;
  provider_id: string | null;
  note: string | null;
  details: Record<string, string>;
  sent_at: Date;
}

/** Newest first (or oldest first with `order: 'asc'`), optionally for one ECT. */
export async function listNotifications(
  db: SqlRunner,
  options: { ectId?: string; limit?: number; offset?: number; order?: 'asc' | 'desc' } = {},
): Promise<SentNotification[]> {
  const params: unknown[] = [];
  let where = '';
  if (options.ectId) {
    params.push(options.ectId);
    where = `WHERE ect_id = $${params.length}`;
  }
  params.push(Math.min(Math.max(options.limit ?? 50, 1), 500), Math.max(options.offset ?? 0, 0));
  const rows = (await db.query(
    `SELECT seq::text AS seq, event_id, recipient, template, channel, ect_id, reference, provider_id, note, details, sent_at
     FROM notifications_sent ${where}
     ORDER BY seq ${options.order === 'asc' ? 'ASC' : 'DESC'}
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )) as SentRow[];
  return rows.map((r) => ({
    eventId: r.event_id,
    recipient: r.recipient,
    template: r.template,
    channel: r.channel,
    ectId: r.ect_id,
    reference: r.reference,
    providerId: r.provider_id,
    note: r.note,
    details: r.details,
    sentAt: new Date(r.sent_at).toISOString(),
    seq: Number(r.seq),
  }));
}

/** How many notifications were sent (for one ECT, or all), so a page of them can say "of N". */
export async function countNotifications(db: SqlRunner, options: { ectId?: string } = {}): Promise<number> {
  const rows = (await db.query(
    `SELECT count(*)::int AS n FROM notifications_sent${options.ectId ? ' WHERE ect_id = $1' : ''}`,
    options.ectId ? [options.ectId] : [],
  )) as { n: number }[];
  return rows[0]?.n ?? 0;
}
