/**
 * Moderation sampling (domain.md, "The hub's own service": moderation checks). Each term the hub moderates a
 * sample of the progress reviews and assessments schools submit: every review that is not on track, every
 * fail or extension recommendation (and every unsatisfactory year-1 assessment), a configurable share of the
 * rest (10% by default) and at least one form from every school each academic year. The random share is a
 * seeded hash of the form's id, so replaying the log (a rebuild) picks the same sample.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_MODERATION_SHARE = 0.1;
export const DEFAULT_MODERATION_SEED = 'induction-ledger-moderation';

export type FormKind = 'progress-review' | 'formal-assessment';
export type SampleReason = 'not-on-track' | 'fail-or-extend' | 'unsatisfactory' | 'random' | 'school-annual';

export interface SubmittedForm {
  readonly formId: string;
  readonly kind: FormKind;
  readonly onTrack?: boolean;
  readonly point?: 'year-1' | 'final';
  readonly recommendation?: 'satisfactory' | 'unsatisfactory' | 'extension';
}

/** A number in [0, 1) from the seed and the form id: the same every time. */
export function sampleDraw(formId: string, seed: string = DEFAULT_MODERATION_SEED): number {
  const digest = createHash('sha256').update(`${seed}:${formId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Why the form is in the sample, or null. `schoolHasSampleThisYear` decides the once-a-year rule. */
export function sampleReason(
  form: SubmittedForm,
  schoolHasSampleThisYear: boolean,
  options: { share?: number; seed?: string } = {},
): SampleReason | null {
  if (form.kind === 'progress-review' && form.onTrack === false) return 'not-on-track';
  if (form.kind === 'formal-assessment' && form.point === 'final' && form.recommendation !== 'satisfactory')
    return 'fail-or-extend';
  if (form.kind === 'formal-assessment' && form.recommendation === 'unsatisfactory') return 'unsatisfactory';
  if (sampleDraw(form.formId, options.seed) < (options.share ?? DEFAULT_MODERATION_SHARE)) return 'random';
  if (!schoolHasSampleThisYear) return 'school-annual';
  return null;
}

export interface SchoolForm extends SubmittedForm {
  readonly schoolUrn: string;
  readonly academicYear: number;
}

/**
 * The sample of forms submitted in this order (the log's order): what the moderation projection keeps, one
 * form at a time. A school's first form of an academic year is taken when nothing of theirs is in yet.
 */
export function drawSample(
  forms: readonly SchoolForm[],
  options: { share?: number; seed?: string } = {},
): Map<string, SampleReason> {
  const sampled = new Map<string, SampleReason>();
  const schoolYears = new Set<string>();
  for (const form of forms) {
    const key = `${form.schoolUrn}|${form.academicYear}`;
    const reason = sampleReason(form, schoolYears.has(key), options);
    if (reason === null) continue;
    sampled.set(form.formId, reason);
    schoolYears.add(key);
  }
  return sampled;
}
