/**
 * A prototype of the append this benchmark proposes for libs/event-store (bench/README.md, "Findings"): the
 * `no_stream` / `any` / revision check and the event insert in ONE autocommitted statement (one round trip
 * instead of six: BEGIN, retry lookup, streams upsert, events insert, pg_notify, COMMIT), and no NOTIFY
 * inside the transaction (NOTIFY takes a cluster-wide lock at commit, which serialises every appender).
 * The retry lookup runs only when the statement wrote nothing. Measured side by side with the real store;
 * it is not used by the application.
 */
import type { Pool } from 'pg';
import type { NewEvent } from '#event-store/event-store.port.js';

export class SingleStatementAppend {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async appendNew(streamId: string, events: NewEvent[]): Promise<bigint> {
    const s = `"${this.schema}"`;
    const payload = JSON.stringify(
      events.map((e) => ({ id: e.eventId, t: e.type, v: e.schemaVersion, d: e.data, m: e.metadata })),
    );
    const { rows } = await this.pool.query<{ global_position: string }>(
      `WITH st AS (
         INSERT INTO ${s}.streams (stream_id, revision) VALUES ($1, $2::bigint - 1)
         ON CONFLICT (stream_id) DO NOTHING RETURNING revision)
       INSERT INTO ${s}.events (stream_id, stream_revision, event_id, type, schema_version, data, metadata)
       SELECT $1, e.ord - 1, (e.value->>'id')::uuid, e.value->>'t', (e.value->>'v')::int, e.value->'d', e.value->'m'
       FROM st, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
       ORDER BY e.ord
       RETURNING global_position::text AS global_position`,
      [streamId, events.length, payload],
    );
    if (rows.length === 0)
      throw new Error(`stream ${streamId} exists (the real store would look for a retry here)`);
    return BigInt(rows.at(-1)!.global_position);
  }
}
