/**
 * The AB panel's read model (R15–R18, R21): each case awaiting or given an AB decision with its statutory
 * deadlines (R16 decision due, R17 notify by, R18 appeal by), every review, assessment, recommendation and
 * representation the panel reads before deciding, and the panel meetings with their members and decisions.
 * Overdue is decided at query time; nothing here reads the clock.
 */
import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { Json, RecordedEvent } from '#event-store/event-store.port.js';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import type {
  EctRegistered,
  EctTransferred,
  OutcomeDecided,
  OutcomeNotified,
  RecommendationReceived,
  RepresentationsSubmitted,
} from '#induction/induction/ect.events.js';
import type {
  PanelDecisionRecorded,
  PanelMeetingScheduled,
  PanelMembersAdded,
} from '#induction/panel/panel-meeting.decider.js';
import type { ApplyContext, Projection } from '../projection.js';
import { type KeyedTable, keyedRows } from '../runner/rebuild-row-cache.js';
import { eventDate } from '../entitlements/ect-fold.js';
import { bulkUpsert } from '../bulk-write.js';

export interface PanelEctRow {
  ectId: string;
  schoolUrn: string | null;
  revision: string;
  /** Recommendations received so far: the next case's round. */
  cases: number;
}
export type PanelCaseStatus = 'awaiting-decision' | 'decided';
export interface PanelCaseRow {
  ectId: string;
  round: number;
  schoolUrn: string | null;
  status: PanelCaseStatus;
  recommendation: string;
  receivedOn: IsoDate;
  representationsBy: IsoDate;
  representationsOn: IsoDate | null;
  decisionDueBy: IsoDate;
  outcome: string | null;
  decidedOn: IsoDate | null;
  decidedBy: string | null;
  rationale: string | null;
  notifyBy: IsoDate | null;
  appealBy: IsoDate | null;
  late: boolean;
  notified: string[];
  meetingId: string | null;
  present: string[];
  dissent: { personId: string; reason: string }[];
}
export type PanelRecordKind =
  'progress-review' | 'formal-assessment' | 'interim-assessment' | 'recommendation' | 'representations';
export interface PanelCaseRecordRow {
  eventId: string;
  ectId: string;
  streamRevision: string;
  kind: PanelRecordKind;
  on: IsoDate;
  data: { [key: string]: Json };
}
export interface PanelMeetingRow {
  meetingId: string;
  heldOn: IsoDate;
  quorum: number;
  members: { personId: string; schoolUrn: string | null; name: string | null }[];
  decisions: { ectId: string; decision: string; decidedOn: IsoDate }[];
  revision: string;
}

export const PanelEctEntity = new EntitySchema<PanelEctRow>({
  name: 'PanelEct',
  tableName: 'panel_ects',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'panel_ects_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    revision: { type: 'bigint' },
    cases: { type: 'int' },
  },
});

export const PanelCaseEntity = new EntitySchema<PanelCaseRow>({
  name: 'PanelCase',
  tableName: 'panel_cases',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'panel_cases_pkey' },
    round: { type: 'int', primary: true, primaryKeyConstraintName: 'panel_cases_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    status: { type: 'text' },
    recommendation: { type: 'text' },
    receivedOn: { name: 'received_on', type: 'text' },
    representationsBy: { name: 'representations_by', type: 'text' },
    representationsOn: { name: 'representations_on', type: 'text', nullable: true },
    decisionDueBy: { name: 'decision_due_by', type: 'text' },
    outcome: { type: 'text', nullable: true },
    decidedOn: { name: 'decided_on', type: 'text', nullable: true },
    decidedBy: { name: 'decided_by', type: 'text', nullable: true },
    rationale: { type: 'text', nullable: true },
    notifyBy: { name: 'notify_by', type: 'text', nullable: true },
    appealBy: { name: 'appeal_by', type: 'text', nullable: true },
    late: { type: 'boolean' },
    notified: { type: 'jsonb' },
    meetingId: { name: 'meeting_id', type: 'uuid', nullable: true },
    present: { type: 'jsonb' },
    dissent: { type: 'jsonb' },
  },
  indices: [
    { name: 'panel_cases_status_due', columns: ['status', 'decisionDueBy'] },
    { name: 'panel_cases_school', columns: ['schoolUrn'] },
  ],
});

