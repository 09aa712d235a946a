/**
 * The generator writes each ECT's whole history at once, so its log holds every stream's events together
 * (≈270 streams per 10,000-event page). A real AB's log is ordered by time: a page touches thousands of ECTs.
 * `reorderLogByTime` rewrites a PostgreSQL event log in place into that order, keeping every event as it is
 * (id, stream, revision, type, data with its sealed personal fields, metadata, recorded_at), so the same
 * read models come out of a rebuild (bench/README.md, "Interleaved log").
 */
import type { ClientBase } from 'pg';
import { EVENT_DATE_FIELDS } from '#read-models/entitlements/ect-fold.js';

export interface ReorderResult {
  events: number;
  streams: number;
  seconds: number;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The business date of each event as `eventDate` reads it (the first date field its data carries), SQL side;
 * NULL when it has none (instead of `eventDate`'s recorded day: the generator's `recorded_at` is the day it ran).
 */
const businessDate = `COALESCE(${EVENT_DATE_FIELDS.map(
  (field) =>
    `CASE WHEN jsonb_typeof(data->'${field}') = 'string' AND data->>'${field}' ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN data->>'${field}' END`,
).join(',\n  ')})`;

/**
 * Sorts the whole log by (the running maximum of the business date along the event's stream, its old
 * position): a stream's revisions stay in order (the key never decreases along a stream and ties keep the old
 * order), and across streams events come by date. An event without a date takes its stream's date so far (the
 * first events of a dateless stream sort first). Positions are renumbered from 1 in the new order, all in one
 * transaction (so one commit id: `readAll` then orders by position alone); `streams` is untouched.
 * Run it with nothing else writing to the log and no read model built from it (rebuild afterwards).
 */
export async function reorderLogByTime(client: ClientBase, schema = 'event_store'): Promise<ReorderResult> {
  const s = quoteIdent(schema);
  const started = process.hrtime.bigint();
  await client.query('BEGIN');
  try {
    await client.query(`LOCK TABLE ${s}.events IN ACCESS EXCLUSIVE MODE`);
    await client.query(`
      CREATE TEMP TABLE reorder_log ON COMMIT DROP AS
      SELECT e.*, max(d.business_date) OVER (
               PARTITION BY e.stream_id ORDER BY e.stream_revision ROWS UNBOUNDED PRECEDING) AS sort_date
        FROM ${s}.events e
        CROSS JOIN LATERAL (SELECT ${businessDate} AS business_date) d`);
    await client.query(`TRUNCATE ${s}.events RESTART IDENTITY`);
    const inserted = await client.query(`
      INSERT INTO ${s}.events (stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at)
      SELECT stream_id, stream_revision, event_id, type, schema_version, data, metadata, recorded_at
        FROM reorder_log ORDER BY sort_date NULLS FIRST, transaction_id, global_position`);
    const { rows } = await client.query<{ streams: string }>(
      `SELECT count(DISTINCT stream_id)::text AS streams FROM reorder_log`,
    );
    await client.query('COMMIT');
    return {
      events: inserted.rowCount ?? 0,
      streams: Number(rows[0]!.streams),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
