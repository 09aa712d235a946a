import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ectSchedule, inductionYearFromSchedule } from '#induction/early-help/ect-schedule.js';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { appendHub, generateHub, type GeneratedHub } from '#read-models/audit/testing/hub-generator.js';
import { expectRebuildKeepsRows } from '../support/rebuild-rows.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const TODAY = '2025-08-20';
const YEAR = 2025;
const facilitator = (i: number) => ({
  personId: `0f0f0f0f-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Facilitator ${i}`,
});

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

interface Suggested {
  suggestedGroupId: string;
  name: string;
  phase: string;
  ects: { ectId: string }[];
}
interface Group {
  groupId: string;
  phase: string;
  facilitatorId: string;
  facilitatorName: string;
  size: number;
  ectIds: string[];
}

describe('the hub’s training programme: events, year-1 phase groups, attendance', () => {
  let t: TestLedger;
  let hub: GeneratedHub;
  let token: string;
  let suggested: Suggested[];

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
  const post = (path: string, body: object, key?: string, bearer = token) => {
    const request = t.http.post(path).set('Authorization', `Bearer ${bearer}`);
    if (key) request.set('Idempotency-Key', key);
    return request.send(body);
  };
  const allGroups = async (): Promise<Group[]> =>
    (await get(`/api/v1/training/${YEAR}/groups`, { pageSize: 500 }).expect(200)).body.items as Group[];

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    token = await t.token('hub_staff');
    hub = generateHub({
      seed: 11,
      schools: 4,
      ects: 80,
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

  it('suggests phase groups of about 20 with every year-1 ECT in exactly one', async () => {
    const terms = t.ledger.domain.calendar.academicYearTerms(YEAR);
    const yearOne = hub.ects
      .filter((e) => e.state.phase === 'open' || e.state.phase === 'awaiting-decision')
      .filter((e) => e.state.startDate !== null && e.state.startDate <= terms.summer.end)
      .filter((e) => {
        const from = e.state.startDate! > terms.autumn.start ? e.state.startDate! : terms.autumn.start;
        return inductionYearFromSchedule(ectSchedule(e.state, t.ledger.domain.calendar), from) === 1;
      })
      .map((e) => e.ectId);
    expect(yearOne.length).toBeGreaterThan(0);
    const response = await get(`/api/v1/training/${YEAR}/groups/suggestion`).expect(200);
    suggested = response.body.groups as Suggested[];
    const placed = suggested.flatMap((g) => g.ects.map((e) => e.ectId));
    expect(placed.sort()).toEqual([...yearOne].sort());
    for (const group of suggested) expect(group.ects.length).toBeLessThan(30);
  });

  it('confirms the groups with one facilitator each, idempotently, and lets staff move an ECT', async () => {
    const body = {
      groups: suggested.map((g, i) => ({
        groupId: g.suggestedGroupId,
        name: g.name,
        phase: g.phase,
        facilitator: facilitator(i),
        ectIds: g.ects.map((e) => e.ectId),
      })),
    };
    const first = await post(`/api/v1/training/${YEAR}/groups`, body, 'groups-1').expect(201);
    const retry = await post(`/api/v1/training/${YEAR}/groups`, body, 'groups-1').expect(201);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    await waitFor(first.headers['x-log-position'] as string);
    let groups = await allGroups();
    expect(groups.map((g) => g.groupId).sort()).toEqual(suggested.map((g) => g.suggestedGroupId).sort());
    expect(groups.every((g) => g.facilitatorName.startsWith('Facilitator'))).toBe(true);
    const members = groups.flatMap((g) => g.ectIds);
    expect(new Set(members).size).toBe(members.length);

    // A second group of the same phase to move someone into.
    const from = groups[0]!;
    const moving = from.ectIds[0]!;
    const moved = await post(`/api/v1/training/${YEAR}/groups`, {
      groups: [
        {
          groupId: `${from.phase}-extra`,
          name: 'Extra group',
          phase: from.phase,
          facilitator: facilitator(50),
          ectIds: [moving],
        },
      ],
    }).expect(201);
    await waitFor(moved.headers['x-log-position'] as string);
    groups = await allGroups();
    expect(groups.filter((g) => g.ectIds.includes(moving)).map((g) => g.groupId)).toEqual([
      `${from.phase}-extra`,
    ]);
    const csv = await get(`/api/v1/training/${YEAR}/groups`).set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\n')[0]).toContain('Facilitator');
  });

  it('refuses a second facilitator (409), an ECT in two groups and bad fields (400)', async () => {
    const group = (await allGroups())[0]!;
    await post(`/api/v1/training/${YEAR}/groups`, {
      groups: [
        { groupId: group.groupId, name: 'x', phase: group.phase, facilitator: facilitator(77), ectIds: [] },
      ],
    }).expect(409);
    const ectId = group.ectIds[0]!;
    const twice = await post(`/api/v1/training/${YEAR}/groups`, {
      groups: [
        { groupId: 'a-1', name: 'A', phase: 'primary', facilitator: facilitator(1), ectIds: [ectId] },
        { groupId: 'a-2', name: 'B', phase: 'primary', facilitator: facilitator(2), ectIds: [ectId] },
      ],
    }).expect(400);
    expect(JSON.stringify(twice.body)).toContain('more than one group');
    const bad = await post(`/api/v1/training/${YEAR}/groups`, {
      groups: [
        { groupId: 'Bad Id', name: '', phase: 'college', facilitator: { personId: 'x' }, ectIds: ['y'] },
      ],
    }).expect(400);
    const messages = JSON.stringify(bad.body);
    for (const text of [
      'groupId must be',
      'name is required',
      'phase must be one of',
      'personId must be a UUID',
    ])
      expect(messages).toContain(text);
    await get(`/api/v1/training/12/groups`).expect(404);
  });

  it('publishes the year’s events once, and the plan shows an ECT its own group’s sessions', async () => {
    const groups = await allGroups();
    const [mine, other] = groups;
    const events = [
      {
        eventId: 'conf-2025',
        kind: 'induction-conference',
        title: 'Induction conference',
        date: '2025-09-12',
        startTime: '09:00',
        endTime: '15:30',
        audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
      },
      ...groups.map((g) => ({
        eventId: `y1-${g.groupId}-1`,
        kind: 'year-1-session',
        title: `Year 1 session 1 (${g.groupId})`,
        date: '2025-10-15',
        audiences: ['ect-year-1'],
        groupId: g.groupId,
      })),
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
        title: 'Mentor session',
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
    ];
    const bad = await post(`/api/v1/training/${YEAR}/programme`, {
      events: [{ ...events[0], kind: 'party', date: '2025-09-31', startTime: '9am' }],
    }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('kind must be one of');
    const late = await post(`/api/v1/training/${YEAR}/programme`, {
      events: [{ ...events[0]!, date: '2025-10-01' }],
    }).expect(400);
    expect(JSON.stringify(late.body)).toContain('September');

    const published = await post(`/api/v1/training/${YEAR}/programme`, { events }, 'publish-1').expect(201);
    await post(`/api/v1/training/${YEAR}/programme`, { events }, 'publish-1').expect(201);
    await post(`/api/v1/training/${YEAR}/programme`, { events }).expect(409);
    await waitFor(published.headers['x-log-position'] as string);
    const list = await get(`/api/v1/training/${YEAR}/events`, { pageSize: 2 }).expect(200);
    expect(list.body.total).toBe(events.length);
    expect(list.headers['link']).toContain('rel="next"');
    const csv = await get(`/api/v1/training/${YEAR}/events`).set('Accept', 'text/csv').expect(200);
    expect(csv.text).toContain('conf-2025');

    const ectId = mine!.ectIds[0]!;
    const plan = await get(`/api/v1/ects/${ectId}/plan`).expect(200);
    const uids = (plan.body.entries as { uid: string; who: string }[]).map((e) => e.uid);
    expect(uids).toContain(`${ectId}.training.conf-2025`);
    expect(uids).toContain(`${ectId}.training.y1-${mine!.groupId}-1`);
    if (other) expect(uids).not.toContain(`${ectId}.training.y1-${other.groupId}-1`);
  });

  it('records attendance per event, idempotently; poor attendance opens an early-help case', async () => {
    const group = (await allGroups())[0]!;
    const [absent, present] = group.ectIds;
    const body = {
      eventId: 'conf-2025',
      records: [
        { participantId: absent, role: 'ect', attended: false },
        { participantId: present, role: 'ect', attended: true },
      ],
    };
    await post(`/api/v1/training/${YEAR}/attendance`, body).expect(400); // before the event
    t.clock.set('2025-09-15T09:00:00Z');
    const first = await post(`/api/v1/training/${YEAR}/attendance`, body, 'att-1').expect(201);
    const retry = await post(`/api/v1/training/${YEAR}/attendance`, body, 'att-1').expect(201);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    await post(`/api/v1/training/${YEAR}/attendance`, { ...body, eventId: 'nope' }).expect(404);
    const invalid = await post(`/api/v1/training/${YEAR}/attendance`, {
      eventId: 'conf-2025',
      records: [{ participantId: 'x', role: 'head', attended: 'yes' }],
    }).expect(400);
    for (const text of ['participantId must be a UUID', 'role must be ect or mentor', 'attended must be'])
      expect(JSON.stringify(invalid.body)).toContain(text);
    await waitFor(first.headers['x-log-position'] as string);

    const rows = await get(`/api/v1/training/${YEAR}/attendance`, { eventId: 'conf-2025' }).expect(200);
    expect(rows.body.total).toBe(2);
    const caseOf = await get(`/api/v1/early-help/cases/${absent}`).expect(200);
    const low = caseOf.body.causes.find((c: { cause: string }) => c.cause === 'low-attendance');
    expect(low).toMatchObject({ rule: 'R22', eventType: 'AttendanceRecorded' });
    const other = await get(`/api/v1/early-help/cases/${present}`).expect(200);
    expect(other.body.causes.some((c: { cause: string }) => c.cause === 'low-attendance')).toBe(false);
  });

  it('lets only hub staff change the programme (403)', async () => {
    const tutor = await t.token('induction_tutor', [hub.schools[0]!.urn]);
    await post(
      `/api/v1/training/${YEAR}/attendance`,
      { eventId: 'conf-2025', records: [] },
      undefined,
      tutor,
    ).expect(403);
    await post(`/api/v1/training/${YEAR}/groups`, { groups: [] }, undefined, tutor).expect(403);
    await t.http.get(`/api/v1/training/${YEAR}/groups`).set('Authorization', `Bearer ${tutor}`).expect(403);
    await t.http.get(`/api/v1/training/${YEAR}/events`).set('Authorization', `Bearer ${tutor}`).expect(200);
  });

  it('rebuilds the training and early-help read models to the rows they had', async () => {
    for (const name of ['training-programme', 'early-help-queue']) await expectRebuildKeepsRows(t, name);
  }, 120_000);
});
