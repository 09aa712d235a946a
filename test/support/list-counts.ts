/**
 * Issue 5, "done when": every list answers with the counts the domain itself computes from the same events
 * (never by re-querying the table under test), and every projection rebuilds to the rows it had. The
 * domain-side counting and the list checks shared by the hub-scale and the demo-data e2e files.
 */
import { expect } from '@jest/globals';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import { earlyHelpCausesAt, type TrainingAttendance } from '#induction/early-help/early-help-causes.js';
import { checkEntitlements } from '#induction/entitlements/r22-entitlements.js';
import type { EctState } from '#induction/induction/ect.state.js';
import { drawSample, type SchoolForm } from '#induction/moderation/moderation-sample.js';
import {
  createTrainingProgrammeDecider,
  type TrainingProgrammeState,
} from '#induction/training/training-programme.decider.js';
import { dueFacts, type DueFact } from '#read-models/reminders/due-facts.js';
import { ECT_STATUSES } from '../../apps/api/src/ects/ect-status.js';
import { CHECK_STATUSES, ENTITLEMENTS } from '../../apps/api/src/entitlements/list-entitlements.query.dto.js';
import { EARLY_HELP_CAUSES } from '../../apps/api/src/early-help/list-early-help.query.dto.js';
import { DUE_ITEM_KINDS } from '../../apps/api/src/reminders/due-items.query.dto.js';
import type { LedgerDomain } from '../../apps/api/src/domain/ledger-domain.js';
import type { TestLedger } from './test-ledger.js';
import { expectRebuildKeepsRows } from './rebuild-rows.js';

export const PROJECTIONS = [
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

export const countBy = <T>(items: readonly T[], key: (item: T) => string | null | undefined) => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null && k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

export interface CountedEct {
  ectId: string;
  state: EctState;
}

/** `<eventId>|<participantId>` → attended, as the training decider folded it. */
export type Attendance = Readonly<Record<string, boolean>>;

/** Every SchoolForm of the log (progress reviews and formal assessments), as the moderation sample sees it. */
export function moderationForms(log: readonly RecordedEvent[], domain: LedgerDomain): SchoolForm[] {
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
      academicYear: domain.calendar.termOnOrAfter(on).academicYear,
    });
  }
  return forms;
}

/**
 * The domain's own view of a log: each ECT stream folded by the ECT decider, the schools added, each
 * year's training attendance folded by the training decider, and the forms submitted.
 */
export function foldLog(log: readonly RecordedEvent[], domain: LedgerDomain) {
  const ectStates = new Map<string, EctState>();
  const schools = new Set<string>();
  const training = new Map<number, TrainingProgrammeState>();
  for (const event of log) {
    if (event.streamId.startsWith('ect-')) {
      const state = ectStates.get(event.streamId) ?? domain.ect.initialState();
      ectStates.set(event.streamId, domain.ect.evolve(state, domain.toEctEvent(event)));
    } else if (event.type === 'SchoolAdded') {
      schools.add((event.data as { urn: string }).urn);
    } else if (event.streamId.startsWith('training-programme-')) {
      const year = Number(event.streamId.slice('training-programme-'.length));
      const decider = createTrainingProgrammeDecider(domain.calendar, year);
      const state = training.get(year) ?? decider.initialState();
      training.set(
        year,
        decider.evolve(state, {
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
        } as never),
      );
    }
  }
  const ects: CountedEct[] = [...ectStates.values()]
    .filter((state) => state.ectId !== null)
    .map((state) => ({ ectId: state.ectId!, state }));
  const attendance = new Map([...training].map(([year, state]) => [year, state.attendance as Attendance]));
  return { ects, schools: [...schools], attendance, forms: moderationForms(log, domain) };
}

type Query = Record<string, string | number>;