export const PanelCaseRecordEntity = new EntitySchema<PanelCaseRecordRow>({
  name: 'PanelCaseRecord',
  tableName: 'panel_case_records',
  columns: {
    eventId: {
      name: 'event_id',
      type: 'uuid',
      primary: true,
      primaryKeyConstraintName: 'panel_case_records_pkey',
    },
    ectId: { name: 'ect_id', type: 'uuid' },
    streamRevision: { name: 'stream_revision', type: 'bigint' },
    kind: { type: 'text' },
    on: { type: 'text' },
    data: { type: 'jsonb' },
  },
  indices: [{ name: 'panel_case_records_ect', columns: ['ectId', 'streamRevision'] }],
});

export const PanelMeetingEntity = new EntitySchema<PanelMeetingRow>({
  name: 'PanelMeeting',
  tableName: 'panel_meetings',
  columns: {
    meetingId: {
      name: 'meeting_id',
      type: 'uuid',
      primary: true,
      primaryKeyConstraintName: 'panel_meetings_pkey',
    },
    heldOn: { name: 'held_on', type: 'text' },
    quorum: { type: 'int' },
    members: { type: 'jsonb' },
    decisions: { type: 'jsonb' },
    revision: { type: 'bigint' },
  },
  indices: [{ name: 'panel_meetings_held_on', columns: ['heldOn'] }],
});

const RECORD_KINDS: Record<string, PanelRecordKind> = {
  ProgressReviewSubmitted: 'progress-review',
  FormalAssessmentRecorded: 'formal-assessment',
  InterimAssessmentRecorded: 'interim-assessment',
  RecommendationReceived: 'recommendation',
  RepresentationsSubmitted: 'representations',
};
const ECT_TYPES = [
  'EctRegistered',
  'EctTransferred',
  ...Object.keys(RECORD_KINDS),
  'OutcomeDecided',
  'OutcomeNotified',
];
const ECT_STREAM = /^ect-(.+)$/;
const MEETING_STREAM = /^panel-meeting-(.+)$/;

const names = (personal: Record<string, { name: string } | null> | undefined, id: string) =>
  personal?.[id]?.name ?? null;

const caseKey = (ectId: string, round: number) => `${ectId}|${round}`;

/** `panel_ects` by ECT id, as `apply` reads and writes them (kept across pages in a rebuild). */
const panelEctRows: KeyedTable<PanelEctRow> = {
  name: 'panel_ects',
  key: (row) => row.ectId,
  load: (em, ids) => em.find(PanelEctEntity, { where: { ectId: In([...ids]) } }),
  write: (em, rows) => bulkUpsert(em, PanelEctEntity, rows, ['ectId']),
};

/**
 * `panel_cases` by ECT and round (`caseKey`). Read through the ECT ids (the primary key's first column), as
 * the projection always read them, keeping only the rounds asked for.
 */
const panelCaseRows: KeyedTable<PanelCaseRow> = {
  name: 'panel_cases',
  key: (row) => caseKey(row.ectId, row.round),
  async load(em, keys) {
    const wanted = new Set(keys);
    const ectIds = [...new Set(keys.map((key) => key.slice(0, key.lastIndexOf('|'))))];
    const rows = await em.find(PanelCaseEntity, { where: { ectId: In(ectIds) } });
    return rows.filter((row) => wanted.has(caseKey(row.ectId, row.round)));
  },
  write: (em, rows) => bulkUpsert(em, PanelCaseEntity, rows, ['ectId', 'round']),
};

