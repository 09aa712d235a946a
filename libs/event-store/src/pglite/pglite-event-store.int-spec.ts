import { afterAll, beforeAll } from '@jest/globals';
import { postgresContractSubject } from '../postgres/postgres-contract-subject.js';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { EMBEDDED_POOL_MAX, type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

let embedded: EmbeddedPostgres;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
}, 180_000);

afterAll(async () => {
  await embedded?.close();
});

describeEventStoreContract(
  'PostgreSQL adapter on in-memory PGlite',
  postgresContractSubject(() => embedded.connectionString, {
    poolMax: EMBEDDED_POOL_MAX,
    listenNotify: false,
    concurrentTransactions: false,
  }),
);
