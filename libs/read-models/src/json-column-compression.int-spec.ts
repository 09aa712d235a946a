import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { createTestDatabase } from '../../../test/support/postgres-test-database.js';
import { bulkUpsert } from './bulk-write.js';
import { compressJsonColumnsWithLz4 } from './json-column-compression.js';
import type { Projection } from './projection.js';
import { openReadModelDataSource } from './read-model-data-source.js';
import { rebuildProjection } from './runner/projection-rebuild.js';
import { appendInterleaved } from './runner/testing/interleaved-log.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

interface DocRow {
  streamId: string;
  doc: Record<string, unknown>;
  raw: Record<string, unknown> | null;
  note: string | null;
}
const docs = new EntitySchema<DocRow>({
  name: 'CompressionSpecDoc',
  tableName: 'compression_spec_docs',
  columns: {
    streamId: { name: 'stream_id', type: 'text', primary: true },
    doc: { type: 'jsonb' },
    raw: { type: 'json', nullable: true },
    note: { type: 'text', nullable: true },
  },
});

/** A document big enough to be compressed (PostgreSQL compresses values over ≈2 KB). */
const bigDoc = (streamId: string, n: number) => ({
  streamId,
  n,
  absences: Array.from({ length: 200 }, (_, i) => ({
    from: `2025-09-${String((i % 28) + 1).padStart(2, '0')}`,
    i,
  })),
});

const docProjection: Projection = {
  name: 'compression-spec-docs',
  tables: ['compression_spec_docs'],
  entities: [docs],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    const last = new Map(events.map((e) => [e.streamId, Number(e.streamRevision)]));
    await bulkUpsert(
      em,
      docs,
      [...last].map(([streamId, n]) => ({ streamId, doc: bigDoc(streamId, n), raw: null, note: null })),
      ['streamId'],
    );
  },
};

d('compressJsonColumnsWithLz4 (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let lz4 = false;

  const compressionOf = async () =>
    (await dataSource.query(
      `SELECT a.attname AS column, a.attcompression AS compression FROM pg_attribute a
        WHERE a.attrelid = 'public.compression_spec_docs'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
    )) as { column: string; compression: string }[];

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [docs] });
    const [row] = (await dataSource.query(
      `SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
    )) as { lz4: boolean }[];
    lz4 = row?.lz4 === true;
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('opening the read models switches their json and jsonb columns (only those) to lz4, once', async () => {
    expect(await compressionOf()).toEqual([
      { column: 'stream_id', compression: '' },
      { column: 'doc', compression: lz4 ? 'l' : '' },
      { column: 'raw', compression: lz4 ? 'l' : '' },
      { column: 'note', compression: '' },
    ]);
    // Already switched: nothing to do the second time (the checkpoints table has no JSON column).
    expect(
      await compressJsonColumnsWithLz4(dataSource, ['compression_spec_docs', 'projection_checkpoints']),
    ).toEqual([]);
  });

  it('a rebuild keeps the compression: the swapped-in table stores its documents with lz4', async () => {
    const store = new MemoryEventStore();
    await appendInterleaved(store, 5, 5); // streams s-0 … s-4, three events each
    const result = await rebuildProjection(dataSource, store, docProjection);
    expect(result.eventsApplied).toBe(15);
    expect((await compressionOf()).find((c) => c.column === 'doc')?.compression).toBe(lz4 ? 'l' : '');
    const stored = (await dataSource.query(
      `SELECT DISTINCT pg_column_compression(doc) AS method FROM compression_spec_docs`,
    )) as { method: string | null }[];
    expect(stored).toEqual([{ method: lz4 ? 'lz4' : 'pglz' }]);
    const [doc] = (await dataSource.query(
      `SELECT doc FROM compression_spec_docs WHERE stream_id = 's-3'`,
    )) as {
      doc: unknown;
    }[];
    expect(doc?.doc).toEqual(bigDoc('s-3', 2));
  });
});
