import { describe } from '@jest/globals';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
const d = connectionString ? describe : describe.skip;

d('EventStoreDB (skipped: set EVENTSTORE_CONNECTION_STRING to run the EventStoreDB contract suite)', () => {
  // A shared server keeps older events: the suite reads after the head it sees and uses unique stream ids.
  describeEventStoreContract(
    'EventStoreDB adapter',
    async () => {
      let store = EventStoreDbEventStore.fromConnectionString(connectionString!);
      return {
        store,
        restart: async () => {
          await store.close();
          store = EventStoreDbEventStore.fromConnectionString(connectionString!);
          return store;
        },
      };
    },
    { globallyUniqueEventIds: false, timeoutMs: 30_000 },
  );
});
