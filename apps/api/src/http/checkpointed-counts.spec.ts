import { describe, expect, it } from '@jest/globals';
import { CheckpointedCounts, readModelVersionSql } from './checkpointed-counts.js';

describe('CheckpointedCounts: a list total kept for one version of the read model', () => {
  it('answers a kept total only for the same filter at the same version', () => {
    const counts = new CheckpointedCounts();
    expect(counts.get('a', 'v1')).toBeUndefined();
    counts.set('a', 'v1', 42);
    expect(counts.get('a', 'v1')).toBe(42);
    expect(counts.get('a', 'v2')).toBeUndefined();
    expect(counts.get('b', 'v1')).toBeUndefined();
    counts.set('a', 'v2', 43);
    expect(counts.get('a', 'v1')).toBeUndefined();
    expect(counts.get('a', 'v2')).toBe(43);
  });

  it('keeps nothing without a version (no checkpoint row yet, or an empty page)', () => {
    const counts = new CheckpointedCounts();
    counts.set('a', null, 1);
    counts.set('a', undefined, 1);
    expect(counts.get('a', null)).toBeUndefined();
    expect(counts.get('a', undefined)).toBeUndefined();
  });

  it('names the version by the checkpoint row of a projection, and refuses anything but a name', () => {
    expect(readModelVersionSql('ect-register')).toContain("c.name = 'ect-register'");
    expect(() => readModelVersionSql("x'; DROP TABLE ects; --")).toThrow();
  });
});
