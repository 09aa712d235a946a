import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { Json, RecordedEvent } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { addDays } from '#induction/calendar/calendar-date.js';
import { TermCalendar } from '#induction/calendar/r1-terms.js';
import { earlyHelpCaseDecider, earlyHelpStreamId } from '#induction/early-help/early-help-case.decider.js';
import { earlyHelpCausesAt } from '#induction/early-help/early-help-causes.js';
import { createEctDecider } from '#induction/induction/ect.decider.js';
import { upcastEctEvent } from '#induction/induction/upcasters.js';
import { schoolDecider } from '#induction/schools/school.decider.js';
import type { Projection } from '../projection.js';
import { generateHub } from '../audit/testing/hub-generator.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { rebuildProjection } from '../runner/projection-rebuild.js';
import type { RebuildRowCache } from '../runner/rebuild-row-cache.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { bulkUpsert } from '../bulk-write.js';
import {
  EarlyHelpCaseEntity,
  type EarlyHelpCaseRow,
  earlyHelpQueueProjection,
  writeSpans,
} from './early-help-queue.projection.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

const TODAY = '2026-03-02';
/** Named in several ECTs' states, then erased on one ECT's stream (R23: redacted in every case). */
const GRANTEE = '0e1a0000-0000-4000-8000-00000000000a';
const TIMED = ['review-overdue', 'report-overdue', 'timetable-over-limit'];

type NewEvent = { type: string; schemaVersion: number; data: object };

/**
 * The write-behind of issue 9 on the early-help queue: its case rows are kept across a rebuild's pages and
 * written once (or when evicted), and each write replaces the ECT's spans and moves the per-day counts by the
 * difference. Over a log where every ECT spans many pages (one event per append, streams in turn: an ECT's
 * events, its case's, the sweep's and the training attendance interleaved), a rebuild must give the rows the
 * live runner gave, page by page, whatever the cache keeps (all, nothing, two rows).
 */
