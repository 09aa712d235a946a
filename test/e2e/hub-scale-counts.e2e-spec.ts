import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EctState } from '#induction/induction/ect.state.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
} from '#induction/training/training-programme.decider.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import {
  appendHub,
  generateHub,
  mulberry32,
  type GeneratedHub,
} from '#read-models/audit/testing/hub-generator.js';
import { listCountChecks, moderationForms } from '../support/list-counts.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { readWholeLog } from '../support/whole-log.js';

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
describe(`hub-scale counts: every list against the domain (${ECTS} ECTs, ${SCHOOLS} schools)`, () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;
  /** `<eventId>|<participantId>` → attended, as the training decider folded it. */
  let attendance: Record<string, boolean>;

  const checks = () => listCountChecks(t, token, TODAY);
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
      const byStatus = await checks().register(
        hub.ects,
        hub.schools.map((s) => s.urn),
      );
      // The generator makes in-progress and awaiting-decision ECTs; every other status must count 0 too.
      expect(byStatus.size).toBeGreaterThanOrEqual(2);
    },
    STEP,
  );

  it(
    'counts R22 entitlements by check and status, and per school, as the domain checks them',
    async () => {
      expect((await checks().entitlements(hub.ects)).length).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'counts the early-help queue by cause as the domain’s rules raise them (with training attendance)',
    async () => {
      const { atRisk, byCause } = await checks().earlyHelp(hub.ects, attendance);
      expect(atRisk).toBeGreaterThan(0);
      expect(byCause.get('low-attendance') ?? 0).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'counts panel cases by status, recommendation and R16 lateness from the ECTs’ recommendations',
    async () => {
      const { awaiting } = await checks().panel(hub.ects);
      expect(awaiting.length).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'draws the moderation sample by its rules: every not-on-track, every fail or extension, a share of the rest, each school once a year',
    async () => {
      const log = await readWholeLog(t);
      const forms = moderationForms(log, t.ledger.domain);
      const { expected, reasons } = await checks().moderation(
        forms,
        hub.schools.slice(0, 10).map((s) => s.urn),
      );
      const rest = forms.filter(
        (f) => !['not-on-track', 'fail-or-extend', 'unsatisfactory'].includes(expected.get(f.formId) ?? ''),
      );
      const random = rest.filter((f) => reasons.get(f.formId) === 'random').length;
      expect(random / rest.length).toBeGreaterThan(0.05);
      expect(random / rest.length).toBeLessThan(0.15);
    },
    STEP,
  );

  it(
    'counts training attendance per event as the training decider recorded it',
    async () => {
      const recorded = await checks().training(2025, attendance, ['conf-2025', 'y2-cycle-1']);
      expect(recorded.length).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'counts due items by kind, audience and overdue from each ECT’s folded state',
    async () => {
      const { facts, overdue } = await checks().dueItems(hub.ects, [hub.schools[3]!.urn]);
      expect(facts.length).toBeGreaterThan(0);
      expect(overdue).toBeGreaterThan(0);
    },
    STEP,
  );

  it(
    'answers the same counts as at today by replay as the live read',
    async () => {
      await checks().asAtEqualsLive();
    },
    STEP,
  );

  it(
    'rebuilds each of the 11 projections to exactly the rows it had',
    async () => {
      await checks().rebuildsEachProjection();
    },
    HUB ? 1_800_000 : 300_000,
  );
});
