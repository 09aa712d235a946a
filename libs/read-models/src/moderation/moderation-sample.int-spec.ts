import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { type DataSource, EntityManager } from 'typeorm';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { TermCalendar } from '#induction/calendar/r1-terms.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import {
  appendInTurns,
  itKeepsTheRowsWithAnyCache,
  applyLog,
  projectionRows,
  type ScriptedEvent,
} from '../runner/testing/keyed-rebuild.js';
import { RebuildRowCache } from '../runner/rebuild-row-cache.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { moderationSampleProjection } from './moderation-sample.projection.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

const projection = moderationSampleProjection({ calendar: new TermCalendar(), share: 0.3 });
const SCHOOL_A = '300001';
const SCHOOL_B = '300002';
const ECTS = 6;
const ectIds = Array.from({ length: ECTS }, () => randomUUID());

const review = (formId: string, submittedOn: string, onTrack = true): ScriptedEvent => ({
  eventId: formId,
  type: 'ProgressReviewSubmitted',
  data: { onTrack, submittedOn },
});

/** Each form's id (its submission event's), and the turn it is submitted at. */
const forms: { formId: string; turn: number }[] = [];
/**
 * One ECT's forms over two academic years: two reviews in 2025/26, a year-1 assessment, a review in 2026/27.
 * ECT 2 moves from school A to B before its assessment; ECT 5 is never registered (no school: never sampled).
 */
function ectScript(i: number): (ScriptedEvent | null)[] {
  const form = (turn: number) => {
    // Fixed ids: the share drawn (a hash of the id) is the same every run.
    const formId = `00000000-0000-4000-8000-${String(forms.length).padStart(12, '0')}`;
    forms.push({ formId, turn });
    return formId;
  };
  return [
    i === 5
      ? null
      : { type: 'EctRegistered', data: { ectId: ectIds[i]!, schoolUrn: i < 3 ? SCHOOL_A : SCHOOL_B } },
    review(form(1), `2025-10-0${i + 1}`, i !== 1),
    review(form(2), `2026-02-0${i + 1}`),
    i === 2 ? { type: 'EctTransferred', data: { toSchoolUrn: SCHOOL_B, leftOn: '2026-03-01' } } : null,
    {
      eventId: form(4),
      type: 'FormalAssessmentRecorded',
      data: {
        point: 'year-1',
        recommendation: i === 4 ? 'unsatisfactory' : 'satisfactory',
        receivedOn: '2026-07-01',
      },
    },
    review(form(5), `2026-10-0${i + 1}`),
  ];
}
const ectScripts = ectIds.map((id, i) => [`ect-${id}`, ectScript(i)] as const);

/**
 * A moderator's check of every form (those not in the sample are ignored): a finding in the turn the form came
 * in (after it), and every other form returned for amendment a turn later.
 */
const checkScripts = forms.map(({ formId, turn }, n) => {
  const script: (ScriptedEvent | null)[] = Array.from({ length: turn }, () => null);
  script.push({
    type: 'ModerationFindingRecorded',
    data: {
      formId,
      verdict: n % 3 ? 'agree' : 'disagree',
      feedback: `f${n}`,
      moderatorId: 'm1',
      checkedOn: '2026-08-01',
    },
  });
  if (n % 2)
    script.push({
      type: 'FormReturnedForAmendment',
      data: { formId, reason: `r${n}`, moderatorId: 'm2', returnedOn: '2026-08-02' },
    });
  return [`moderation-${formId}`, script] as const;
});

d('moderation-sample over a log in time order (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [...projection.entities] });
    await appendInTurns(store, new Map([...ectScripts, ...checkScripts]));
    // The live runner's rows, one event a page.
    await applyLog(dataSource, store, projection, 1);
    live = await projectionRows(dataSource, projection);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('samples the forms the log describes', () => {
    const ects = live['moderation_ects'] as Record<string, unknown>[];
    expect(ects).toHaveLength(ECTS);
    expect(ects.find((r) => r['ect_id'] === ectIds[2])).toMatchObject({ school_urn: SCHOOL_B });
    expect(ects.find((r) => r['ect_id'] === ectIds[5])).toMatchObject({ school_urn: null });
    const sampled = live['moderation_forms'] as Record<string, unknown>[];
    const reasons = new Set(sampled.map((r) => r['reason']));
    for (const reason of ['not-on-track', 'unsatisfactory', 'school-annual'])
      expect(reasons).toContain(reason);
    // Each school's first form of each academic year is in, whatever the share drew.
    const schoolYears = new Set(sampled.map((r) => `${r['school_urn']}|${r['academic_year']}`));
    expect([...schoolYears].sort()).toEqual([
      `${SCHOOL_A}|2025`,
      `${SCHOOL_A}|2026`,
      `${SCHOOL_B}|2025`,
      `${SCHOOL_B}|2026`,
    ]);
    expect(sampled.some((r) => r['verdict'] !== null)).toBe(true);
    expect(sampled.some((r) => r['returned'] === true)).toBe(true);
  });

  it("in a rebuild, asks PostgreSQL about a school's year only until it has a form", async () => {
    // Pages of 2 put a school-year's forms on many pages. Live, every page with a form of a school-year not yet
    // seen in that page asks; with a rebuild's cache, a school-year found (or given its first form) is known
    // on every later page, so only the first lookup of each of the 4 school-years reaches the database.
    const exists = jest.spyOn(EntityManager.prototype, 'exists');
    try {
      await applyLog(dataSource, store, projection, 2);
      const live2 = exists.mock.calls.length;
      expect(await projectionRows(dataSource, projection)).toEqual(live);
      exists.mockClear();
      await applyLog(dataSource, store, projection, 2, new RebuildRowCache(10_000));
      expect(await projectionRows(dataSource, projection)).toEqual(live);
      expect(exists.mock.calls.length).toBe(4);
      expect(live2).toBeGreaterThan(4);
    } finally {
      exists.mockRestore();
    }
  });

  itKeepsTheRowsWithAnyCache(() => ({ dataSource, store, projection, live }), {
    title: "keeps each ECT's row across pages and writes it once (the forms every page), with the same rows",
    rowsWritten: ECTS,
  });
});
