import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { MemoryEventStore } from './memory-event-store.js';

describeEventStoreContract('memory', async () => {
  let store = new MemoryEventStore();
  return {
    store,
    restart: async () => {
      await store.close();
      store = new MemoryEventStore({ log: store.log });
      return store;
    },
  };
});
