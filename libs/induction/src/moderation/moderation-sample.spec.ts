import { describe, expect, it } from '@jest/globals';
import { sampleDraw, sampleReason } from './moderation-sample.js';

describe('moderation sample', () => {
  it('always samples not-on-track reviews and fail or extend recommendations', () => {
    expect(sampleReason({ formId: 'a', kind: 'progress-review', onTrack: false }, true)).toBe('not-on-track');
    expect(
      sampleReason(
        { formId: 'b', kind: 'formal-assessment', point: 'final', recommendation: 'extension' },
        true,
      ),
    ).toBe('fail-or-extend');
    expect(
      sampleReason(
        { formId: 'c', kind: 'formal-assessment', point: 'final', recommendation: 'unsatisfactory' },
        true,
      ),
    ).toBe('fail-or-extend');
  });
  it('draws the same share every time from a seeded hash of the form id (a rebuild picks the same sample)', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `form-${i}`);
    const picked = ids.filter(
      (id) => sampleReason({ formId: id, kind: 'progress-review', onTrack: true }, true) === 'random',
    );
    expect(picked.length / ids.length).toBeGreaterThan(0.09);
    expect(picked.length / ids.length).toBeLessThan(0.11);
    expect(ids.map((id) => sampleDraw(id))).toEqual(ids.map((id) => sampleDraw(id)));
    expect(sampleDraw('x', 'seed-1')).not.toBe(sampleDraw('x', 'seed-2'));
  });
  it('takes a school’s form when the school has none in the sample this year', () => {
    const id = Array.from({ length: 100 }, (_, i) => `f${i}`).find((f) => sampleDraw(f) >= 0.1)!;
    expect(sampleReason({ formId: id, kind: 'progress-review', onTrack: true }, false)).toBe('school-annual');
    expect(sampleReason({ formId: id, kind: 'progress-review', onTrack: true }, true)).toBeNull();
  });
});
