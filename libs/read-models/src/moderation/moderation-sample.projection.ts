/**
 * The hub's moderation sample (domain.md, "The hub's own service": moderation checks). Each submitted progress
 * review and formal assessment goes through the domain's `sampleReason`: every not-on-track review, every fail
 * or extension recommendation, a seeded share of the rest and each school's first form of an academic year
 * when nothing of theirs is in yet. The share is a hash of the form id (the submission event's id), so a
 * rebuild replaying the log keeps exactly the same sample. Moderators' findings and returns update the form.
 */
import { EntitySchema, In, type EntityManager } from 'typeorm';
import type { Json, RecordedEvent } from '#event-store/event-store.port.js';
import type { IsoDate } from '#induction/calendar/calendar-date.js';
import type { TermCalendar } from '#induction/calendar/r1-terms.js';
import type {
  EctRegistered,
  EctTransferred,
  FormalAssessmentRecorded,
  ProgressReviewSubmitted,
} from '#induction/induction/ect.events.js';
import type {
  FormReturnedForAmendment,
  ModerationFindingRecorded,
} from '#induction/moderation/moderation-check.decider.js';
import {
  type FormKind,
  type SampleReason,
  type SubmittedForm,
  sampleReason,
} from '#induction/moderation/moderation-sample.js';
import type { ApplyContext, Projection } from '../projection.js';
import { type KeyedTable, type RebuildRowCache, keyedRows } from '../runner/rebuild-row-cache.js';
import { bulkUpsert } from '../bulk-write.js';

export interface ModerationEctRow {
  ectId: string;
  schoolUrn: string | null;
  revision: string;
}
export interface ModerationFormRow {
  formId: string;
  ectId: string;
  schoolUrn: string;
  kind: FormKind;
  /** The school term the form was submitted in, e.g. `2025-autumn` (academic year 2025/26). */
  term: string;
  academicYear: number;
  submittedOn: IsoDate;
  reason: SampleReason;
  /** The form as submitted (no personal data: that lives only in `data.personal` of registration). */
  form: { [key: string]: Json };
  verdict: 'agree' | 'disagree' | null;
  feedback: string | null;
  moderatorId: string | null;
  checkedOn: IsoDate | null;
  returned: boolean;
  returnReason: string | null;
  returnedOn: IsoDate | null;
}

export const ModerationEctEntity = new EntitySchema<ModerationEctRow>({
  name: 'ModerationEct',
  tableName: 'moderation_ects',
  columns: {
    ectId: { name: 'ect_id', type: 'uuid', primary: true, primaryKeyConstraintName: 'moderation_ects_pkey' },
    schoolUrn: { name: 'school_urn', type: 'text', nullable: true },
    revision: { type: 'bigint' },
  },
});

export const ModerationFormEntity = new EntitySchema<ModerationFormRow>({
  name: 'ModerationForm',
  tableName: 'moderation_forms',
  columns: {
    formId: {
      name: 'form_id',
      type: 'uuid',
      primary: true,
      primaryKeyConstraintName: 'moderation_forms_pkey',
    },
    ectId: { name: 'ect_id', type: 'uuid' },
    schoolUrn: { name: 'school_urn', type: 'text' },
    kind: { type: 'text' },
    term: { type: 'text' },
    academicYear: { name: 'academic_year', type: 'int' },
    submittedOn: { name: 'submitted_on', type: 'text' },
    reason: { type: 'text' },
    form: { type: 'jsonb' },
    verdict: { type: 'text', nullable: true },
    feedback: { type: 'text', nullable: true },
    moderatorId: { name: 'moderator_id', type: 'text', nullable: true },
    checkedOn: { name: 'checked_on', type: 'text', nullable: true },
    returned: { type: 'boolean' },
    returnReason: { name: 'return_reason', type: 'text', nullable: true },
    returnedOn: { name: 'returned_on', type: 'text', nullable: true },
  },
  indices: [
    { name: 'moderation_forms_school_year', columns: ['schoolUrn', 'academicYear'] },
    { name: 'moderation_forms_term', columns: ['term'] },
    // The queue's order (GET /moderation/queue): a national first page sorted all 48,257 forms, jsonb and
    // all, on disk (95 ms); walking this index gives it in 0.4 ms.
    { name: 'moderation_forms_submitted', columns: ['submittedOn', 'formId'] },
  ],
});

