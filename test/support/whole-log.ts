import type { RecordedEvent } from '#event-store/event-store.port.js';
import type { TestLedger } from './test-ledger.js';

/**
 * Every event the test ledger has stored, in log order. `readAll` only returns events below the cluster's oldest
 * running transaction (README: projections and readers never see a gap), so straight after a write, while another
 * test file's transaction is open on the same PostgreSQL, it can return a prefix of the log. This waits until it
 * returns as many events as are stored.
 */
export async function readWholeLog(t: TestLedger, timeoutMs = 60_000): Promise<RecordedEvent[]> {
  const [{ count }] = (await t.ledger.runtime.dataSource.query(
    'SELECT count(*)::int AS count FROM event_store.events',
  )) as [{ count: number }];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await t.ledger.runtime.eventStore.readAll({ limit: count + 1 });
    if (log.length >= count || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
