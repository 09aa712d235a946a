import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { earlyHelpCausesAt, type TrainingAttendance } from '#induction/early-help/early-help-causes.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { drawSample, type SchoolForm } from '#induction/moderation/moderation-sample.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
} from '#induction/training/training-programme.decider.js';
import { dueFacts } from '#read-models/reminders/due-facts.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import {
  appendHub,
  generateHub,
  mulberry32,
  type GeneratedEct,
  type GeneratedHub,
} from '#read-models/audit/testing/hub-generator.js';
import { ECT_STATUSES } from '../../apps/api/src/ects/ect-status.js';
import { EARLY_HELP_CAUSES } from '../../apps/api/src/early-help/list-early-help.query.dto.js';
import { DUE_ITEM_KINDS } from '../../apps/api/src/reminders/due-items.query.dto.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * Issue 5, "done when": on a generated hub every list answers with the counts the domain itself computes
 * from the same events (never by re-querying the table under test), and every projection rebuilds to the
 * rows it had. Hub scale (3,000 ECTs, 150 schools) with LEDGER_HUB_SCALE=1; 300 ECTs in 15 schools
 * otherwise, to keep CI fast. Generated once for the whole file.
 */
const HUB = process.env['LEDGER_HUB_SCALE'] === '1';
const ECTS = HUB ? 3000 : 300;
const SCHOOLS = HUB ? 150 : 15;
/** Late in the summer term: year-1 and final assessments are in, so there are panel cases to count. */
const TODAY = '2026-07-20';
/** Each check makes up to a few hundred requests; at hub scale on a loaded 2-core machine that takes minutes. */
const STEP = HUB ? 900_000 : 120_000;
const PROJECTIONS = [
  'school-directory',
  'ect-register',
  'entitlement-view',
  'induction-plan',
  'early-help-queue',
  'training-programme',
  'panel-cases',
  'moderation-sample',
  'due-items',
  'annual-survey',
  'school-service',
];

const countBy = <T>(items: readonly T[], key: (item: T) => string | null | undefined) => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null && k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