export interface ModerationSampleOptions {
  calendar: TermCalendar;
  /** Share of routine forms drawn at random (0–1; 10% by default). */
  share?: number;
  seed?: string;
}

const ECT_STREAM = /^ect-(.+)$/;
const CHECK_STREAM = /^moderation-(.+)$/;

/** The submitted form as the sampling rule sees it, with the date it reached the AB. */
function submittedForm(event: RecordedEvent): (SubmittedForm & { submittedOn: IsoDate }) | null {
  if (event.type === 'ProgressReviewSubmitted') {
    const data = event.data as ProgressReviewSubmitted['data'];
    return {
      formId: event.eventId,
      kind: 'progress-review',
      onTrack: data.onTrack,
      submittedOn: data.submittedOn,
    };
  }
  if (event.type === 'FormalAssessmentRecorded') {
    const data = event.data as FormalAssessmentRecorded['data'];
    return {
      formId: event.eventId,
      kind: 'formal-assessment',
      point: data.point,
      recommendation: data.recommendation,
      submittedOn: data.receivedOn,
    };
  }
  return null;
}

/** `moderation_ects` by ECT id, as `apply` reads and writes them (kept across pages in a rebuild). */
const moderationEctRows: KeyedTable<ModerationEctRow> = {
  name: 'moderation_ects',
  key: (row) => row.ectId,
  load: (em, ids) => em.find(ModerationEctEntity, { where: { ectId: In([...ids]) } }),
  write: (em, rows) => bulkUpsert(em, ModerationEctEntity, rows, ['ectId']),
};

/**
 * The school-years known to have a form in the sample, kept across a rebuild's pages (by the rebuild's row
 * cache, which belongs to one rebuild's tables). A form, once in, is never taken out, so a school-year once
 * found stays found: the lookup below then asks PostgreSQL only about school-years with no form seen yet, in
 * practice once each, instead of once per page that has a form of theirs (a national rebuild made one
 * `exists` query per school-year per page: ≈2.5% of its CPU, bench/README.md, "Eighth pass"). Live, each
 * batch asks again: other writers (a rebuild's swap) may change the table between batches. A page that fails
 * fails its rebuild, so the set never outlives a form it counted.
 */
const sampledInRebuild = new WeakMap<RebuildRowCache, Set<string>>();

