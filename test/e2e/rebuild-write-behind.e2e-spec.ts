import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { loadConfig } from '#platform/config/app-config.js';
import { createLogger } from '#platform/logging/logger.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
} from '#induction/training/training-programme.decider.js';
import { rebuildProjections, type RebuildResult } from '#read-models/runner/projection-rebuild.js';
import { reorderLogByTime } from '../../bench/support/reorder-log.js';
import { composeLedger, type Ledger } from '../../apps/cli/src/compose.js';
import { LEDGER_SPLIT_BY_ECT, ledgerRebuildThreads } from '../../apps/worker/src/rebuild-threads.js';
import { partitionOfKey, partitionPredicate } from '#read-models/runner/ect-partitions.js';
import { scaleProfile } from '../../apps/cli/src/generate/scale-profiles.js';
import { writeScaleData } from '../../apps/cli/src/generate/write-scale-data.js';
import { createTestDatabase } from '../support/postgres-test-database.js';
import { describeWithEnv } from '../support/requires-env.js';

/**
 * Issue 9, rebuild write-behind (rebuild-row-cache.ts): whatever a rebuild keeps in memory across pages, EVERY
 * projection rebuilds to the same rows, on a log in TIME order (bench/support/reorder-log.ts), where a page of
 * the log touches many ECTs and each ECT is touched on page after page (the generator's own order writes each
 * ECT's history at once, so a page would touch each ECT once and no row would ever be kept across pages).
 * All projections are rebuilt together (`rebuildProjections`), in small pages, three ways: without the cache
 * (every page writes, as the live runner does), with the default bound (nothing evicted at this size) and with
 * a bound of 25 rows (rows written on eviction and read back on later pages); every table of every projection
 * must hold the same rows, in whole-row order, after each.
 *
 * The generator writes no training: a 2025/26 programme with a phase group is added (as hub-scale-counts does),
 * its attendance recorded on three dates through the year, so the training, plan and early-help tables (low
 * attendance) are built from events of another stream interleaved with the ECTs'.
 *
 * The log also holds one R23 erasure of a mentor shared by several ECTs, part-way through the log: a projection
 * redacts by SQL across rows, which must first settle what its cache holds (`table.settle()`). The mentor's key
 * is NOT shredded, so the name is in every earlier event: a cached row that missed the redaction would still
 * carry it and differ from the rebuild without the cache.
 *
 * Where the cache is used it must also save writes: PostgreSQL's per-table counters (pg_stat_user_tables, of the
 * rebuilt tables, which the swap moves into `public`) and the transactions that last wrote each row (xmin); and
 * each cache's own account (`RebuildResult.rowCache`) must show the 25-row one evicting and reading rows back.
 */
const PROFILE = scaleProfile('small', { ects: 160, schools: 8 });
/** Events per page of the rebuild: small, so that a page touches many ECTs and each ECT many pages. */
const BATCH = 400;
/** Rebuild cache bounds: none (as live), the default (`undefined`), and small enough to evict on every page. */
const MODES = [
  { label: 'no cache (rowCacheRows 0)', rowCacheRows: 0 },
  { label: 'default cache', rowCacheRows: undefined },
  { label: '25-row cache', rowCacheRows: 25 },
] as const;

type Tables = Record<string, string[]>;
interface Writes {
  ins: number;
  upd: number;
  del: number;
}

