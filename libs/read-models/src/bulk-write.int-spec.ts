import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EntitySchema, type DataSource } from 'typeorm';
import { bulkInsert, bulkUpsert, writtenUnchanged } from './bulk-write.js';
import { openReadModelDataSource } from './read-model-data-source.js';
import { createTestDatabase } from '../../../test/support/postgres-test-database.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

/** Every column type the read models use, nullable and not, with a default. */
interface Row {
  id: string;
  name: string | null;
  on: string | null;
  at: Date;
  revision: string;
  n: number;
  fte: number | null;
  flag: boolean;
  state: unknown;
  extra: unknown;
}
const entity = (table: string) =>
  new EntitySchema<Row>({
    name: `BulkWriteSpec_${table}`,
    tableName: table,
    columns: {
      id: { type: 'uuid', primary: true },
      name: { type: 'text', nullable: true },
      on: { type: 'date', nullable: true },
      at: { type: 'timestamptz' },
      revision: { type: 'bigint' },
      n: { type: 'int' },
      fte: { type: 'real', nullable: true },
      flag: { type: 'boolean', default: false },
      state: { type: 'jsonb' },
      extra: { type: 'jsonb', nullable: true },
    },
  });
const viaTypeorm = entity('bulk_write_spec_typeorm');
const viaBulk = entity('bulk_write_spec_bulk');

const ids = [randomUUID(), randomUUID(), randomUUID()];
const first: Partial<Row>[] = [
  {
    id: ids[0],
    name: 'O\'Brien "quoted" \\ back',
    on: '2025-09-01',
    at: new Date('2025-09-01T07:30:00.123Z'),
    revision: '12345678901234',
    n: 3,
    fte: 0.8,
    flag: true,
    state: {
      people: { a: { firstName: 'Zoë', note: null } },
      list: [1, 'two', { three: 3 }],
      when: '2025-09-01',
    },
    extra: null,
  },
  {
    id: ids[1],
    name: null,
    on: null,
    at: new Date('2026-03-29T00:59:59Z'),
    revision: '-1',
    n: 0,
    fte: null,
    // flag left to its default, as a row building code may
    state: [],
    extra: { deep: { er: [null, true, 1.5] } },
  },
];
const second: Partial<Row>[] = [
  { ...first[0], name: 'Renamed', fte: 0.6, state: { changed: true }, flag: false },
  { id: ids[2], at: new Date(0), revision: '7', n: -4, flag: true, state: 'a string', extra: 42, fte: 1 / 3 },
];

d('bulkUpsert and bulkInsert (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const rows = async (table: string) =>
    (await dataSource.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY id`)) as { row: unknown }[];

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [viaTypeorm, viaBulk] });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it("writes the very rows TypeORM's upsert writes, inserting and then updating on conflict", async () => {
    await dataSource.transaction(async (em) => {
      await em.upsert(viaTypeorm, first as never, ['id']);
      await bulkUpsert(em, viaBulk, first, ['id']);
    });
    expect(await rows('bulk_write_spec_bulk')).toEqual(await rows('bulk_write_spec_typeorm'));
    expect(await rows('bulk_write_spec_bulk')).toHaveLength(2);

    await dataSource.transaction(async (em) => {
      await em.upsert(viaTypeorm, second as never, ['id']);
      await bulkUpsert(em, viaBulk, second, ['id']);
    });
    const written = await rows('bulk_write_spec_bulk');
    expect(written).toEqual(await rows('bulk_write_spec_typeorm'));
    expect(written).toHaveLength(3);
    expect(written.map((r) => (r.row as Row).name)).toContain('Renamed');
  }, 60_000);

  it("bulkInsert inserts as TypeORM's insert does, and refuses a duplicate key", async () => {
    await dataSource.query('TRUNCATE bulk_write_spec_typeorm, bulk_write_spec_bulk');
    await dataSource.transaction(async (em) => {
      await em.insert(viaTypeorm, second as never);
      await bulkInsert(em, viaBulk, second);
    });
    expect(await rows('bulk_write_spec_bulk')).toEqual(await rows('bulk_write_spec_typeorm'));
    await expect(dataSource.transaction((em) => bulkInsert(em, viaBulk, [second[1]!]))).rejects.toThrow(
      /duplicate key/,
    );
  }, 60_000);

  it('writes a value marked writtenUnchanged as any other, however many rows and tables hold it', async () => {
    await dataSource.query('TRUNCATE bulk_write_spec_typeorm, bulk_write_spec_bulk');
    const shared = writtenUnchanged({ people: { a: { firstName: 'Zoë' } }, list: [1, 'two', null] });
    const unmarked = { n: 1 };
    const rowsOf = (state: unknown, extra: unknown): Partial<Row>[] =>
      ids.map((id, i) => ({ id, at: new Date(0), revision: String(i), n: i, state, extra }));
    await dataSource.transaction(async (em) => {
      await em.upsert(viaTypeorm, rowsOf(shared, unmarked) as never, ['id']);
      await bulkUpsert(em, viaBulk, rowsOf(shared, unmarked), ['id']);
    });
    expect(await rows('bulk_write_spec_bulk')).toEqual(await rows('bulk_write_spec_typeorm'));
    // A value not marked is read afresh at every write (a projection may change it in place).
    unmarked.n = 2;
    await dataSource.transaction((em) => bulkUpsert(em, viaBulk, rowsOf(shared, unmarked), ['id']));
    const written = (await rows('bulk_write_spec_bulk')).map((r) => r.row as Row);
    expect(written.map((r) => r.extra)).toEqual([{ n: 2 }, { n: 2 }, { n: 2 }]);
    expect(written.map((r) => r.state)).toEqual([shared, shared, shared]);
  }, 60_000);

  it('writes nothing for no rows', async () => {
    await dataSource.transaction((em) => bulkUpsert(em, viaBulk, [], ['id']));
    expect(await rows('bulk_write_spec_bulk')).toHaveLength(3);
  }, 60_000);
});