export const panelCasesProjection: Projection = {
  name: 'panel-cases',
  tables: ['panel_ects', 'panel_cases', 'panel_case_records', 'panel_meetings'],
  entities: [PanelEctEntity, PanelCaseEntity, PanelCaseRecordEntity, PanelMeetingEntity],
  eventTypes: [...ECT_TYPES, 'PanelMeetingScheduled', 'PanelMembersAdded', 'PanelDecisionRecorded'],
  async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
    const ectIds = new Set<string>();
    const meetingIds = new Set<string>();
    for (const event of events) {
      const ect = ECT_STREAM.exec(event.streamId);
      if (ect) ectIds.add(ect[1]!);
      const meeting = MEETING_STREAM.exec(event.streamId);
      if (meeting) meetingIds.add(meeting[1]!);
      if (event.type === 'PanelDecisionRecorded')
        ectIds.add((event.data as PanelDecisionRecorded['data']).ectId);
    }
    if (ectIds.size === 0 && meetingIds.size === 0) return;
    // The ECT rows and their latest cases, by key: kept across a rebuild's pages, read and written every page
    // when live. Copies, since this page changes them in place and a kept row must only change through `put`.
    const ectTable = keyedRows(em, context, panelEctRows);
    const caseTable = keyedRows(em, context, panelCaseRows);
    const ects = new Map<string, PanelEctRow>();
    for (const [id, row] of await ectTable.get([...ectIds])) ects.set(id, { ...row });
    // Only an ECT's latest case is ever read (`latestCase`); a new one is made here, in this page.
    const cases = new Map<string, PanelCaseRow>();
    const latestKeys = [...ects.values()]
      .filter((r) => r.cases > 0)
      .map((r) => caseKey(r.ectId, r.cases - 1));
    for (const [key, row] of await caseTable.get(latestKeys)) cases.set(key, { ...row });
    const meetings = new Map(
      (meetingIds.size
        ? await em.find(PanelMeetingEntity, { where: { meetingId: In([...meetingIds]) } })
        : []
      ).map((r) => [r.meetingId, r]),
    );
    const touchedEcts = new Set<string>();
    const touchedCases = new Set<string>();
    const touchedMeetings = new Set<string>();
    const records: PanelCaseRecordRow[] = [];
    const latestCase = (ectId: string): PanelCaseRow | undefined => {
      const ect = ects.get(ectId);
      if (!ect || ect.cases === 0) return undefined;
      return cases.get(caseKey(ectId, ect.cases - 1));
    };
    const touch = (row: PanelCaseRow) => touchedCases.add(caseKey(row.ectId, row.round));

    for (const event of events) {
      const ectMatch = ECT_STREAM.exec(event.streamId);
      if (ectMatch) {
        const ectId = ectMatch[1]!;
        let ect = ects.get(ectId);
        if (ect && BigInt(ect.revision) >= event.streamRevision) continue;
        ect ??= { ectId, schoolUrn: null, revision: '-1', cases: 0 };
        ect.revision = event.streamRevision.toString();
        ects.set(ectId, ect);
        touchedEcts.add(ectId);
        const kind = RECORD_KINDS[event.type];
        if (kind) {
          records.push({
            eventId: event.eventId,
            ectId,
            streamRevision: event.streamRevision.toString(),
            kind,
            on: eventDate(event),
            data: event.data,
          });
        }
        switch (event.type) {
          case 'EctRegistered':
            ect.schoolUrn = (event.data as EctRegistered['data']).schoolUrn;
            break;
          case 'EctTransferred': {
            ect.schoolUrn = (event.data as EctTransferred['data']).toSchoolUrn;
            const open = latestCase(ectId);
            if (open?.status === 'awaiting-decision') {
              open.schoolUrn = ect.schoolUrn;
              touch(open);
            }
            break;
          }
          case 'RecommendationReceived': {
            const data = event.data as RecommendationReceived['data'];
            const row: PanelCaseRow = {
              ectId,
              round: ect.cases,
              schoolUrn: ect.schoolUrn,
              status: 'awaiting-decision',
              recommendation: data.recommendation,
              receivedOn: data.receivedOn,
              representationsBy: data.representationsBy,
              representationsOn: null,
              decisionDueBy: data.decisionDueBy,
              outcome: null,
              decidedOn: null,
              decidedBy: null,
              rationale: null,
              notifyBy: null,
              appealBy: null,
              late: false,
              notified: [],
              meetingId: null,
              present: [],
              dissent: [],
            };
            ect.cases += 1;
            cases.set(caseKey(ectId, row.round), row);
            touch(row);
            break;
          }
          case 'RepresentationsSubmitted': {
            const row = latestCase(ectId);
            if (row) {
              row.representationsOn = (event.data as RepresentationsSubmitted['data']).submittedOn;
              touch(row);
            }
            break;
          }
          case 'OutcomeDecided': {
            const row = latestCase(ectId);
            const data = event.data as OutcomeDecided['data'];
            if (row) {
              Object.assign(row, {
                status: 'decided',
                outcome: data.outcome,
                decidedOn: data.decidedOn,
                decidedBy: data.decidedBy,
                rationale: data.rationale,
                notifyBy: data.notifyBy,
                appealBy: data.appealBy,
                late: data.late,
              });
              touch(row);
            }
            break;
          }
          case 'OutcomeNotified': {
            const row = latestCase(ectId);
            const recipient = (event.data as OutcomeNotified['data']).recipient;
            if (row && !row.notified.includes(recipient)) {
              row.notified = [...row.notified, recipient];
              touch(row);
            }
            break;
          }
        }
        continue;
      }
      const meetingMatch = MEETING_STREAM.exec(event.streamId);
      if (!meetingMatch) continue;
      const meetingId = meetingMatch[1]!;
      const meeting = meetings.get(meetingId);
      if (meeting && BigInt(meeting.revision) >= event.streamRevision) continue;
      if (event.type === 'PanelMeetingScheduled') {
        const data = event.data as PanelMeetingScheduled['data'];
        meetings.set(meetingId, {
          meetingId,
          heldOn: data.heldOn,
          quorum: data.quorum,
          members: data.members.map((m) => ({ ...m, name: names(data.personal, m.personId) })),
          decisions: [],
          revision: event.streamRevision.toString(),
        });
        touchedMeetings.add(meetingId);
        continue;
      }
      if (!meeting) continue;
      meeting.revision = event.streamRevision.toString();
      touchedMeetings.add(meetingId);
      if (event.type === 'PanelMembersAdded') {
        const data = event.data as PanelMembersAdded['data'];
        meeting.members = [
          ...meeting.members,
          ...data.members.map((m) => ({ ...m, name: names(data.personal, m.personId) })),
        ];
      } else if (event.type === 'PanelDecisionRecorded') {
        const data = event.data as PanelDecisionRecorded['data'];
        meeting.decisions = [
          ...meeting.decisions,
          { ectId: data.ectId, decision: data.decision, decidedOn: data.decidedOn },
        ];
        const row = latestCase(data.ectId);
        if (row) {
          row.meetingId = meetingId;
          row.present = data.present;
          row.dissent = data.dissent;
          touch(row);
        }
      }
    }

    await ectTable.put([...touchedEcts].map((id) => ects.get(id)!));
    await caseTable.put([...touchedCases].map((key) => cases.get(key)!));
    // `never`: TypeORM's deep-partial type does not terminate on the recursive Json of `data`.
    if (records.length) await bulkUpsert(em, PanelCaseRecordEntity, records as never, ['eventId']);
    if (touchedMeetings.size)
      await bulkUpsert(
        em,
        PanelMeetingEntity,
        [...touchedMeetings].map((id) => meetings.get(id)!),
        ['meetingId'],
      );
  },
};