describe(`hub-scale counts: every list against the domain (${ECTS} ECTs, ${SCHOOLS} schools)`, () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;
  let registered: GeneratedEct[];
  /** `<eventId>|<participantId>` → attended, as the training decider folded it. */
  let attendance: Record<string, boolean>;

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${token}`);
  const total = async (path: string, query: Record<string, string | number> = {}) =>
    (await get(path, { ...query, pageSize: 1 }).expect(200)).body.total as number;
  const all = async <T>(path: string, query: Record<string, string | number> = {}): Promise<T[]> => {
    const items: T[] = [];
    for (let page = 1; ; page += 1) {
      const body = (await get(path, { ...query, page, pageSize: 500 }).expect(200)).body;
      items.push(...(body.items as T[]));
      if (page * 500 >= body.total) return items;
    }
  };
  const open = (state: EctState) => state.phase === 'open' || state.phase === 'awaiting-decision';

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    token = await t.token('hub_staff');
    hub = generateHub({
      seed: 2026,
      schools: SCHOOLS,
      ects: ECTS,
      ect: t.ledger.domain.ect,
      school: t.ledger.domain.school,
      calendar: t.ledger.domain.calendar,
      today: TODAY,
    });
    registered = hub.ects.filter((e) => e.state.phase !== 'unregistered');
    // The log is stamped as recorded before the (fixed) clock's now, so a view as at today can replay it all.
    const ds = t.ledger.runtime.dataSource;
    await ds.query(
      `ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT '${TODAY}T08:00:00Z'::timestamptz`,
    );
    await appendHub(t.ledger.runtime.eventStore, hub as never);

    // The hub's 2025/26 programme and attendance for a third of the ECTs, decided by the training decider.
    const decider = createTrainingProgrammeDecider(t.ledger.domain.calendar, 2025);
    let state = decider.initialState();
    const events: { type: string; schemaVersion: number; data: object }[] = [];
    const decide = (command: TrainingCommand) => {
      const decided = decider.decide(command, state);
      state = decided.reduce(decider.evolve, state);
      events.push(...decided);
    };
    decide({
      type: 'PublishTrainingProgramme',
      data: {
        academicYear: 2025,
        on: '2025-07-10',
        events: [
          {
            eventId: 'conf-2025',
            kind: 'induction-conference',
            title: 'Induction conference',
            date: '2025-09-12',
            audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
          },
          {
            eventId: 'y2-cycle-1',
            kind: 'year-2-development-cycle',
            title: 'Development cycle 1',
            date: '2025-11-05',
            audiences: ['ect-year-2'],
          },
        ],
      },
    });
    const random = mulberry32(99);
    for (const ect of hub.ects.filter((e) => open(e.state) && random() < 0.33))
      for (const eventId of ['conf-2025', 'y2-cycle-1'])
        decide({
          type: 'RecordAttendance',
          data: {
            eventId,
            participantId: ect.ectId,
            role: 'ect',
            attended: random() < 0.6,
            on: '2025-12-01',
          },
        });
    attendance = { ...state.attendance };
    const last = await t.ledger.runtime.eventStore.append(
      trainingProgrammeStreamId(2025),
      events.map((e) => ({
        eventId: randomUUID(),
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data as never,
        metadata: { actor: 'test', correlationId: 'hub-scale', causationId: 'hub-scale' },
      })),
      { expectedRevision: 'no_stream' },
    );
    await ds.query(`ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT now()`);
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      last.globalPosition,
      t.ledger.projections.map((p) => p.name),
      HUB ? 900_000 : 240_000,
    );
    expect(fresh).toBe(true);
  }, 1_200_000);
  afterAll(async () => {
    await t?.close();
  });

  it(
    'counts the ECT register by status and by school as the domain’s summary does',
    async () => {
      const byStatus = countBy(registered, (e) => t.ledger.domain.summarise(e.state, TODAY).status);
      // The generator makes in-progress and awaiting-decision ECTs; every other status must count 0 too.
      expect(byStatus.size).toBeGreaterThanOrEqual(2);
      for (const status of ECT_STATUSES)
        expect({ status, total: await total('/api/v1/ects', { status }) }).toEqual({
          status,
          total: byStatus.get(status) ?? 0,
        });
      expect(await total('/api/v1/ects')).toBe(registered.length);
      const bySchool = countBy(registered, (e) => e.state.leadSchoolUrn);
      for (const school of hub.schools)
        expect({ urn: school.urn, total: await total('/api/v1/ects', { schoolUrn: school.urn }) }).toEqual({
          urn: school.urn,
          total: bySchool.get(school.urn) ?? 0,
        });
    },
    STEP,
  );

  it(
    'counts the early-help queue by cause as the domain’s rules raise them (with training attendance)',
    async () => {
      const byEct = new Map<string, boolean[]>();
      for (const [key, attended] of Object.entries(attendance)) {
        const ectId = key.slice(key.indexOf('|') + 1);
        byEct.set(ectId, [...(byEct.get(ectId) ?? []), attended]);
      }
      const attendanceOf = (ectId: string): TrainingAttendance | undefined => {
        const values = byEct.get(ectId) ?? [];
        return values.length
          ? { attended: values.filter(Boolean).length, recorded: values.length }
          : undefined;
      };
      const causes = new Map(
        hub.ects.map((e) => [
          e.ectId,
          earlyHelpCausesAt(e.state, TODAY, t.ledger.domain.calendar, attendanceOf(e.ectId)).map(
            (c) => c.cause,
          ),
        ]),
      );
      const atRisk = [...causes.values()].filter((c) => c.length > 0).length;
      expect(atRisk).toBeGreaterThan(0);
      expect(await total('/api/v1/early-help/queue')).toBe(atRisk);
      const byCause = countBy(
        [...causes.values()].flatMap((c) => [...new Set(c)]),
        (c) => c,
      );
      expect(byCause.get('low-attendance') ?? 0).toBeGreaterThan(0);
      for (const cause of EARLY_HELP_CAUSES)
        expect({ cause, total: await total('/api/v1/early-help/queue', { cause }) }).toEqual({
          cause,
          total: byCause.get(cause) ?? 0,
        });
    },
    STEP,
  );

  it(
    'counts panel cases by status, recommendation and R16 lateness from the ECTs’ recommendations',
    async () => {
      const recommended = hub.ects.filter((e) => e.state.recommendation !== null);
      const awaiting = recommended.filter((e) => e.state.phase === 'awaiting-decision');
      expect(awaiting.length).toBeGreaterThan(0);
      expect(await total('/api/v1/panel/cases', { status: 'all' })).toBe(recommended.length);
      expect(await total('/api/v1/panel/cases')).toBe(awaiting.length);
      const byRecommendation = countBy(awaiting, (e) => e.state.recommendation!.recommendation);
      for (const recommendation of ['satisfactory', 'unsatisfactory', 'extension'])
        expect(await total('/api/v1/panel/cases', { recommendation })).toBe(
          byRecommendation.get(recommendation) ?? 0,
        );
      expect(await total('/api/v1/panel/cases', { overdue: 'true' })).toBe(
        awaiting.filter((e) => e.state.recommendation!.decisionDueBy < TODAY).length,
      );
    },
    STEP,
  );

  it(
    'draws the moderation sample by its rules: every not-on-track, every fail or extension, a share of the rest, each school once a year',
    async () => {
      const log = await t.ledger.runtime.eventStore.readAll({ limit: 1_000_000 });
      const schoolOf = new Map<string, string>();
      const forms: SchoolForm[] = [];
      for (const event of log) {
        const data = event.data as Record<string, never>;
        if (event.type === 'EctRegistered') schoolOf.set(event.streamId, data['schoolUrn']);
        if (event.type !== 'ProgressReviewSubmitted' && event.type !== 'FormalAssessmentRecorded') continue;
        const on = event.type === 'ProgressReviewSubmitted' ? data['submittedOn'] : data['receivedOn'];
        forms.push({
          formId: event.eventId,
          kind: event.type === 'ProgressReviewSubmitted' ? 'progress-review' : 'formal-assessment',
          onTrack: data['onTrack'],
          point: data['point'],
          recommendation: data['recommendation'],
          schoolUrn: schoolOf.get(event.streamId)!,
          academicYear: t.ledger.domain.calendar.termOnOrAfter(on).academicYear,
        });
      }
      const expected = drawSample(forms);
      const sample = await all<{ formId: string; reason: string; schoolUrn: string; kind: string }>(
        '/api/v1/moderation/queue',
        { status: 'all' },
      );
      expect(sample.length).toBe(expected.size);
      expect(countBy(sample, (f) => f.reason)).toEqual(countBy([...expected.values()], (r) => r));
      const reasons = new Map(sample.map((f) => [f.formId, f.reason]));
      // The rules, one by one, on the forms as submitted.
      for (const form of forms) {
        if (form.kind === 'progress-review' && form.onTrack === false)
          expect(reasons.get(form.formId)).toBe('not-on-track');
        if (
          form.kind === 'formal-assessment' &&
          form.point === 'final' &&
          form.recommendation !== 'satisfactory'
        )
          expect(reasons.get(form.formId)).toBe('fail-or-extend');
      }
      const schoolYears = new Set(forms.map((f) => `${f.schoolUrn}|${f.academicYear}`));
      const sampledSchoolYears = new Set(
        forms.filter((f) => reasons.has(f.formId)).map((f) => `${f.schoolUrn}|${f.academicYear}`),
      );
      expect(sampledSchoolYears).toEqual(schoolYears);
      const rest = forms.filter(
        (f) => !['not-on-track', 'fail-or-extend', 'unsatisfactory'].includes(expected.get(f.formId) ?? ''),
      );
      const random = rest.filter((f) => reasons.get(f.formId) === 'random').length;
      expect(random / rest.length).toBeGreaterThan(0.05);
      expect(random / rest.length).toBeLessThan(0.15);
      const bySchool = countBy(sample, (f) => f.schoolUrn);
      for (const school of hub.schools.slice(0, 10))
        expect(await total('/api/v1/moderation/queue', { status: 'all', schoolUrn: school.urn })).toBe(
          bySchool.get(school.urn) ?? 0,
        );
      const byKind = countBy(
        forms.filter((f) => expected.has(f.formId)),
        (f) => f.kind,
      );
      for (const kind of ['progress-review', 'formal-assessment'])
        expect(await total('/api/v1/moderation/queue', { status: 'all', kind })).toBe(byKind.get(kind) ?? 0);
    },
    STEP,
  );

  it(
    'counts training attendance per event as the training decider recorded it',
    async () => {
      const recorded = Object.keys(attendance);
      expect(recorded.length).toBeGreaterThan(0);
      expect(await total('/api/v1/training/2025/attendance')).toBe(recorded.length);
      for (const eventId of ['conf-2025', 'y2-cycle-1'])
        expect(await total('/api/v1/training/2025/attendance', { eventId })).toBe(
          recorded.filter((key) => key.startsWith(`${eventId}|`)).length,
        );
    },
    STEP,
  );

  it(
    'counts due items by kind, audience and overdue from each ECT’s folded state',
    async () => {
      const facts = hub.ects.flatMap((e) =>
        dueFacts({ ...e.state, people: {} }, t.ledger.domain.calendar).map((f) => ({
          ...f,
          schoolUrn: e.state.leadSchoolUrn,
        })),
      );
      expect(facts.length).toBeGreaterThan(0);
      expect(await total('/api/v1/due-items')).toBe(facts.length);
      const byKind = countBy(facts, (f) => f.kind);
      for (const kind of DUE_ITEM_KINDS)
        expect({ kind, total: await total('/api/v1/due-items', { kind }) }).toEqual({
          kind,
          total: byKind.get(kind) ?? 0,
        });
      const overdue = facts.filter((f) => f.dueBy < TODAY).length;
      expect(overdue).toBeGreaterThan(0);
      expect(await total('/api/v1/due-items', { overdue: 'true' })).toBe(overdue);
      expect(await total('/api/v1/due-items', { overdue: 'false' })).toBe(facts.length - overdue);
      expect(await total('/api/v1/due-items', { audience: 'ab' })).toBe(
        facts.filter((f) => f.audience === 'ab').length,
      );
      const urn = hub.schools[3]!.urn;
      expect(await total('/api/v1/due-items', { schoolUrn: urn })).toBe(
        facts.filter((f) => f.schoolUrn === urn).length,
      );
    },
    STEP,
  );

  it(
    'answers the same counts as at today by replay as the live read',
    async () => {
      const lists: [string, Record<string, string>][] = [
        ['/api/v1/ects', {}],
        ['/api/v1/early-help/queue', { status: 'all' }],
        ['/api/v1/moderation/queue', { status: 'all' }],
        ['/api/v1/due-items', { overdue: 'true' }],
      ];
      for (const [path, query] of lists) {
        const live = await get(path, { ...query, pageSize: 20 }).expect(200);
        const replayed = await get(path, { ...query, pageSize: 20, asAt: TODAY }).expect(200);
        expect({ path, body: replayed.body }).toEqual({ path, body: live.body });
      }
    },
    STEP,
  );

  it(
    'rebuilds each of the 11 projections to exactly the rows it had',
    async () => {
      expect(t.ledger.projections.map((p) => p.name).sort()).toEqual([...PROJECTIONS].sort());
      const ds = t.ledger.runtime.dataSource;
      for (const projection of t.ledger.projections) {
        const snapshot = async () => {
          const out: Record<string, unknown[]> = {};
          for (const table of projection.tables)
            // Whole-row order: a table's first column alone (an ECT id) is not unique.
            out[table] = await ds.query(`SELECT * FROM public."${table}" AS r ORDER BY r::text`);
          return out;
        };
        const before = await snapshot();
        await rebuildProjection(ds, t.ledger.runtime.eventStore, projection);
        expect({ projection: projection.name, rows: await snapshot() }).toEqual({
          projection: projection.name,
          rows: before,
        });
      }
    },
    HUB ? 1_800_000 : 300_000,
  );
});