describeWithEnv(
  'DATABASE_URL',
  `rebuild write-behind: every read model the same with and without the row cache (${PROFILE.ects} generated ECTs, log in time order)`,
  () => {
    let database: { url: string; drop(): Promise<void> };
    let dataDir: string;
    let ledger: Ledger;
    let events: number;
    /** ECTs the log names, and how many pages of BATCH events touch each, on average. */
    let ects: number;
    let pagesPerEct: number;
    let erasure: { subjectId: string; position: number };
    let setupSeconds: number;

    const ds = () => ledger.runtime.dataSource;
    const allTables = () => ledger.projections.flatMap((p) => p.tables);
    const count = async (sql: string, params: unknown[] = []) =>
      Number(((await ds().query(sql, params)) as { n: string | number }[])[0]!.n);

    /** Every row of every table of every projection, as PostgreSQL prints it, in whole-row order. */
    const snapshot = async (): Promise<Tables> => {
      const out: Tables = {};
      for (const table of allTables()) {
        const rows = (await ds().query(
          `SELECT r::text AS row FROM public."${table}" AS r ORDER BY r::text`,
        )) as { row: string }[];
        out[table] = rows.map((r) => r.row);
      }
      return out;
    };

    /**
     * Rows inserted, updated and deleted in each table since it was created (a rebuild creates it, then swaps
     * it in). A backend keeps its counters to itself until it is idle, and for up to 10 s if it reported less
     * than a second before; so first every connection of the read models' pool (the ones the rebuild wrote on)
     * is told to report now, which it does before it answers (PostgreSQL 15+; older servers: 11 s of waiting).
     */
    const writes = async (): Promise<Record<string, Writes>> => {
      const pool = (ds().driver as unknown as { master: pg.Pool }).master;
      const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
      try {
        await Promise.all(clients.map((client) => client.query('SELECT pg_stat_force_next_flush()')));
      } catch (error) {
        if ((error as { code?: string }).code !== '42883') throw error; // undefined function: before 15
        await new Promise((resolve) => setTimeout(resolve, 11_000));
      } finally {
        for (const client of clients) client.release();
      }
      // A connection the pool closed meanwhile (idle) reports as its backend exits, just after the close.
      await new Promise((resolve) => setTimeout(resolve, 250));
      const rows = (await ds().query(
        `SELECT relname AS table, n_tup_ins::int AS ins, n_tup_upd::int AS upd, n_tup_del::int AS del
           FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1)`,
        [allTables()],
      )) as (Writes & { table: string })[];
      return Object.fromEntries(rows.map(({ table, ins, upd, del }) => [table, { ins, upd, del }]));
    };

    /** The 2025/26 programme, a phase group for a third of the ECTs, and attendance, decided by the training decider. */
    const appendTrainingProgramme = async () => {
      const ectIds = (
        (await ds().query(
          `SELECT DISTINCT substr(stream_id, 5) AS id FROM event_store.events WHERE stream_id LIKE 'ect-%' ORDER BY 1`,
        )) as { id: string }[]
      ).map((r) => r.id);
      const decider = createTrainingProgrammeDecider(ledger.domain.calendar, 2025);
      let state = decider.initialState();
      const decided: { type: string; schemaVersion: number; data: object }[] = [];
      const decide = (command: TrainingCommand) => {
        const events = decider.decide(command, state);
        state = events.reduce(decider.evolve, state);
        decided.push(...events);
      };
      decide({
        type: 'FormPhaseGroup',
        data: {
          groupId: 'g-primary',
          name: 'Primary group',
          phase: 'primary',
          facilitator: { personId: '0b6f8a52-3c1d-4e7a-9f20-5d8c1e2a4b61', name: 'Facilitator' },
          on: '2025-07-01',
        },
      });
      const sessions = [
        [
          'conf-2025',
          'induction-conference',
          '2025-09-12',
          ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
        ],
        ['y2-cycle-1', 'year-2-development-cycle', '2025-11-05', ['ect-year-2']],
        ['primary-1', 'year-1-session', '2026-01-20', ['ect-year-1']],
      ] as const;
      decide({
        type: 'PublishTrainingProgramme',
        data: {
          academicYear: 2025,
          on: '2025-07-10',
          events: sessions.map(([eventId, kind, date, audiences]) => ({
            eventId,
            kind,
            title: eventId,
            date,
            audiences,
            ...(kind === 'year-1-session' ? { groupId: 'g-primary' } : {}),
          })),
        },
      });
      for (const ectId of ectIds.filter((_, i) => i % 3 === 0))
        decide({ type: 'AllocateEctToGroup', data: { ectId, groupId: 'g-primary', on: '2025-07-15' } });
      for (const [eventId, , date] of sessions)
        ectIds.forEach((participantId, i) => {
          if (eventId === 'primary-1' && i % 3 !== 0) return; // the group's members only
          decide({
            type: 'RecordAttendance',
            data: { eventId, participantId, role: 'ect', attended: i % 5 < 3, on: addDays(date, 3) },
          });
        });
      await ledger.runtime.eventStore.append(
        trainingProgrammeStreamId(2025),
        decided.map((e) => ({
          eventId: randomUUID(),
          type: e.type,
          schemaVersion: e.schemaVersion,
          data: e.data as never,
          metadata: { actor: 'test', correlationId: 'write-behind', causationId: 'write-behind' },
        })),
        { expectedRevision: 'no_stream' },
      );
    };

    beforeAll(async () => {
      const started = Date.now();
      database = await createTestDatabase(process.env['DATABASE_URL']!);
      dataDir = mkdtempSync(join(tmpdir(), 'rebuild-write-behind-'));
      ledger = await composeLedger(
        loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'warn' }),
        createLogger({ level: 'silent' }),
      );
      await writeScaleData(ledger, { profile: PROFILE, seed: 20_261_127 });
      await appendTrainingProgramme();

      // R23 part-way through: a mentor of several ECTs, erased on the stream of the one of them whose history
      // ends first (in time order the erasure comes at that stream's last date, with other ECTs still to come).
      // Of the mentors shared by the most ECTs, one whose ECTs fall in both partitions of a rebuild split by
      // ECT over two threads (ect-partitions.ts), so that the erasure reaches rows of a thread that does not own
      // the stream it is recorded on.
      const candidates = (await ds().query(
        `WITH named AS (
           SELECT data->>'mentorId' AS subject, stream_id
             FROM event_store.events
            WHERE stream_id LIKE 'ect-%' AND data->>'mentorId' IS NOT NULL),
         shared AS (
           SELECT subject, count(DISTINCT stream_id) AS ects FROM named GROUP BY subject
           HAVING count(DISTINCT stream_id) >= 3)
         SELECT DISTINCT s.subject, s.ects, n.stream_id AS "streamId", d.last
           FROM shared s JOIN named n USING (subject)
           JOIN LATERAL (
             SELECT max(COALESCE(e.data->>'from', e.data->>'registeredOn', e.data->>'submittedOn')) AS last
               FROM event_store.events e WHERE e.stream_id = n.stream_id) d ON true
          ORDER BY s.ects DESC, s.subject, d.last, n.stream_id`,
      )) as { subject: string; streamId: string }[];
      const streamsOf = (subject: string) => candidates.filter((c) => c.subject === subject);
      const bothPartitions = (subject: string) =>
        new Set(streamsOf(subject).map((c) => partitionOfKey(c.streamId.slice('ect-'.length), 2))).size === 2;
      const chosen = candidates.find((c) => bothPartitions(c.subject)) ?? candidates[0];
      expect(chosen && bothPartitions(chosen.subject)).toBe(true);
      // Erased on the stream of the one of them whose history ends first.
      const mentor = streamsOf(chosen!.subject)[0];
      expect(mentor).toBeDefined();
      const erasureId = randomUUID();
      await ledger.runtime.eventStore.append(
        mentor!.streamId,
        [
          {
            eventId: erasureId,
            type: 'PersonalDataErased',
            schemaVersion: 1,
            data: { subjectId: mentor!.subject, erasedOn: '2025-01-15' },
            metadata: { actor: 'test', correlationId: 'write-behind', causationId: 'write-behind' },
          },
        ],
        { expectedRevision: 'any' },
      );

      const client = await ledger.runtime.pool.connect();
      try {
        events = (await reorderLogByTime(client)).events;
      } finally {
        client.release();
      }
      // `readAll` returns nothing of a commit while an older transaction runs anywhere on the (shared) server,
      // and the reordered log is one commit: wait until it is all readable, or a rebuild would read nothing.
      const deadline = Date.now() + 120_000;
      while ((await ledger.runtime.eventStore.readAll({ limit: events + 1 })).length < events) {
        if (Date.now() > deadline) throw new Error('the reordered log never became readable');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      erasure = {
        subjectId: mentor!.subject,
        position: await count(`SELECT global_position AS n FROM event_store.events WHERE event_id = $1`, [
          erasureId,
        ]),
      };
      ects = await count(
        `SELECT count(DISTINCT stream_id) AS n FROM event_store.events WHERE stream_id LIKE 'ect-%'`,
      );
      const touches = await count(
        `SELECT count(*) AS n FROM (
           SELECT DISTINCT (global_position - 1) / ${BATCH}, stream_id
             FROM event_store.events WHERE stream_id LIKE 'ect-%') pages`,
      );
      pagesPerEct = touches / ects;
      setupSeconds = (Date.now() - started) / 1000;
    }, 300_000);

    afterAll(async () => {
      await ledger?.runtime.close();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('rebuilds every projection to the same rows without the cache, with the default one and with one of 25 rows, and the cache saves writes', async () => {
      // The log is what this test is about: pages that touch each ECT many times, an erasure with ECTs after it.
      expect(ects).toBe(PROFILE.ects);
      expect(pagesPerEct).toBeGreaterThan(4);
      expect(erasure.position / events).toBeLessThan(0.9);

      const trackCounts = ((await ds().query('SHOW track_counts')) as { track_counts: string }[])[0]!
        .track_counts;
      const runs: {
        label: string;
        seconds: number;
        tables: Tables;
        writes: Record<string, Writes>;
        ectsWritingTransactions: number;
        /** By projection: what its cache did (none without one). */
        caches: Record<string, RebuildResult['rowCache']>;
      }[] = [];
      for (const mode of MODES) {
        const results = await rebuildProjections(ds(), ledger.runtime.eventStore, ledger.projections, {
          batchSize: BATCH,
          rowCacheRows: mode.rowCacheRows,
        });
        // Every projection read the whole log (none was handed a prefix of it).
        expect(results.map((r) => [r.projection, r.eventsRead])).toEqual(
          ledger.projections.map((p) => [p.name, events]),
        );
        runs.push({
          caches: Object.fromEntries(results.map((r) => [r.projection, r.rowCache])),
          label: mode.label,
          seconds: results[0]!.seconds,
          tables: await snapshot(),
          writes: trackCounts === 'on' ? await writes() : {},
          // The transactions that last wrote the register's rows: with the cache, the final flush (and the
          // settle before the erasure's redaction), however many pages touched each row.
          ectsWritingTransactions: await count('SELECT count(DISTINCT xmin::text) AS n FROM public.ects'),
        });
      }

      const stats = (c: RebuildResult['rowCache']) =>
        c ? `${c.hits}/${c.misses}/${c.rowsWritten}/${c.evictions}` : 'none';
      const cacheSummary = ledger.projections
        .filter((p) => (runs[1]!.caches[p.name]?.misses ?? 0) > 0)
        .map((p) => `${p.name} ${stats(runs[1]!.caches[p.name])} | ${stats(runs[2]!.caches[p.name])}`)
        .join('; ');
      const summary = allTables()
        .map(
          (table) =>
            `${table} ${runs[0]!.tables[table]!.length} rows, writes ${runs
              .map((run) => total(run.writes[table]))
              .join('/')}`,
        )
        .join('; ');
      process.stdout.write(
        `rebuild-write-behind: log generated and reordered in ${setupSeconds.toFixed(1)} s: ${events} events, ${ects} ECTs, ${BATCH}-event pages, ${pagesPerEct.toFixed(1)} pages per ECT; ` +
          `erasure at ${erasure.position}; ${allTables().length} tables; rebuilds (no cache/default/25); ` +
          `${runs.map((r) => r.seconds.toFixed(1)).join('/')} s; ects written by ${runs
            .map((r) => r.ectsWritingTransactions)
            .join('/')} transactions; ` +
          `rows inserted+updated+deleted per table (track_counts ${trackCounts}): ${summary}; ` +
          `caches (default | 25 rows: hits/misses/rows written/evictions): ${cacheSummary}\n`,
      );

      const [live, ...cached] = runs;
      // The comparison covers every projection's tables, with rows in the ones this log fills.
      expect(Object.keys(live!.tables).sort()).toEqual(allTables().sort());
      for (const table of [
        'ects',
        'due_items',
        'entitlement_view',
        'early_help_cases',
        'plan_ects',
        'plan_training_events',
        'plan_group_allocations',
        'training_attendance',
      ])
        expect([table, live!.tables[table]!.length > 0]).toEqual([table, true]);
      // The erasure's redaction reached the register: the mentor's entry in the folded states is null.
      const redacted = await count(
        `SELECT count(*) AS n FROM public.ects WHERE state->'people'->$1 = 'null'::jsonb`,
        [erasure.subjectId],
      );
      expect(redacted).toBeGreaterThan(0);

      for (const run of cached)
        for (const table of allTables()) {
          const differences = difference(live!.tables[table]!, run.tables[table]!);
          expect({ table, mode: run.label, ...differences }).toEqual({
            table,
            mode: run.label,
            rows: live!.tables[table]!.length,
            onlyWithoutCache: [],
            onlyWithCache: [],
          });
        }

      const rows = live!.tables['ects']!.length;
      const [, standard, small] = runs;
      // What the caches say they did: none without one; with the default bound nothing evicted at this size;
      // with 25 rows, every projection that keeps rows evicted some and read them back (more misses than rows).
      const using = ledger.projections.filter((p) => (standard!.caches[p.name]?.misses ?? 0) > 0);
      expect(Object.values(live!.caches).filter(Boolean)).toEqual([]);
      expect(using.map((p) => p.name)).toContain('ect-register');
      expect(using.map((p) => p.name)).toContain('due-items');
      for (const p of using) {
        expect([p.name, standard!.caches[p.name]!.evictions]).toEqual([p.name, 0]);
        expect([p.name, small!.caches[p.name]!.evictions > 0]).toEqual([p.name, true]);
        expect([p.name, small!.caches[p.name]!.misses > standard!.caches[p.name]!.misses]).toEqual([
          p.name,
          true,
        ]);
      }
      // Without the cache each page that touches an ECT writes its row; with the default bound each row is
      // written at most twice: at the settle before the erasure's redaction and at the end.
      expect(live!.ectsWritingTransactions).toBeGreaterThan(4);
      expect(standard!.ectsWritingTransactions).toBeLessThanOrEqual(2);
      if (trackCounts === 'on') {
        expect(total(live!.writes['ects'])).toBeGreaterThan(3 * rows);
        expect(standard!.writes['ects']).toMatchObject({ ins: rows, del: 0 });
        // Updated: rows written at the settle and touched again, and the redaction's own UPDATEs.
        expect(standard!.writes['ects']!.upd).toBeLessThanOrEqual(rows + redacted);
        // Evicted rows are written again when touched again, but never more often than without the cache.
        expect(total(small!.writes['ects'])).toBeLessThanOrEqual(total(live!.writes['ects']));
        // And no table is written more with the default cache (a 25-row one may write derived counts more
        // often than without: it writes evicted groups of rows, not pages).
        for (const table of allTables())
          expect([table, total(standard!.writes[table]) <= total(live!.writes[table])]).toEqual([
            table,
            true,
          ]);
      }
    }, 240_000);

    it('rebuilds the ECT projections split by ECT over two worker threads to the same rows, with the default cache and with one of 25 rows', async () => {
      const threads = ledgerRebuildThreads(
        ledger.domain,
        { databaseUrl: database.url, hubSchoolUrns: ledger.runtime.config.hubSchoolUrns },
        [],
        2,
      )!;
      // The worker threads run the TypeScript sources (no build in a test run).
      const split = { ...threads, script: new URL('../support/ts-rebuild-worker.mjs', import.meta.url) };
      expect(split.partitions).toEqual({ count: 2, projections: LEDGER_SPLIT_BY_ECT });
      const single = await rebuildProjections(ds(), ledger.runtime.eventStore, ledger.projections, {
        batchSize: BATCH,
      });
      const expected = await snapshot();
      for (const rowCacheRows of [undefined, 25]) {
        const label = `split over 2 threads, ${rowCacheRows ?? 'default'} cache`;
        const results = await rebuildProjections(ds(), ledger.runtime.eventStore, ledger.projections, {
          batchSize: BATCH,
          rowCacheRows,
          threads: split,
        });
        // Each projection applied what it applies in one thread (the redaction orders are not counted).
        expect(results.map((r) => [r.projection, r.eventsRead, r.eventsApplied, r.position])).toEqual(
          single.map((r) => [r.projection, r.eventsRead, r.eventsApplied, r.position]),
        );
        // The split projections were applied in the threads (this thread kept no cache for them).
        for (const r of results)
          expect([r.projection, r.rowCache === undefined]).toEqual([
            r.projection,
            LEDGER_SPLIT_BY_ECT.includes(r.projection),
          ]);
        const tables = await snapshot();
        for (const table of allTables())
          expect({ table, mode: label, ...difference(expected[table]!, tables[table]!) }).toEqual({
            table,
            mode: label,
            rows: expected[table]!.length,
            onlyWithoutCache: [],
            onlyWithCache: [],
          });
      }
      // PostgreSQL puts each ECT in the partition JavaScript does (the redaction's predicate).
      const owners = (await ds().query(
        `SELECT id::text AS id, ${partitionPredicate('id', { index: 1, count: 2 })} AS second FROM public.ects`,
      )) as { id: string; second: boolean }[];
      expect(owners.filter((o) => o.second !== (partitionOfKey(o.id, 2) === 1))).toEqual([]);
      expect(new Set(owners.map((o) => o.second)).size).toBe(2);
      // The erasure reached rows in both threads' partitions (the mentor's ECTs fall in both: beforeAll).
      expect(
        await count(`SELECT count(*) AS n FROM public.ects WHERE state->'people'->$1 = 'null'::jsonb`, [
          erasure.subjectId,
        ]),
      ).toBeGreaterThan(0);
    }, 240_000);
  },
);

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function total(w: Writes | undefined): number {
  return w ? w.ins + w.upd + w.del : NaN;
}

/**
 * The rows only one side has (a multiset difference of sorted lists), the first few of each; a row is shown
 * from its start (its key) and around where it first differs from the other side's row in the same place.
 */
function difference(
  before: readonly string[],
  after: readonly string[],
): { rows: number; onlyWithoutCache: string[]; onlyWithCache: string[] } {
  const onlyBefore: string[] = [];
  const onlyAfter: string[] = [];
  const left = new Map<string, number>();
  for (const row of before) left.set(row, (left.get(row) ?? 0) + 1);
  for (const row of after) {
    const n = left.get(row) ?? 0;
    if (n > 0) left.set(row, n - 1);
    else onlyAfter.push(row);
  }
  for (const [row, n] of left) for (let i = 0; i < n; i++) onlyBefore.push(row);
  onlyBefore.sort();
  const excerpts = (rows: string[], others: string[]) =>
    rows.slice(0, 3).map((row, i) => {
      const other = others[i] ?? '';
      let at = 0;
      while (at < row.length && row[at] === other[at]) at++;
      if (row.length <= 400) return row;
      return `${row.slice(0, 80)} … ${row.slice(Math.max(80, at - 120), at + 200)} …`;
    });
  return {
    rows: before.length,
    onlyWithoutCache: excerpts(onlyBefore, onlyAfter),
    onlyWithCache: excerpts(onlyAfter, onlyBefore),
  };
}