d('early-help queue: a rebuild over an interleaved log (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();
  const calendar = new TermCalendar();
  const ect = createEctDecider({ calendar, hubSchoolUrns: [] });
  const projection = earlyHelpQueueProjection({
    evolve: ect.evolve,
    initialState: ect.initialState,
    toDomainEvent: (event: RecordedEvent) =>
      upcastEctEvent({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }),
    calendar,
  });
  let cases = 0;
  let live: Record<string, unknown[]>;

  const rows = async () => {
    const out: Record<string, unknown[]> = {};
    for (const table of projection.tables)
      out[table] = await dataSource.query(`SELECT * FROM public."${table}" AS r ORDER BY r::text`);
    return out;
  };
  /** The counts as they follow from the spans alone: +1 on each span's first day, -1 on the day after it. */
  const countsFromSpans = () =>
    dataSource.query(
      `SELECT status, cause, day::text AS day, sum(delta)::int AS delta FROM (
         SELECT s.status, c.cause, s.valid_from AS day, 1 AS delta
           FROM early_help_spans s, unnest(ARRAY['']::text[] || s.cause_kinds) AS c(cause)
         UNION ALL
         SELECT s.status, c.cause, s.valid_to, -1
           FROM early_help_spans s, unnest(ARRAY['']::text[] || s.cause_kinds) AS c(cause)
          WHERE s.valid_to <> 'infinity') AS d
        GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3`,
    );
  const storedCounts = () =>
    dataSource.query(
      `SELECT status, cause, day::text AS day, delta FROM early_help_span_counts ORDER BY 1, 2, 3`,
    );

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [...projection.entities] });
    const hub = generateHub({
      seed: 11,
      schools: 3,
      ects: 24,
      ect,
      school: schoolDecider,
      calendar,
      today: TODAY,
    });
    const streams = new Map<string, NewEvent[]>();
    const add = (stream: string, event: NewEvent) =>
      streams.set(stream, [...(streams.get(stream) ?? []), event]);
    const registered = hub.ects.filter((e) => e.events.length >= 7);
    expect(registered.length).toBeGreaterThanOrEqual(6);
    for (const generated of hub.ects) {
      generated.events.forEach((event, i) => {
        add(`ect-${generated.ectId}`, event);
        // The same person in five ECTs' states (access to their assessments), erased on the first's stream.
        if (i === 1 && registered.slice(0, 5).includes(generated))
          add(`ect-${generated.ectId}`, {
            type: 'AssessmentAccessGranted',
            schemaVersion: 1,
            data: {
              granteeId: GRANTEE,
              role: 'appropriate-body',
              grantedOn: '2025-10-01',
              personal: { [GRANTEE]: { name: 'Ana Assessor', email: 'ana@example.org' } },
            },
          });
        if (i === 3 && generated === registered[0])
          for (const type of ['PersonalDataErasureRequested', 'PersonalDataErased'])
            add(`ect-${generated.ectId}`, {
              type,
              schemaVersion: 1,
              data: { subjectId: GRANTEE, requestedOn: '2026-01-05', erasedOn: '2026-01-05' },
            });
      });
    }
    // Cases worked on: actions, a resolution (resolved spans), then one resolved again later (spans replaced).
    const atRisk = hub.ects.filter((e) => earlyHelpCausesAt(e.state, TODAY, calendar).length > 0);
    expect(atRisk.length).toBeGreaterThan(4);
    atRisk.forEach((generated, n) => {
      const ectId = generated.ectId;
      let state = earlyHelpCaseDecider.initialState();
      const commands = [
        {
          type: 'RecordCaseAction' as const,
          data: {
            ectId,
            actionId: `a-${n}`,
            kind: 'call' as const,
            note: 'Called',
            byId: 'u',
            on: '2025-11-03',
          },
        },
        ...(n % 2 === 0
          ? [
              {
                type: 'ResolveCase' as const,
                data: { ectId, resolution: 'Sorted', byId: 'u', on: '2025-12-01' },
              },
              {
                type: 'ResolveCase' as const,
                data: { ectId, resolution: 'Again', byId: 'u', on: '2026-02-02' },
              },
            ]
          : []),
      ];
      for (const command of commands)
        for (const event of earlyHelpCaseDecider.decide(command, state)) {
          state = earlyHelpCaseDecider.evolve(state, event);
          add(earlyHelpStreamId(ectId), event);
        }
      // The nightly sweep's record of the causes that came with time.
      for (const cause of earlyHelpCausesAt(generated.state, TODAY, calendar))
        if (TIMED.includes(cause.cause))
          add('deadline-watch', {
            type: 'EarlyHelpCauseDetected',
            schemaVersion: 1,
            data: { ectId, cause: cause.cause, rule: cause.rule, since: cause.since, detail: cause.detail },
          });
    });
    // Training attendance (a standing cause's input), one changed afterwards.
    for (const [n, generated] of registered.slice(0, 6).entries())
      for (const attended of n === 0 ? [true, false] : [n % 2 === 0])
        add('training-programme-1', {
          type: 'AttendanceRecorded',
          schemaVersion: 1,
          data: {
            role: 'ect',
            participantId: generated.ectId,
            academicYear: '2025/26',
            eventId: `day-${n}`,
            attended,
            on: addDays('2025-10-01', n),
          },
        });
    // One event per append, the streams in turn: every ECT's row is touched on page after page.
    const lists = [...streams];
    for (let round = 0; lists.some(([, events]) => events.length > round); round++)
      for (const [stream, events] of lists) {
        const event = events[round];
        if (!event) continue;
        await store.append(stream, [
          {
            eventId: randomUUID(),
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: event.data as { [key: string]: Json },
            metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
          },
        ]);
      }

    // Live: the runner's way, a transaction per page and no cache.
    for (let after: RecordedEvent['position'] | undefined; ;) {
      const page = await store.readAll({ after, limit: 7 });
      if (page.length === 0) break;
      await dataSource.transaction((em) => projection.apply(page, em));
      after = page.at(-1)!.position;
    }
    live = await rows();
    cases = live['early_help_cases']!.length;
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('the live rows are worth comparing: open and resolved spans, counts that follow from them, a redaction', async () => {
    expect(cases).toBeGreaterThan(20);
    const spans = live['early_help_spans'] as { ect_id: string; status: string }[];
    expect(new Set(spans.map((s) => s.status))).toEqual(new Set(['open', 'resolved']));
    expect(spans.length).toBeGreaterThan(new Set(spans.map((s) => s.ect_id)).size);
    expect(await storedCounts()).toEqual(await countsFromSpans());
    expect((await storedCounts()).length).toBeGreaterThan(10);
    const redacted = (await dataSource.query(
      `SELECT count(*)::int AS n FROM early_help_cases
        WHERE jsonb_exists(state->'people', $1) AND state->'people'->$1 = 'null'::jsonb`,
      [GRANTEE],
    )) as { n: number }[];
    expect(redacted[0]!.n).toBe(5);
  });

  it.each([
    ['every row kept to the end', undefined],
    ['no cache (every page written)', 0],
    ['a 2-row cache (rows evicted, read back and written again)', 2],
  ])(
    'rebuilds to the live rows, span counts included: %s',
    async (_, rowCacheRows) => {
      const caches = new Set<RebuildRowCache>();
      const watched: Projection = {
        ...projection,
        apply: (events, em, context) => {
          if (context?.rows) caches.add(context.rows);
          return projection.apply(events, em, context);
        },
      };
      // Pages of 13 events, not the live 7: rows grouped and evicted otherwise than live.
      await rebuildProjection(dataSource, store, watched, { batchSize: 13, rowCacheRows });
      expect(await rows()).toEqual(live);
      expect(await storedCounts()).toEqual(await countsFromSpans());
      const [cache] = caches;
      if (rowCacheRows === 0) {
        expect(cache).toBeUndefined();
        return;
      }
      const stats = cache!.stats;
      if (rowCacheRows === 2) {
        // Rows written again and again (each time replacing spans written before), as evictions make them.
        expect(stats.evictions).toBeGreaterThan(cases);
        expect(stats.rowsWritten).toBeGreaterThan(cases);
      } else {
        // Each case written once (live writes it on every page that touches it: hits + misses), and once
        // more if touched after the erasure settled the cache: read back from the table, then written at the end.
        expect(stats.evictions).toBe(0);
        expect(stats.misses).toBeGreaterThan(cases);
        expect(stats.rowsWritten).toBe(stats.misses);
        expect(stats.rowsWritten).toBeLessThan(2 * cases);
        expect(stats.hits + stats.misses).toBeGreaterThan(4 * cases);
      }
    },
    120_000,
  );

  it("property: an ECT's spans and the counts are its last written row's, whatever was written before and in what groups", async () => {
    const finals = await dataSource.manager.find(EarlyHelpCaseEntity, { order: { ectId: 'ASC' } });
    // Rows that gave other spans (or none): as a row was before later events, or a write in another order.
    const staleVersions = [
      (row: EarlyHelpCaseRow): EarlyHelpCaseRow => ({ ...row, state: null }),
      (row: EarlyHelpCaseRow): EarlyHelpCaseRow => ({ ...row, causes: [], timed: null }),
      (row: EarlyHelpCaseRow): EarlyHelpCaseRow => ({
        ...row,
        caseState: { ...row.caseState, resolvedOn: '2025-10-15', resolution: 'Stale' },
      }),
    ];
    const write = (rows: readonly EarlyHelpCaseRow[]) =>
      dataSource.transaction(async (em) => {
        // One write holds each ECT once, as the cache's writes do (keep the last).
        const once = [...new Map(rows.map((row) => [row.ectId, row])).values()];
        await bulkUpsert(em, EarlyHelpCaseEntity, once, ['ectId']);
        await writeSpans(em, once);
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(finals.length - 1), fc.nat(staleVersions.length)), { maxLength: 60 }),
        fc.shuffledSubarray([...finals.keys()], { minLength: finals.length }),
        fc.integer({ min: 1, max: 9 }),
        async (earlier, order, group) => {
          await dataSource.query('TRUNCATE early_help_cases, early_help_spans, early_help_span_counts');
          const before = earlier.map(([i, v]) => (v === 0 ? finals[i]! : staleVersions[v - 1]!(finals[i]!)));
          for (let i = 0; i < before.length; i += group) await write(before.slice(i, i + group));
          const last = order.map((i) => finals[i]!);
          for (let i = 0; i < last.length; i += group) await write(last.slice(i, i + group));
          const now = await rows();
          expect(now['early_help_spans']).toEqual(live['early_help_spans']);
          expect(now['early_help_span_counts']).toEqual(live['early_help_span_counts']);
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);
});
