import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventStore, Json } from '#event-store/event-store.port.js';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { TermCalendar } from '#induction/calendar/r1-terms.js';
import { createEctDecider } from '#induction/induction/ect.decider.js';
import { upcastEctEvent } from '#induction/induction/upcasters.js';
import { schoolDecider } from '#induction/schools/school.decider.js';
import { generateHub } from '../audit/testing/hub-generator.js';
import type { EctFoldDeps } from '../entitlements/ect-fold.js';
import { entitlementViewProjection } from '../entitlements/entitlement-view.projection.js';
import type { Projection } from '../projection.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import { filterEvents } from '../runner/projection-runner.js';
import { rebuildProjection } from '../runner/projection-rebuild.js';
import { RebuildRowCache } from '../runner/rebuild-row-cache.js';
import { quoteIdentifier } from '../sql-identifier.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { inductionPlanProjection } from './induction-plan.projection.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

const ECTS = 40;
const PAGE = 25;
const SCHOOLS = 3;

interface LogEvent {
  type: string;
  schemaVersion: number;
  data: object;
}

/**
 * A small hub's log in (roughly) time order: one event of each ECT's stream in turn, so that a page touches
 * many ECTs and each ECT spans many pages (the generator writes each ECT's history at once). Two erasures
 * mid-stream, each of a person in another ECT's rows (R23 redacts those by SQL, so a rebuild must write what
 * it kept first), and a training programme with group allocations (the plan's tables outside the cache).
 */
async function appendTimeOrderedHub(
  store: EventStore,
  ect: ReturnType<typeof createEctDecider>,
  calendar: TermCalendar,
) {
  const hub = generateHub({
    seed: 7,
    schools: SCHOOLS,
    ects: ECTS,
    ect,
    school: schoolDecider,
    calendar,
    today: '2026-03-02',
  });
  const streams = new Map<string, LogEvent[]>();
  for (const ect of hub.ects) if (ect.events.length > 0) streams.set(`ect-${ect.ectId}`, [...ect.events]);
  const [first, second] = hub.ects.filter((e) => e.events.length >= 6 && e.state.mentorId !== null);
  const erase = (ectId: string, subjectId: string, at: number) =>
    streams.get(`ect-${ectId}`)!.splice(at, 0, {
      type: 'PersonalDataErased',
      schemaVersion: 1,
      data: { subjectId, erasedOn: '2025-11-03' },
    });
  // Each erasure on the other's stream, as a mentor's is on one ECT's while their name is in others' rows:
  // only the SQL redaction reaches the other's row (its own fold still holds the name).
  erase(second!.ectId, first!.state.mentorId!, 3);
  erase(first!.ectId, second!.ectId, 3);
  const allocated = hub.ects.slice(0, 12);
  streams.set('training-programme-2025', [
    ...[1, 2].map((n) => ({
      type: 'TrainingProgrammePublished',
      schemaVersion: 1,
      data: {
        academicYear: 2025,
        events: [1, 2, 3].map((k) => ({
          eventId: `2025-${n}-${k}`,
          kind: 'core-training',
          title: `Session ${k} (version ${n})`,
          date: `2025-1${k - 1}-0${n}`,
          startTime: '16:00',
          endTime: '17:30',
          location: 'Hub',
          online: false,
          optional: false,
          groupId: k === 2 ? 'g-1' : null,
          audiences: ['ect-year-1'],
        })),
        publishedOn: `2025-07-0${n}`,
      },
    })),
    ...allocated.map((ect, i) => ({
      type: 'EctAllocatedToGroup',
      schemaVersion: 1,
      data: {
        academicYear: 2025,
        ectId: ect.ectId,
        groupId: `g-${i % 3}`,
        previousGroupId: null,
        allocatedOn: '2025-09-10',
      },
    })),
  ]);
  const longest = Math.max(...[...streams.values()].map((events) => events.length));
  for (let turn = 0; turn < longest; turn++)
    for (const [streamId, events] of streams) {
      const event = events[turn];
      if (!event) continue;
      await store.append(streamId, [
        {
          eventId: randomUUID(),
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data as { [key: string]: Json },
          metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
        },
      ]);
    }
  return { erasedMentor: first!.state.mentorId!, erasedEct: second!.ectId };
}

