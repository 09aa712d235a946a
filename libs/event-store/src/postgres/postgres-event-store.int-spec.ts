import { describe } from '@jest/globals';
import { describeEventStoreContract } from '../testing/event-store.contract.js';
import { postgresContractSubject } from './postgres-contract-subject.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

d(
  databaseUrl ? 'PostgreSQL' : 'PostgreSQL (skipped: set DATABASE_URL to run the PostgreSQL contract suite)',
  () => {
    describeEventStoreContract(
      'PostgreSQL adapter',
      postgresContractSubject(() => databaseUrl!, { poolMax: 20, concurrentTransactions: true }),
    );
  },
);
