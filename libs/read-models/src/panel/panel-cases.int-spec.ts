import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MemoryEventStore } from '#event-store/memory/memory-event-store.js';
import { openReadModelDataSource } from '../read-model-data-source.js';
import {
  appendInTurns,
  itKeepsTheRowsWithAnyCache,
  applyLog,
  projectionRows,
  type ScriptedEvent,
} from '../runner/testing/keyed-rebuild.js';
import { createTestDatabase } from '../../../../test/support/postgres-test-database.js';
import { panelCasesProjection as projection } from './panel-cases.projection.js';

const databaseUrl = process.env.DATABASE_URL;
const d = databaseUrl ? describe : describe.skip;

const ECTS = 6;
const ectIds = Array.from({ length: ECTS }, () => randomUUID());
const meetingId = randomUUID();

/**
 * One ECT's panel history: registered, a review and an assessment (case records), a recommendation (round 0),
 * then either a transfer while the case is open or representations, a decision for two in three, a notice sent
 * twice to the same recipient, and a second recommendation (round 1) with representations for every other ECT.
 */
function ectScript(i: number): (ScriptedEvent | null)[] {
  const decided = i % 3 !== 0;
  const second = i % 2 === 0;
  return [
    { type: 'EctRegistered', data: { ectId: ectIds[i]!, schoolUrn: `10000${i % 2}` } },
    { type: 'ProgressReviewSubmitted', data: { onTrack: true, submittedOn: '2026-01-10' } },
    { type: 'FormalAssessmentRecorded', data: { point: 'final', receivedOn: '2026-06-01' } },
    {
      type: 'RecommendationReceived',
      data: {
        recommendation: i % 2 ? 'satisfactory' : 'unsatisfactory',
        receivedOn: '2026-06-02',
        representationsBy: '2026-06-12',
        decisionDueBy: '2026-06-22',
      },
    },
    i % 2
      ? { type: 'RepresentationsSubmitted', data: { submittedOn: '2026-06-05', summary: 's' } }
      : { type: 'EctTransferred', data: { toSchoolUrn: '200000', leftOn: '2026-06-04' } },
    decided
      ? {
          type: 'OutcomeDecided',
          data: {
            outcome: i % 2 ? 'pass' : 'extend',
            decidedOn: '2026-06-20',
            decidedBy: 'panel',
            rationale: `r${i}`,
            notifyBy: '2026-06-23',
            appealBy: i % 2 ? null : '2026-07-10',
            late: i === 4,
          },
        }
      : null,
    decided ? { type: 'OutcomeNotified', data: { recipient: 'ect', notifiedOn: '2026-06-21' } } : null,
    decided ? { type: 'OutcomeNotified', data: { recipient: 'ect', notifiedOn: '2026-06-22' } } : null,
    second
      ? {
          type: 'RecommendationReceived',
          data: {
            recommendation: 'satisfactory',
            receivedOn: '2027-01-05',
            representationsBy: '2027-01-15',
            decisionDueBy: '2027-01-25',
          },
        }
      : null,
    second ? { type: 'RepresentationsSubmitted', data: { submittedOn: '2027-01-08', summary: 't' } } : null,
  ];
}

const decision = (ectId: string, n: number): ScriptedEvent => ({
  type: 'PanelDecisionRecorded',
  data: {
    meetingId,
    ectId,
    decision: 'pass',
    extensionTerms: null,
    rationale: `m${n}`,
    present: ['p1', 'p2'],
    dissent: n === 3 ? [{ personId: 'p2', reason: 'no' }] : [],
    decidedOn: '2026-06-20',
  },
});

/** The meeting goes last in each turn: its decision at turn 2 finds no case yet, those from turn 3 on do. */
const meetingScript: ScriptedEvent[] = [
  {
    type: 'PanelMeetingScheduled',
    data: {
      meetingId,
      heldOn: '2026-06-20',
      quorum: 2,
      members: [{ personId: 'p1', schoolUrn: null }],
      scheduledOn: '2026-05-01',
      personal: { p1: { name: 'One' } },
    },
  },
  {
    type: 'PanelMembersAdded',
    data: {
      meetingId,
      members: [{ personId: 'p2', schoolUrn: '100001' }],
      addedOn: '2026-05-02',
      personal: { p2: null },
    },
  },
  decision(ectIds[0]!, 2),
  decision(ectIds[1]!, 3),
  decision(ectIds[2]!, 4),
  decision(randomUUID(), 5), // an ECT this projection never saw
  decision(ectIds[3]!, 6),
];

d('panel-cases over a log in time order (skipped: set DATABASE_URL)', () => {
  let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const store = new MemoryEventStore();
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    scratch = await createTestDatabase(databaseUrl!);
    dataSource = await openReadModelDataSource({ url: scratch.url, entities: [...projection.entities] });
    await appendInTurns(
      store,
      new Map([
        ...ectIds.map((id, i) => [`ect-${id}`, ectScript(i)] as const),
        [`panel-meeting-${meetingId}`, meetingScript],
      ]),
    );
    // The live runner's rows, one event a page.
    await applyLog(dataSource, store, projection, 1);
    live = await projectionRows(dataSource, projection);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  it('builds the cases the log describes', () => {
    expect(live['panel_ects']).toHaveLength(ECTS);
    expect(live['panel_cases']).toHaveLength(ECTS + ECTS / 2);
    const cases = live['panel_cases'] as Record<string, unknown>[];
    const first = (i: number) => cases.find((c) => c['ect_id'] === ectIds[i] && c['round'] === 0)!;
    // Transferred while open: the case moves school; decided and notified once however often it was sent.
    expect(first(2)).toMatchObject({ school_urn: '200000', status: 'decided', notified: ['ect'] });
    expect(first(3)).toMatchObject({ status: 'awaiting-decision', representations_on: '2026-06-05' });
    // Panel decisions land on the latest case, once the case exists.
    expect(first(0)).toMatchObject({ meeting_id: null });
    expect(first(1)).toMatchObject({ meeting_id: meetingId, dissent: [{ personId: 'p2', reason: 'no' }] });
    expect(first(2)).toMatchObject({ meeting_id: meetingId, present: ['p1', 'p2'] });
    // A review, an assessment and a recommendation each; representations, a second recommendation and its
    // representations for half of them each.
    expect(live['panel_case_records']).toHaveLength(ECTS * 3 + (ECTS / 2) * 3);
    expect(live['panel_meetings']).toHaveLength(1);
  });

  itKeepsTheRowsWithAnyCache(() => ({ dataSource, store, projection, live }), {
    title: "keeps each ECT's row and case across pages and writes each once, with the same rows",
    rowsWritten: ECTS + ECTS + ECTS / 2,
  });
});
