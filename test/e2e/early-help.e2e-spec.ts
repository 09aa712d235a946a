import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays } from '#induction/calendar/calendar-date.js';
import { earlyHelpCausesAt } from '#induction/early-help/early-help-causes.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { appendHub, generateHub, type GeneratedHub } from '#read-models/audit/testing/hub-generator.js';
import { expectRebuildKeepsRows } from '../support/rebuild-rows.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const TODAY = '2026-03-02';

/** Appends a marker after everything written so far: its position is what the read models must reach. */
const mark = async (t: TestLedger) =>
  (
    await t.ledger.runtime.eventStore.append(
      `test-marker-${randomUUID()}`,
      [
        {
          eventId: randomUUID(),
          type: 'TestMarker',
          schemaVersion: 1,
          data: {},
          metadata: { actor: 'test', correlationId: 'mark', causationId: 'mark' },
        },
      ],
      { expectedRevision: 'no_stream' },
    )
  ).globalPosition;

interface QueueItem {
  caseId: string;
  ectId: string;
  status: string;
  openedOn: string;
  dueBy: string;
  openCauses: {
    cause: string;
    rule: string;
    since: string;
    eventId: string | null;
    eventType: string | null;
  }[];
}

describe('early help: the hub’s queue of ECTs at risk and what it did about them', () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;

  const waitFor = async (position: bigint | string) =>
    expect(
      await new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore).waitFor(
        BigInt(position),
        t.ledger.projections.map((p) => p.name),
        300_000,
      ),
    ).toBe(true);
  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${token}`);
  const act = (ectId: string, body: object, key?: string) => {
    const request = t.http
      .post(`/api/v1/early-help/cases/${ectId}/actions`)
      .set('Authorization', `Bearer ${token}`);
    if (key) request.set('Idempotency-Key', key);
    return request.send(body);
  };
  const openQueue = async (): Promise<QueueItem[]> => {
    const items: QueueItem[] = [];
    for (let page = 1; ; page += 1) {
      const response = await get('/api/v1/early-help/queue', { page, pageSize: 100 }).expect(200);
      items.push(...(response.body.items as QueueItem[]));
      if (page * 100 >= response.body.total) return items;
    }
  };
  const expectedCauses = (today: string) => {
    const expected = new Map<string, string[]>();
    for (const ect of hub.ects) {
      const causes = earlyHelpCausesAt(ect.state, today, t.ledger.domain.calendar);
      if (causes.length > 0) expected.set(ect.ectId, causes.map((c) => `${c.cause}@${c.since}`).sort());
    }
    return expected;
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    token = await t.token('hub_staff');
    hub = generateHub({
      seed: 7,
      schools: 4,
      ects: 60,
      ect: t.ledger.domain.ect,
      school: t.ledger.domain.school,
      calendar: t.ledger.domain.calendar,
      today: TODAY,
    });
    await appendHub(t.ledger.runtime.eventStore, hub as never);
    await waitFor(await mark(t));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('opens a case for every ECT a rule fires for, with each cause, its rule and since when', async () => {
    const expected = expectedCauses(TODAY);
    expect(expected.size).toBeGreaterThan(0);
    const queue = await openQueue();
    expect(new Set(queue.map((c) => c.ectId))).toEqual(new Set(expected.keys()));
    for (const item of queue) {
      expect(item.status).toBe('open');
      expect(item.openCauses.map((c) => `${c.cause}@${c.since}`).sort()).toEqual(expected.get(item.ectId));
      expect(item.openedOn).toBe(item.openCauses.map((c) => c.since).sort()[0]);
      for (const cause of item.openCauses) {
        expect(cause.rule).toMatch(/^R\d+$/);
        // Causes events decide name the event; time-raised ones wait for the nightly sweep.
        if (!['review-overdue', 'report-overdue', 'timetable-over-limit'].includes(cause.cause))
          expect(cause.eventId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    const sorted = [...queue].map((c) => c.openedOn);
    expect(sorted).toEqual([...sorted].sort());
  });

  it('gives the nightly sweep’s event for causes that came with time, through the same rules', async () => {
    const result = await t.worker.jobs!.recordTimeFacts(TODAY);
    expect(result.appended).toBeGreaterThan(0);
    await waitFor(await mark(t));
    const queue = await openQueue();
    expect(new Set(queue.map((c) => c.ectId))).toEqual(new Set(expectedCauses(TODAY).keys()));
    const timed = queue.flatMap((c) => c.openCauses).filter((c) => c.cause === 'review-overdue');
    expect(timed.length).toBeGreaterThan(0);
    for (const cause of timed) expect(cause.eventType).toBe('EarlyHelpCauseDetected');
    // A second sweep on the same night records nothing new.
    const again = await t.worker.jobs!.recordTimeFacts(TODAY);
    await waitFor(await mark(t));
    const rows = (await t.ledger.runtime.dataSource.query(
      `SELECT SUM(jsonb_array_length(detected))::int AS n FROM early_help_cases`,
    )) as { n: number }[];
    expect(rows[0]!.n).toBe(result.appended);
    void again;
  });

  it('filters by cause and school, pages with Link headers and exports CSV', async () => {
    const queue = await openQueue();
    const cause = queue[0]!.openCauses[0]!.cause;
    const filtered = await get('/api/v1/early-help/queue', { cause, pageSize: 500 }).expect(200);
    expect(filtered.body.total).toBe(queue.filter((c) => c.openCauses.some((x) => x.cause === cause)).length);
    const urn = hub.schools[0]!.urn;
    const bySchool = await get('/api/v1/early-help/queue', { schoolUrn: urn, pageSize: 500 }).expect(200);
    const inSchool = new Set(hub.ects.filter((e) => e.schoolUrn === urn).map((e) => e.ectId));
    expect(bySchool.body.items.every((c: QueueItem) => inSchool.has(c.ectId))).toBe(true);
    const paged = await get('/api/v1/early-help/queue', { page: 1, pageSize: 2 }).expect(200);
    expect(paged.body.items).toHaveLength(2);
    expect(paged.headers['link']).toContain('rel="next"');
    const csv = await get('/api/v1/early-help/queue', { pageSize: 5 }).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toContain('Causes');
  });

  it('records a contact idempotently, then closes the case with a reason', async () => {
    const [first] = await openQueue();
    const ectId = first!.ectId;
    const body = { kind: 'call', note: 'Called the induction tutor', dueBy: addDays(TODAY, 7) };
    const accepted = await act(ectId, body, 'eh-call-1').expect(201);
    const retried = await act(ectId, body, 'eh-call-1').expect(201);
    expect(retried.headers['etag']).toBe(accepted.headers['etag']);
    await act(
      ectId,
      { kind: 'support-plan', note: 'Support plan agreed with the school' },
      'eh-plan-1',
    ).expect(201);
    await waitFor(accepted.headers['x-log-position'] as string);
    const open = await get(`/api/v1/early-help/cases/${ectId}`).expect(200);
    expect(open.body.status).toBe('open');
    expect(open.body.dueBy).toBe(addDays(TODAY, 7));

    const closed = await act(
      ectId,
      { kind: 'closed', note: 'Mentor named; reviews back on track' },
      'eh-close-1',
    ).expect(201);
    await waitFor(closed.headers['x-log-position'] as string);
    const after = await get(`/api/v1/early-help/cases/${ectId}`).expect(200);
    expect(after.body.status).toBe('resolved');
    expect(after.body.resolution).toBe('Mentor named; reviews back on track');
    expect(after.body.actions.map((a: { kind: string }) => a.kind)).toEqual(['call', 'support-plan']);
    const queue = await openQueue();
    expect(queue.some((c) => c.ectId === ectId)).toBe(false);
  });

  it('reopens a closed case when a cause arises after the closing', async () => {
    const later = addDays(TODAY, 150);
    const candidate = hub.ects.find((ect) => {
      const now = earlyHelpCausesAt(ect.state, TODAY, t.ledger.domain.calendar);
      const then = earlyHelpCausesAt(ect.state, later, t.ledger.domain.calendar);
      return now.length > 0 && then.some((c) => c.since > TODAY);
    });
    expect(candidate).toBeDefined();
    const closed = await act(candidate!.ectId, { kind: 'closed', note: 'School reassured us' }).expect(201);
    await waitFor(closed.headers['x-log-position'] as string);
    const resolved = await get(`/api/v1/early-help/cases/${candidate!.ectId}`).expect(200);
    expect(resolved.body.status).toBe('resolved');
    t.clock.set(`${later}T09:00:00Z`);
    try {
      const reopened = await get(`/api/v1/early-help/cases/${candidate!.ectId}`).expect(200);
      expect(reopened.body.status).toBe('open');
      expect(reopened.body.openCauses.every((c: { since: string }) => c.since > TODAY)).toBe(true);
    } finally {
      t.clock.set(`${TODAY}T09:00:00Z`);
    }
  });

  it('answers 400 per field, 404 for an unknown ECT and 403 to anyone but hub staff', async () => {
    const ectId = hub.ects[0]!.ectId;
    const bad = await act(ectId, { kind: 'phoned', note: '', dueBy: '2026-02-30' }).expect(400);
    const messages = JSON.stringify(bad.body);
    expect(messages).toContain('kind must be one of');
    expect(messages).toContain('note is required');
    expect(messages).toContain('dueBy must be a real date');
    await get('/api/v1/early-help/queue', { status: 'stuck' }).expect(400);
    await act('00000000-0000-4000-8000-000000000000', { kind: 'note', note: 'x' }).expect(404);
    await get('/api/v1/early-help/cases/not-an-id').expect(404);
    const tutor = await t.token('induction_tutor', [hub.schools[0]!.urn]);
    await t.http.get('/api/v1/early-help/queue').set('Authorization', `Bearer ${tutor}`).expect(403);
    await t.http
      .post(`/api/v1/early-help/cases/${ectId}/actions`)
      .set('Authorization', `Bearer ${tutor}`)
      .send({ kind: 'note', note: 'x' })
      .expect(403);
  });

  it('rebuilds the early-help queue to the rows it had', async () => {
    // Every table: the cases, their date spans and the spans' per-day counts.
    const before = await expectRebuildKeepsRows(t, 'early-help-queue');
    expect(before['early_help_cases']!.length).toBeGreaterThan(0);
  }, 120_000);
});
