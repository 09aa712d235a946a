import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { DEMO_SCHOOLS, demoEcts } from '../../apps/cli/src/demo/demo-ab.js';
import { seedDemo } from '../../apps/cli/src/demo/seed-demo.js';
import { foldLog, listCountChecks } from '../support/list-counts.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import { readWholeLog } from '../support/whole-log.js';

/**
 * Issue 5, "done when", on the demo data: `ledger seed-demo` (what `npm start -- --demo` shows) seeded into
 * a test ledger, then every list answers with the counts the domain computes by folding the events read back
 * from the event store (never by re-querying the table under test), and every projection rebuilds to the rows
 * it had. Checked on the seeding day and again later in the year, when more of the demo's reviews are due.
 */
const SEEDED = '2026-11-26';
const LATER = '2027-06-15';

describe('demo data counts: every list against the domain, on `ledger seed-demo`', () => {
  let t: TestLedger;
  let token: string;
  let folded: ReturnType<typeof foldLog>;
  const schoolUrns = DEMO_SCHOOLS.map((s) => s.urn);

  beforeAll(async () => {
    t = await startTestLedger({ now: `${SEEDED}T09:00:00Z` });
    token = await t.token('hub_staff');
    // The log is stamped as recorded on the seeding day (not the machine's), so a view as at then replays it.
    const ds = t.ledger.runtime.dataSource;
    await ds.query(
      `ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT '${SEEDED}T08:00:00Z'::timestamptz`,
    );
    const summary = await seedDemo(t.ledger, t.clock);
    await ds.query(`ALTER TABLE event_store.events ALTER COLUMN recorded_at SET DEFAULT now()`);
    expect(summary).toEqual({ schools: DEMO_SCHOOLS.length, ects: demoEcts().length, skipped: 0 });
    const log = await readWholeLog(t);
    folded = foldLog(log, t.ledger.domain);
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      log.at(-1)!.globalPosition,
      t.ledger.projections.map((p) => p.name),
      120_000,
    );
    expect(fresh).toBe(true);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('seeds idempotently: a second seed appends nothing', async () => {
    const [{ count: before }] = await t.ledger.runtime.dataSource.query(
      'SELECT count(*)::int AS count FROM event_store.events',
    );
    expect(await seedDemo(t.ledger, t.clock)).toEqual({
      schools: 0,
      ects: 0,
      skipped: DEMO_SCHOOLS.length + demoEcts().length,
    });
    const [{ count: after }] = await t.ledger.runtime.dataSource.query(
      'SELECT count(*)::int AS count FROM event_store.events',
    );
    expect(after).toBe(before);
  });

  it('folds the demo log into its 6 schools and 30 registered ECTs', () => {
    expect(folded.schools.sort()).toEqual([...schoolUrns].sort());
    expect(folded.ects).toHaveLength(demoEcts().length);
    expect(new Set(folded.ects.map((e) => e.state.leadSchoolUrn))).toEqual(new Set(schoolUrns));
  });

  for (const today of [SEEDED, LATER])
    describe(`on ${today}`, () => {
      let checks: ReturnType<typeof listCountChecks>;
      beforeAll(() => {
        t.clock.set(`${today}T09:00:00Z`);
        checks = listCountChecks(t, token, today);
      });

      it('counts the school register as the schools added', async () => {
        expect(await checks.total('/api/v1/schools')).toBe(folded.schools.length);
      });

      it('counts the ECT register by status and by school as the domain’s summary does', async () => {
        const byStatus = await checks.register(folded.ects, schoolUrns);
        // Every other status must count 0 too (the demo records no outcomes, so all are in progress).
        expect([...byStatus.values()].reduce((a, b) => a + b, 0)).toBe(demoEcts().length);
      });

      it('counts R22 entitlements by check and status, and per school, as the domain checks them', async () => {
        const open = await checks.entitlements(folded.ects);
        expect(open.length).toBeGreaterThan(0);
      });

      it('counts the early-help queue by cause as the domain’s rules raise them', async () => {
        await checks.earlyHelp(folded.ects, {});
      });

      it('counts no panel cases, moderation forms or training attendance: the demo records none', async () => {
        const { recommended } = await checks.panel(folded.ects);
        expect(recommended).toEqual([]);
        const { expected } = await checks.moderation(folded.forms, schoolUrns);
        expect(expected.size).toBe(0);
        expect(folded.attendance.size).toBe(0);
        for (const year of [2025, 2026]) expect(await checks.training(year, {}, [])).toEqual([]);
      });

      it('counts due items by kind, audience, overdue and school from each ECT’s folded state', async () => {
        const { facts, overdue } = await checks.dueItems(folded.ects, schoolUrns);
        expect(facts.length).toBeGreaterThan(0);
        if (today === LATER) expect(overdue).toBeGreaterThan(0);
      });

      it('answers the same counts as at today by replay as the live read', async () => {
        await checks.asAtEqualsLive();
      });
    });

  it('rebuilds each of the 11 projections to exactly the rows it had', async () => {
    await listCountChecks(t, token, LATER).rebuildsEachProjection();
  }, 120_000);
});
