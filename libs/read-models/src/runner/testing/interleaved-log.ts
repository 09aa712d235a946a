import { randomUUID } from 'node:crypto';
import type { EventStore } from '#event-store/event-store.port.js';

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