export function moderationSampleProjection(options: ModerationSampleOptions): Projection {
  const { calendar } = options;
  return {
    name: 'moderation-sample',
    tables: ['moderation_ects', 'moderation_forms'],
    entities: [ModerationEctEntity, ModerationFormEntity],
    // The sample's "does this school have a form this year" lookup below: without it a national rebuild spent ~40% of
    // PostgreSQL's time scanning the growing moderation_forms table (sampled pg_stat_activity, 26 Nov).
    applyIndexes: ['moderation_forms_school_year'],
    eventTypes: [
      'EctRegistered',
      'EctTransferred',
      'ProgressReviewSubmitted',
      'FormalAssessmentRecorded',
      'ModerationFindingRecorded',
      'FormReturnedForAmendment',
    ],
    async apply(events: readonly RecordedEvent[], em: EntityManager, context?: ApplyContext) {
      const ectIds = new Set<string>();
      const checkIds = new Set<string>();
      for (const event of events) {
        const ect = ECT_STREAM.exec(event.streamId);
        if (ect) ectIds.add(ect[1]!);
        const check = CHECK_STREAM.exec(event.streamId);
        if (check) checkIds.add(check[1]!);
      }
      if (ectIds.size === 0 && checkIds.size === 0) return;
      // The ECT rows by key: kept across a rebuild's pages, read and written every page when live. Copies, since
      // this page changes them in place and a kept row must only change through `put`. The forms are not kept:
      // the "first form of the year" lookup below reads them across rows, so they are written every page.
      const ectTable = keyedRows(em, context, moderationEctRows);
      const ects = new Map<string, ModerationEctRow>();
      for (const [id, row] of await ectTable.get([...ectIds])) ects.set(id, { ...row });
      const forms = new Map(
        (checkIds.size
          ? await em.find(ModerationFormEntity, { where: { formId: In([...checkIds]) } })
          : []
        ).map((r) => [r.formId, r]),
      );
      let sampledSchoolYears = context?.rows ? sampledInRebuild.get(context.rows) : undefined;
      if (!sampledSchoolYears) {
        sampledSchoolYears = new Set<string>();
        if (context?.rows) sampledInRebuild.set(context.rows, sampledSchoolYears);
      }
      const knownSchoolYears = new Set<string>();
      const schoolHasSample = async (schoolUrn: string, academicYear: number) => {
        const key = `${schoolUrn}|${academicYear}`;
        if (sampledSchoolYears.has(key)) return true;
        if (knownSchoolYears.has(key)) return false;
        knownSchoolYears.add(key);
        // Through moderation_forms_school_year (applyIndexes): kept during a rebuild for this lookup.
        const found = await em.exists(ModerationFormEntity, { where: { schoolUrn, academicYear } });
        if (found) sampledSchoolYears.add(key);
        return found;
      };
      const touchedEcts = new Set<string>();
      const touchedForms = new Set<string>();

      for (const event of events) {
        const ectMatch = ECT_STREAM.exec(event.streamId);
        if (ectMatch) {
          const ectId = ectMatch[1]!;
          let ect = ects.get(ectId);
          if (ect && BigInt(ect.revision) >= event.streamRevision) continue;
          ect ??= { ectId, schoolUrn: null, revision: '-1' };
          ect.revision = event.streamRevision.toString();
          ects.set(ectId, ect);
          touchedEcts.add(ectId);
          if (event.type === 'EctRegistered') ect.schoolUrn = (event.data as EctRegistered['data']).schoolUrn;
          if (event.type === 'EctTransferred')
            ect.schoolUrn = (event.data as EctTransferred['data']).toSchoolUrn;
          const form = submittedForm(event);
          if (!form || ect.schoolUrn === null) continue;
          const term = calendar.termOnOrAfter(form.submittedOn);
          const reason = sampleReason(form, await schoolHasSample(ect.schoolUrn, term.academicYear), options);
          if (reason === null) continue;
          sampledSchoolYears.add(`${ect.schoolUrn}|${term.academicYear}`);
          forms.set(form.formId, {
            formId: form.formId,
            ectId,
            schoolUrn: ect.schoolUrn,
            kind: form.kind,
            term: `${term.academicYear}-${term.name}`,
            academicYear: term.academicYear,
            submittedOn: form.submittedOn,
            reason,
            form: event.data,
            verdict: null,
            feedback: null,
            moderatorId: null,
            checkedOn: null,
            returned: false,
            returnReason: null,
            returnedOn: null,
          });
          touchedForms.add(form.formId);
          continue;
        }
        const checkMatch = CHECK_STREAM.exec(event.streamId);
        const row = checkMatch ? forms.get(checkMatch[1]!) : undefined;
        if (!row) continue;
        if (event.type === 'ModerationFindingRecorded') {
          const data = event.data as ModerationFindingRecorded['data'];
          Object.assign(row, {
            verdict: data.verdict,
            feedback: data.feedback,
            moderatorId: data.moderatorId,
            checkedOn: data.checkedOn,
          });
        } else if (event.type === 'FormReturnedForAmendment') {
          const data = event.data as FormReturnedForAmendment['data'];
          Object.assign(row, {
            returned: true,
            returnReason: data.reason,
            returnedOn: data.returnedOn,
            moderatorId: row.moderatorId ?? data.moderatorId,
          });
        }
        touchedForms.add(row.formId);
      }

      await ectTable.put([...touchedEcts].map((id) => ects.get(id)!));
      if (touchedForms.size)
        await bulkUpsert(
          em,
          ModerationFormEntity,
          // `never`: TypeORM's deep-partial type does not terminate on the recursive Json of `form`.
          [...touchedForms].map((id) => forms.get(id)!) as never,
          ['formId'],
        );
    },
  };
}
