import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { drawSample, sampleDraw, type SchoolForm } from './moderation-sample.js';

/** Moderation sampling rules as properties over any sequence of submitted forms. */
const form: fc.Arbitrary<SchoolForm> = fc.oneof(
  fc.record({
    formId: fc.uuid(),
    kind: fc.constant('progress-review' as const),
    onTrack: fc.boolean(),
    schoolUrn: fc.constantFrom('100001', '100002', '100003', '100004'),
    academicYear: fc.constantFrom(2025, 2026),
  }),
  fc.record({
    formId: fc.uuid(),
    kind: fc.constant('formal-assessment' as const),
    point: fc.constantFrom('year-1' as const, 'final' as const),
    recommendation: fc.constantFrom('satisfactory' as const, 'unsatisfactory' as const, 'extension' as const),
    schoolUrn: fc.constantFrom('100001', '100002', '100003', '100004'),
    academicYear: fc.constantFrom(2025, 2026),
  }),
);
const forms = fc.uniqueArray(form, { selector: (f) => f.formId, maxLength: 60 });
const share = fc.double({ min: 0, max: 1, noNaN: true });

describe('moderation sample properties', () => {
  it('takes every not-on-track review and every fail or extension recommendation', () => {
    fc.assert(
      fc.property(forms, share, (all, s) => {
        const sample = drawSample(all, { share: s });
        for (const f of all) {
          if (f.kind === 'progress-review' && f.onTrack === false)
            expect(sample.get(f.formId)).toBe('not-on-track');
          if (f.kind === 'formal-assessment' && f.point === 'final' && f.recommendation !== 'satisfactory')
            expect(sample.get(f.formId)).toBe('fail-or-extend');
        }
      }),
    );
  });
  it('takes at least one form of every school in every academic year it submitted in', () => {
    fc.assert(
      fc.property(forms, share, (all, s) => {
        const sample = drawSample(all, { share: s });
        const submitted = new Set(all.map((f) => `${f.schoolUrn}|${f.academicYear}`));
        const covered = new Set(
          all.filter((f) => sample.has(f.formId)).map((f) => `${f.schoolUrn}|${f.academicYear}`),
        );
        expect(covered).toEqual(submitted);
      }),
    );
  });
  it('is the same sample every time (a rebuild replays the same log), and the random share follows the seed', () => {
    fc.assert(
      fc.property(forms, share, fc.string(), (all, s, seed) => {
        expect(drawSample(all, { share: s, seed })).toEqual(drawSample(all, { share: s, seed }));
        const sample = drawSample(all, { share: s, seed });
        for (const f of all) if (sampleDraw(f.formId, seed) < s) expect(sample.has(f.formId)).toBe(true);
      }),
    );
  });
  it('samples no routine form beyond the share and the annual one per school', () => {
    fc.assert(
      fc.property(forms, (all) => {
        const sample = drawSample(all, { share: 0 });
        const routine = [...sample.values()].filter((r) => r === 'random');
        expect(routine).toHaveLength(0);
        const annual = [...sample.values()].filter((r) => r === 'school-annual').length;
        expect(annual).toBeLessThanOrEqual(new Set(all.map((f) => `${f.schoolUrn}|${f.academicYear}`)).size);
      }),
    );
  });
});