/** The list checks of one ledger, as hub staff (who see every school) at `today`. */
export function listCountChecks(t: TestLedger, token: string, today: string) {
  const domain = () => t.ledger.domain;
  const get = (path: string, query: Query = {}) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${token}`);
  const total = async (path: string, query: Query = {}) =>
    (await get(path, { ...query, pageSize: 1 }).expect(200)).body.total as number;
  const all = async <T>(path: string, query: Query = {}): Promise<T[]> => {
    const items: T[] = [];
    for (let page = 1; ; page += 1) {
      const body = (await get(path, { ...query, page, pageSize: 500 }).expect(200)).body;
      items.push(...(body.items as T[]));
      if (page * 500 >= body.total) return items;
    }
  };

  return {
    get,
    total,
    all,

    /** GET /ects by status (as the domain's summary says), in all and by school; returns the status counts. */
    async register(ects: readonly CountedEct[], schoolUrns: readonly string[]) {
      const registered = ects.filter((e) => e.state.phase !== 'unregistered');
      const byStatus = countBy(registered, (e) => domain().summarise(e.state, today).status);
      for (const status of ECT_STATUSES)
        expect({ status, total: await total('/api/v1/ects', { status }) }).toEqual({
          status,
          total: byStatus.get(status) ?? 0,
        });
      expect(await total('/api/v1/ects')).toBe(registered.length);
      const bySchool = countBy(registered, (e) => e.state.leadSchoolUrn);
      for (const urn of schoolUrns)
        expect({ urn, total: await total('/api/v1/ects', { schoolUrn: urn }) }).toEqual({
          urn,
          total: bySchool.get(urn) ?? 0,
        });
      return byStatus;
    },

    /**
     * GET /entitlements (open ECTs) in all, by entitlement and status, and GET /entitlements/schools with
     * each school's ECTs and those with every check met, from the domain's R22 checks today.
     */
    async entitlements(ects: readonly CountedEct[]) {
      const status = (met: boolean | null) => (met === null ? 'unknown' : met ? 'met' : 'not-met');
      const open = ects
        .filter((e) => e.state.phase === 'open' || e.state.phase === 'awaiting-decision')
        .map((e) => ({
          schoolUrn: e.state.leadSchoolUrn ?? '',
          checks: checkEntitlements(e.state, today, domain().calendar).map((c) => ({
            entitlement: c.entitlement,
            status: status(c.met),
          })),
        }));
      expect(await total('/api/v1/entitlements')).toBe(open.length);
      for (const entitlement of ENTITLEMENTS)
        for (const checkStatus of CHECK_STATUSES)
          expect({
            entitlement,
            checkStatus,
            total: await total('/api/v1/entitlements', { entitlement, status: checkStatus }),
          }).toEqual({
            entitlement,
            checkStatus,
            total: open.filter((e) =>
              e.checks.some((c) => c.entitlement === entitlement && c.status === checkStatus),
            ).length,
          });
      const schools = await all<{ schoolUrn: string; ects: number; ectsWithAllMet: number }>(
        '/api/v1/entitlements/schools',
      );
      const expected = new Map<string, { ects: number; ectsWithAllMet: number }>();
      for (const e of open) {
        const school = expected.get(e.schoolUrn) ?? { ects: 0, ectsWithAllMet: 0 };
        school.ects += 1;
        if (e.checks.every((c) => c.status === 'met')) school.ectsWithAllMet += 1;
        expected.set(e.schoolUrn, school);
      }
      expect(
        new Map(schools.map((s) => [s.schoolUrn, { ects: s.ects, ectsWithAllMet: s.ectsWithAllMet }])),
      ).toEqual(expected);
      return open;
    },

    /** GET /early-help/queue in all and by cause, from the causes the domain's rules raise today. */
    async earlyHelp(ects: readonly CountedEct[], attendance: Attendance) {
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
      const causes = ects.map((e) =>
        earlyHelpCausesAt(e.state, today, domain().calendar, attendanceOf(e.ectId)).map((c) => c.cause),
      );
      const atRisk = causes.filter((c) => c.length > 0).length;
      expect(await total('/api/v1/early-help/queue')).toBe(atRisk);
      const byCause = countBy(
        causes.flatMap((c) => [...new Set(c)]),
        (c) => c,
      );
      for (const cause of EARLY_HELP_CAUSES)
        expect({ cause, total: await total('/api/v1/early-help/queue', { cause }) }).toEqual({
          cause,
          total: byCause.get(cause) ?? 0,
        });
      return { atRisk, byCause };
    },

    /** GET /panel/cases by status, recommendation and R16 lateness, from the ECTs' recommendations. */
    async panel(ects: readonly CountedEct[]) {
      const recommended = ects.filter((e) => e.state.recommendation !== null);
      const awaiting = recommended.filter((e) => e.state.phase === 'awaiting-decision');
      expect(await total('/api/v1/panel/cases', { status: 'all' })).toBe(recommended.length);
      expect(await total('/api/v1/panel/cases')).toBe(awaiting.length);
      const byRecommendation = countBy(awaiting, (e) => e.state.recommendation!.recommendation);
      for (const recommendation of ['satisfactory', 'unsatisfactory', 'extension'])
        expect(await total('/api/v1/panel/cases', { recommendation })).toBe(
          byRecommendation.get(recommendation) ?? 0,
        );
      expect(await total('/api/v1/panel/cases', { overdue: 'true' })).toBe(
        awaiting.filter((e) => e.state.recommendation!.decisionDueBy < today).length,
      );
      return { recommended, awaiting };
    },

    /**
     * GET /moderation/queue against the sample the domain draws from the forms: every not-on-track, every
     * fail or extension, each school once a year; by school and by kind.
     */
    async moderation(forms: readonly SchoolForm[], schoolUrns: readonly string[]) {
      const expected = drawSample(forms);
      const sample = await all<{ formId: string; reason: string; schoolUrn: string; kind: string }>(
        '/api/v1/moderation/queue',
        { status: 'all' },
      );
      expect(sample.length).toBe(expected.size);
      expect(countBy(sample, (f) => f.reason)).toEqual(countBy([...expected.values()], (r) => r));
      const reasons = new Map(sample.map((f) => [f.formId, f.reason]));
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
      const bySchool = countBy(sample, (f) => f.schoolUrn);
      for (const urn of schoolUrns)
        expect(await total('/api/v1/moderation/queue', { status: 'all', schoolUrn: urn })).toBe(
          bySchool.get(urn) ?? 0,
        );
      const byKind = countBy(
        forms.filter((f) => expected.has(f.formId)),
        (f) => f.kind,
      );
      for (const kind of ['progress-review', 'formal-assessment'])
        expect(await total('/api/v1/moderation/queue', { status: 'all', kind })).toBe(byKind.get(kind) ?? 0);
      return { expected, reasons };
    },

    /** GET /training/:year/attendance in all and per event, as the training decider recorded it. */
    async training(year: number, attendance: Attendance, eventIds: readonly string[]) {
      const recorded = Object.keys(attendance);
      expect(await total(`/api/v1/training/${year}/attendance`)).toBe(recorded.length);
      for (const eventId of eventIds)
        expect(await total(`/api/v1/training/${year}/attendance`, { eventId })).toBe(
          recorded.filter((key) => key.startsWith(`${eventId}|`)).length,
        );
      return recorded;
    },

    /** GET /due-items in all, by kind, overdue or not, for the AB and by school, from each ECT's due facts. */
    async dueItems(ects: readonly CountedEct[], schoolUrns: readonly string[]) {
      const facts: (DueFact & { schoolUrn: string | null })[] = ects.flatMap((e) =>
        dueFacts({ ...e.state, people: {} }, domain().calendar).map((f) => ({
          ...f,
          schoolUrn: e.state.leadSchoolUrn,
        })),
      );
      expect(await total('/api/v1/due-items')).toBe(facts.length);
      const byKind = countBy(facts, (f) => f.kind);
      for (const kind of DUE_ITEM_KINDS)
        expect({ kind, total: await total('/api/v1/due-items', { kind }) }).toEqual({
          kind,
          total: byKind.get(kind) ?? 0,
        });
      const overdue = facts.filter((f) => f.dueBy < today).length;
      expect(await total('/api/v1/due-items', { overdue: 'true' })).toBe(overdue);
      expect(await total('/api/v1/due-items', { overdue: 'false' })).toBe(facts.length - overdue);
      expect(await total('/api/v1/due-items', { audience: 'ab' })).toBe(
        facts.filter((f) => f.audience === 'ab').length,
      );
      for (const urn of schoolUrns)
        expect({ urn, total: await total('/api/v1/due-items', { schoolUrn: urn }) }).toEqual({
          urn,
          total: facts.filter((f) => f.schoolUrn === urn).length,
        });
      return { facts, overdue };
    },

    /** The lists as at today, by replay, answer what the live read does. */
    async asAtEqualsLive() {
      const lists: [string, Query][] = [
        ['/api/v1/ects', {}],
        ['/api/v1/schools', {}],
        ['/api/v1/entitlements', {}],
        ['/api/v1/early-help/queue', { status: 'all' }],
        ['/api/v1/moderation/queue', { status: 'all' }],
        ['/api/v1/due-items', { overdue: 'true' }],
      ];
      for (const [path, query] of lists) {
        const live = await get(path, { ...query, pageSize: 20 }).expect(200);
        const replayed = await get(path, { ...query, pageSize: 20, asAt: today }).expect(200);
        expect({ path, body: replayed.body }).toEqual({ path, body: live.body });
      }
    },

    /** Rebuilds each of the 11 projections and expects exactly the rows it had. */
    async rebuildsEachProjection() {
      expect(t.ledger.projections.map((p) => p.name).sort()).toEqual([...PROJECTIONS].sort());
      for (const projection of t.ledger.projections) await expectRebuildKeepsRows(t, projection.name);
    },
  };
}
