import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import type { DataSource, EntitySchema } from 'typeorm';
import type { EventStore } from '#event-store/event-store.port.js';
import { PostgresEventStore } from '#event-store/postgres/postgres-event-store.js';
import {
  EMBEDDED_POOL_MAX,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '#event-store/pglite/embedded-postgres.js';
import { openReadModelDataSource } from '#read-models/read-model-data-source.js';
import type { Projection } from '#read-models/projection.js';
import type { JobQueue } from '#jobs/job-queue.port.js';
import { createJobQueue } from '#jobs/job-queue.factory.js';
import type { AppConfig } from '../config/app-config.js';
import { SqlKeyVault } from '../personal-data/key-vault.js';
import type { KeyVault } from '../personal-data/key-vault.js';
import { PersonalDataCipher } from '../personal-data/personal-data-cipher.js';
import { PersonalDataEventStore } from './personal-data-event-store.js';

export interface LedgerRuntime {
  readonly config: AppConfig;
  /** Where read models (and, without EventStoreDB, the event log) live. */
  readonly databaseUrl: string;
  readonly embedded: boolean;
  /** A `pg` pool for the event store, key vault and platform tables. */
  readonly pool: pg.Pool;
  /** The event store as the application sees it: personal data sealed on append, opened on read. */
  readonly eventStore: EventStore;
  /** The same store without the cipher: what is really stored (erasure checks, benchmarks). */
  readonly storedEventStore: EventStore;
  readonly keyVault: KeyVault;
  readonly dataSource: DataSource;
  readonly jobs: JobQueue;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  projections: readonly Projection[];
  /** Platform tables kept in the read-model database that are not projections (idempotency keys, sessions). */
  entities?: readonly EntitySchema[];
  /** Overrides the event store (tests); otherwise chosen by configuration. */
  eventStore?: (pool: pg.Pool, embedded: boolean) => Promise<EventStore>;
  /** Job queue connection errors (Redis away); without it the BullMQ adapter writes them to the console. */
  onJobQueueError?: (err: Error) => void;
}

/**
 * Opens the adapters the configuration selects (architecture.md): PostgreSQL when DATABASE_URL is set,
 * otherwise embedded PGlite in DATA_DIR; EventStoreDB for the log when EVENTSTORE_CONNECTION_STRING is set;
 * BullMQ when REDIS_URL is set, otherwise the in-process job queue.
 */
export async function openLedgerRuntime(config: AppConfig, options: RuntimeOptions): Promise<LedgerRuntime> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    let embeddedDb: EmbeddedPostgres | null = null;
    if (!config.databaseUrl) {
      const dir = join(config.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
      embeddedDb = await startEmbeddedPostgres({ dataDir: dir });
      closers.push(() => embeddedDb!.close());
    }
    const databaseUrl = config.databaseUrl ?? embeddedDb!.connectionString;
    const embedded = embeddedDb !== null;
    const poolMax = embedded ? EMBEDDED_POOL_MAX : config.databasePoolMax;

    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax, idleTimeoutMillis: 30_000 });
    pool.on('error', () => undefined); // an idle client's error is reported by the next query that needs it
    closers.push(() => pool.end());

    const keyVault = new SqlKeyVault({
      query: (sql, params) => pool.query(sql, params as unknown[]),
      masterKey: config.piiMasterKey,
    });
    await keyVault.migrate();

    const storedEventStore = options.eventStore
      ? await options.eventStore(pool, embedded)
      : await openConfiguredEventStore(config, pool, embedded);
    closers.push(() => storedEventStore.close());
    const eventStore = new PersonalDataEventStore(storedEventStore, new PersonalDataCipher(keyVault));

    const dataSource = await openReadModelDataSource({
      url: databaseUrl,
      entities: [...options.projections.flatMap((p) => p.entities), ...(options.entities ?? [])],
      poolMax,
    });
    closers.push(() => dataSource.destroy());

    const jobs: JobQueue = createJobQueue(
      config.redisUrl
        ? {
            redisUrl: config.redisUrl,
            prefix: config.jobsPrefix,
            ...(options.onJobQueueError ? { onError: options.onJobQueueError } : {}),
          }
        : {},
    );
    closers.push(() => jobs.close());

    return {
      config,
      databaseUrl,
      embedded,
      pool,
      eventStore,
      storedEventStore,
      keyVault,
      dataSource,
      jobs,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openConfiguredEventStore(
  config: AppConfig,
  pool: pg.Pool,
  embedded: boolean,
): Promise<EventStore> {
  if (config.eventStoreConnectionString) {
    const { EventStoreDbEventStore } = await import('#event-store/eventstoredb/eventstoredb-event-store.js');
    return EventStoreDbEventStore.fromConnectionString(config.eventStoreConnectionString);
  }
  const store = new PostgresEventStore(pool, { listenNotify: !embedded });
  await store.migrate();
  return store;
}
