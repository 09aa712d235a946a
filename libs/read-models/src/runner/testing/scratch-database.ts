import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventStore } from '#event-store/event-store.port.js';

export interface ScratchDatabase {
  /** Its connection string: `serverUrl` with the new database's name. */
  url: string;
  /** Drops it (forcibly: connections a failed spec left open go with it). */
  drop(): Promise<void>;
}

/** A database of its own for one spec file, on the server `serverUrl` names (DATABASE_URL in the specs). */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * `appends` appends of three events (types A, B, A) to `streams` streams in turn (`s-0`, `s-1`, …), so that a
 * page of the log holds parts of many streams and every stream spans pages.
 */
export async function appendInterleaved(store: EventStore, appends: number, streams: number): Promise<void> {
  for (let i = 0; i < appends; i++) {
    await store.append(
      `s-${i % streams}`,
      [0, 1, 2].map((k) => ({
        eventId: randomUUID(),
        type: k === 1 ? 'B' : 'A',
        schemaVersion: 1,
        data: { i, k },
        metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
      })),
    );
  }
}
