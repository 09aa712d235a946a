import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkEntitlements } from '#induction/entitlements/r22-entitlements.js';
import { progressReviewsDue } from '#induction/progress-reviews/r11-progress-reviews.js';
import {
  createTrainingProgrammeDecider,
  trainingProgrammeStreamId,
  type TrainingCommand,
} from '#induction/training/training-programme.decider.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { appendHub, generateHub, type GeneratedHub } from '#read-models/audit/testing/hub-generator.js';
import { expectRebuildKeepsRows } from '../support/rebuild-rows.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/** Hub scale (3,000 ECTs, 150 schools) with LEDGER_HUB_SCALE=1; a tenth of it otherwise, to keep CI fast. */
const HUB = process.env['LEDGER_HUB_SCALE'] === '1';
const ECTS = HUB ? 3000 : 150;
const SCHOOLS = HUB ? 150 : 10;
const TODAY = '2026-03-02';

describe('R22 statutory-entitlement view and induction plans on a generated hub', () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    token = await t.token('hub_staff');
    hub = generateHub({
      seed: 42,
      schools: SCHOOLS,
      ects: ECTS,
      ect: t.ledger.domain.ect,
      school: t.ledger.domain.school,
      calendar: t.ledger.domain.calendar,
      today: TODAY,
    });
    await appendHub(t.ledger.runtime.eventStore, hub as never);
    const last = await publishTraining(t);
    // Visible once no older transaction on the server is still open (gap-free reads): wait, bounded.
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      last,
      t.ledger.projections.map((p) => p.name),
      240_000,
    );
    expect(fresh).toBe(true);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${token}`);

  it('answers every check with the domain’s own verdict, and counts them right per school', async () => {
    const expected = new Map<string, Map<string, boolean | null>>();
    for (const ect of hub.ects) {
      if (ect.state.phase !== 'open' && ect.state.phase !== 'awaiting-decision') continue;
      const checks = checkEntitlements(ect.state, TODAY, t.ledger.domain.calendar);
      expected.set(ect.ectId, new Map(checks.map((c) => [c.entitlement, c.met])));
    }
    const seen = new Map<string, Map<string, boolean | null>>();
    for (let page = 1; ; page += 1) {
      const response = await get('/api/v1/entitlements', { page, pageSize: 500 }).expect(200);
      for (const item of response.body.items as {
        ectId: string;
        checks: { entitlement: string; met: boolean | null }[];
      }[])
        seen.set(item.ectId, new Map(item.checks.map((c) => [c.entitlement, c.met])));
      if (page * 500 >= response.body.total) break;
    }
    expect(seen.size).toBe(expected.size);
    for (const [id, checks] of expected)
      expect({ id, checks: Object.fromEntries(seen.get(id)!) }).toEqual({
        id,
        checks: Object.fromEntries(checks),
      });

    const overdue = [...expected.values()].filter((c) => c.get('reviews-on-time') === false).length;
    expect(overdue).toBeGreaterThan(0);
    const filtered = await get('/api/v1/entitlements', {
      entitlement: 'reviews-on-time',
      status: 'not-met',
      pageSize: 1,
    }).expect(200);
    expect(filtered.body.total).toBe(overdue);

    const urn = hub.schools[1]!.urn;
    const school = await get('/api/v1/entitlements', { schoolUrn: urn, pageSize: 500 }).expect(200);
    const inSchool = hub.ects.filter((e) => e.schoolUrn === urn && expected.has(e.ectId));
    expect(school.body.total).toBe(inSchool.length);
    const bySchool = await get('/api/v1/entitlements/schools', { schoolUrn: urn }).expect(200);
    expect(bySchool.body.items[0].ects).toBe(inSchool.length);
    expect(bySchool.body.items[0].byEntitlement['mentor-distinct-from-tutor'].notMet).toBe(
      inSchool.filter((e) => expected.get(e.ectId)!.get('mentor-distinct-from-tutor') === false).length,
    );
  });

  it('says since when and which event decided each check', async () => {
    const response = await get('/api/v1/entitlements', { pageSize: 5 }).expect(200);
    for (const item of response.body.items) {
      for (const check of item.checks) {
        expect(check.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(['met', 'not-met', 'unknown']).toContain(check.status);
        if (check.entitlement !== 'reviews-on-time' || check.met)
          expect(check.eventId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    const csv = await get('/api/v1/entitlements', { pageSize: 3 }).set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\n')[0]).toContain('reviews-on-time since');
  });

  it('scopes an induction tutor to their own school', async () => {
    const urn = hub.schools[0]!.urn;
    const tutor = await t.token('induction_tutor', [urn]);
    const response = await t.http
      .get('/api/v1/entitlements')
      .query({ pageSize: 500 })
      .set('Authorization', `Bearer ${tutor}`)
      .expect(200);
    expect(response.body.items.every((i: { schoolUrn: string }) => i.schoolUrn === urn)).toBe(true);
  });

  it('rebuilds every projection to the rows it had', async () => {
    for (const projection of t.ledger.projections) await expectRebuildKeepsRows(t, projection.name);
  }, 300_000);

  it('gives every statutory date of an ECT from the domain’s own schedule, pro rata for part-time', async () => {
    const partTime = hub.ects.find(
      (e) => e.state.phase === 'open' && e.state.posts[0]!.patterns[0]!.fte < 1,
    )!;
    const plan = await get(`/api/v1/ects/${partTime.ectId}/plan`).expect(200);
    const reviews = (plan.body.entries as { kind: string; date: string }[]).filter(
      (e) => e.kind === 'progress-review',
    );
    expect(reviews.map((r) => r.date)).toEqual(
      progressReviewsDue(partTime.state, t.ledger.domain.calendar).map((r) => r.dueBy),
    );
  });

  it('downloads a school’s plan as an iCalendar file with every ECT, mentor and training event', async () => {
    const urn = hub.schools[0]!.urn;
    const json = await get(`/api/v1/schools/${urn}/plan`).expect(200);
    const entries = json.body.entries as { kind: string; who: string; uid: string }[];
    expect(json.body.ects.length).toBe(
      hub.ects.filter((e) => e.schoolUrn === urn && ['open', 'awaiting-decision'].includes(e.state.phase))
        .length,
    );
    expect(entries.some((e) => e.kind === 'induction-conference' && e.who === 'ect')).toBe(true);
    expect(entries.some((e) => e.kind === 'induction-conference' && e.who === 'mentor')).toBe(true);
    expect(entries.some((e) => e.kind === 'mentor-session')).toBe(true);

    const ics = await get(`/api/v1/schools/${urn}/plan`).set('Accept', 'text/calendar').expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['content-disposition']).toContain('.ics');
    const events = parseIcs(ics.text);
    expect(events).toHaveLength(entries.length);
    for (const event of events) {
      expect(event['UID']).toBeTruthy();
      expect(event['DTSTAMP']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(event['DTSTART']).toBeTruthy();
    }
    expect(new Set(events.map((e) => e['UID'])).size).toBe(events.length);
    const csv = await get(`/api/v1/schools/${urn}/plan`).set('Accept', 'text/csv').expect(200);
    expect(csv.text.trim().split('\n')).toHaveLength(entries.length + 1);
  });
});

/** Unfolds an iCalendar text and returns each VEVENT's properties (name without parameters → value). */
function parseIcs(text: string): Record<string, string>[] {
  expect(text.startsWith('BEGIN:VCALENDAR')).toBe(true);
  expect(text.trim().endsWith('END:VCALENDAR')).toBe(true);
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/);
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]!] = line.slice(colon + 1);
    }
  }
  return events;
}

/** The hub's 2025/26 programme, decided by the training-programme decider and appended to its stream. */
async function publishTraining(t: TestLedger) {
  const decider = createTrainingProgrammeDecider(t.ledger.domain.calendar, 2025);
  const commands: TrainingCommand[] = [
    {
      type: 'FormPhaseGroup',
      data: {
        groupId: 'p1',
        name: 'Primary 1',
        phase: 'primary',
        facilitator: { personId: '0f0f0f0f-0000-4000-8000-000000000001', name: 'Fay' },
        on: '2025-07-01',
      },
    },
    {
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
            startTime: '09:00',
            endTime: '15:30',
            audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
          },
          {
            eventId: 'y1-p1-1',
            kind: 'year-1-session',
            title: 'Year 1 session 2',
            date: '2025-10-15',
            audiences: ['ect-year-1'],
            groupId: 'p1',
          },
          {
            eventId: 'y2-cycle-1',
            kind: 'year-2-development-cycle',
            title: 'Development cycle 1',
            date: '2025-11-05',
            audiences: ['ect-year-2'],
          },
          {
            eventId: 'mentor-1',
            kind: 'mentor-session',
            title: 'Mentor session (online)',
            date: '2025-11-20',
            audiences: ['mentor-year-1'],
            online: true,
          },
          {
            eventId: 'lead-1',
            kind: 'leadership-module',
            title: 'Preparing for middle leadership',
            date: '2026-06-10',
            audiences: ['ect-year-2'],
          },
        ],
      },
    },
  ];
  let state = decider.initialState();
  const events = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    state = decided.reduce(decider.evolve, state);
    events.push(...decided);
  }
  const appended = await t.ledger.runtime.eventStore.append(
    trainingProgrammeStreamId(2025),
    events.map((e, i) => ({
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data as never,
      metadata: { actor: 'test', correlationId: 'training', causationId: 'training' },
    })),
    { expectedRevision: 'no_stream' },
  );
  return appended.globalPosition;
}