d(
  'the induction plan and the entitlement view rebuilt from a log in time order (skipped: set DATABASE_URL)',
  () => {
    let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
    let dataSource: DataSource;
    const store = new MemoryEventStore();
    const calendar = new TermCalendar();
    const ect = createEctDecider({ calendar, hubSchoolUrns: [] });
    const deps: EctFoldDeps = {
      evolve: ect.evolve,
      initialState: ect.initialState,
      toDomainEvent: (event) =>
        upcastEctEvent({ type: event.type, schemaVersion: event.schemaVersion, data: event.data }),
      calendar,
    };
    const plan = inductionPlanProjection(deps);
    const entitlements = entitlementViewProjection(deps);
    let erased: { erasedMentor: string; erasedEct: string };

    const rowsOf = async (projection: Projection) => {
      const out: Record<string, unknown[]> = {};
      for (const table of projection.tables)
        out[table] = await dataSource.query(
          `SELECT * FROM public.${quoteIdentifier(table)} AS r ORDER BY r::text`,
        );
      return out;
    };

    /** Applies the log from empty tables, `PAGE` events a transaction: as live (no cache) or with `cache`. */
    const applyLog = async (projection: Projection, cache?: RebuildRowCache) => {
      await dataSource.query(
        `TRUNCATE ${projection.tables.map((t) => `public.${quoteIdentifier(t)}`).join(', ')}`,
      );
      const events = filterEvents(projection, await store.readAll());
      for (let i = 0; i < events.length; i += PAGE)
        await dataSource.transaction((em) =>
          projection.apply(events.slice(i, i + PAGE), em, cache ? { rows: cache } : undefined),
        );
      if (cache) await dataSource.transaction((em) => cache.flush(em));
    };

    beforeAll(async () => {
      scratch = await createTestDatabase(databaseUrl!);
      dataSource = await openReadModelDataSource({
        url: scratch.url,
        entities: [...plan.entities, ...entitlements.entities],
      });
      erased = await appendTimeOrderedHub(store, ect, calendar);
    }, 120_000);

    afterAll(async () => {
      await dataSource?.destroy();
      await scratch?.drop();
    });

    /** Rows written per page touching them: what applying page by page writes of the ECT rows. */
    const ectPageTouches = async () => {
      const events = await store.readAll();
      const pagesOf = new Map<string, Set<number>>();
      events.forEach((event, i) => {
        if (!event.streamId.startsWith('ect-')) return;
        const pages = pagesOf.get(event.streamId) ?? new Set<number>();
        pages.add(Math.floor(i / PAGE));
        pagesOf.set(event.streamId, pages);
      });
      return [...pagesOf.values()].map((pages) => pages.size);
    };

    it('the log is in time order: a page touches many ECTs, and an ECT many pages', async () => {
      const touches = await ectPageTouches();
      expect(touches.length).toBe(ECTS);
      expect(Math.max(...touches)).toBeGreaterThan(5);
    });

    for (const name of ['induction-plan', 'entitlement-view'])
      it(`${name}: a rebuild (whole cache, a 3-row one, none) gives the rows applying the log page by page gives`, async () => {
        const projection = name === 'induction-plan' ? plan : entitlements;
        await applyLog(projection);
        const live = await rowsOf(projection);
        expect(live[projection.tables[0]!]!.length).toBeGreaterThan(30);
        // R23: the erased mentor's and ECT's names are nowhere, not even in a row written before the erasure.
        const text = JSON.stringify(live);
        expect(text).toContain('Mentor');
        expect(text).not.toMatch(new RegExp(`"${erased.erasedMentor}":\\{`));
        expect(text).not.toMatch(new RegExp(`"${erased.erasedEct}":\\{`));
        if (name === 'induction-plan') {
          expect(live['plan_training_events']).toHaveLength(3);
          expect(live['plan_group_allocations']).toHaveLength(12);
        }

        // Kept across pages: each row written once, and again only past an erasure's page (it settles there).
        const cache = new RebuildRowCache(40_000);
        await applyLog(projection, cache);
        expect(await rowsOf(projection)).toEqual(live);
        const touches = (await ectPageTouches()).reduce((sum, n) => sum + n, 0);
        expect(cache.stats.rowsWritten).toBeLessThanOrEqual(2 * live[projection.tables[0]!]!.length);
        expect(cache.stats.rowsWritten).toBeLessThan(touches / 2);

        for (const rowCacheRows of [undefined, 3, 0]) {
          await rebuildProjection(dataSource, store, projection, { batchSize: PAGE, rowCacheRows });
          expect({ rowCacheRows, rows: await rowsOf(projection) }).toEqual({ rowCacheRows, rows: live });
        }
      }, 120_000);
  },
);
