/**
 * Which thread of a rebuild split by ECT owns an ECT (ect-partitions.ts), in JavaScript and in SQL: apart
 * from the rest of the split so that the erasure's redaction (redact-erased.ts) can use it.
 */

/** The most partitions a rebuild may be split into (`partitionOfKey` reads one hex digit). */
export const MAX_PARTITIONS = 16;

/**
 * Which of `count` partitions owns the ECT `key` (a UUID, as `ectKeyOf` gives): its last hex digit modulo
 * `count`, which `partitionPredicate` computes in SQL too. ECT ids are random or name-based UUIDs, so the
 * digit is even.
 */
export function partitionOfKey(key: string, count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS)
    throw new Error(`partitionOfKey: bad partition count ${count}`);
  return Number.parseInt(key.slice(-1), 16) % count;
}

/** Where a table's rows of an ECT key column belong to `partition` (SQL; the same answer as `partitionOfKey`). */
export function partitionPredicate(keyColumn: string, partition: RebuildPartition): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(keyColumn)) throw new Error(`partitionPredicate: bad column ${keyColumn}`);
  const { index, count } = partition;
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    count > MAX_PARTITIONS ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= count
  )
    throw new Error(`partitionPredicate: bad partition ${index} of ${count}`);
  return `(('x' || right(${keyColumn}::text, 1))::bit(4)::int % ${count}) = ${index}`;
}

/** One thread's share of a rebuild split by ECT: `ApplyContext.partition`. */
export interface RebuildPartition {
  readonly index: number;
  readonly count: number;
}
