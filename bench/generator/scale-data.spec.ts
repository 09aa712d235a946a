import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createLedgerDomain } from '../../apps/api/src/domain/ledger-domain.js';
import {
  emptyStats,
  generateScaleData,
  type GeneratedStream,
  type GenerationStats,
} from '../../apps/cli/src/generate/scale-data.js';
import { scaleProfile } from '../../apps/cli/src/generate/scale-profiles.js';

const domain = createLedgerDomain({ hubSchoolUrns: [] });
const idSecret = Buffer.alloc(32, 7);
const profile = scaleProfile('small');

function generate(seed: number): { streams: GeneratedStream[]; stats: GenerationStats; hash: string } {
  const stats = emptyStats();
  const streams = [...generateScaleData({ profile, seed, idSecret, domain }, stats)];
  const hash = createHash('sha256');
  for (const stream of streams) hash.update(JSON.stringify([stream.streamId, stream.events]));
  return { streams, stats, hash: hash.digest('hex') };
}

describe('scale data generator (small: 200 ECTs, 10 schools)', () => {
  const first = generate(42);

  it('gives the same events for the same seed, and different ones for another seed', () => {
    expect(generate(42).hash).toBe(first.hash);
    expect(generate(43).hash).not.toBe(first.hash);
  });

  it('writes one stream per school and per ECT, each replaying through evolve', () => {
    expect(first.stats.schools).toBe(10);
    expect(first.stats.ects).toBe(200);
    expect(new Set(first.streams.map((s) => s.streamId)).size).toBe(210);
    for (const stream of first.streams.filter((s) => s.kind === 'ect')) {
      const state = stream.events
        .map((e) => domain.toEctEvent({ ...e, streamId: stream.streamId } as never))
        .reduce(domain.ect.evolve, domain.ect.initialState());
      expect(state.phase).not.toBe('unregistered');
      expect(stream.events[0]!.type).toBe('EctRegistered');
    }
  });

  it('has a realistic mix of event types', () => {
    const { byType, events, ects } = first.stats;
    const perEct = (type: string) => (byType[type] ?? 0) / ects;
    expect(events / ects).toBeGreaterThan(25);
    expect(events / ects).toBeLessThan(60);
    expect(perEct('EctRegistered')).toBe(1);
    expect(perEct('ProgressReviewSubmitted')).toBeGreaterThan(1);
    expect(perEct('AbsenceRecorded')).toBeGreaterThan(5);
    expect(perEct('FormalAssessmentRecorded')).toBeGreaterThan(0.5);
    expect(byType['OutcomeDecided'] ?? 0).toBeGreaterThan(20);
    expect(byType['OutcomeNotified'] ?? 0).toBeGreaterThan(40);
    expect(byType['RecommendationReceived'] ?? 0).toBeGreaterThan(20);
    expect(byType['SchoolAdded']).toBe(10);
    for (const type of ['InductionPaused', 'InductionResumed', 'AbContactAssigned', 'TimetableRecorded']) {
      expect(byType[type] ?? 0).toBeGreaterThan(0);
    }
  });

  it('keeps personal data under data.personal only', () => {
    const registered = first.streams.flatMap((s) => s.events).find((e) => e.type === 'EctRegistered')!;
    const { personal, ...rest } = registered.data as { personal: Record<string, unknown> };
    expect(Object.keys(personal).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rest)).not.toMatch(/@|teacher\.example/);
  });
});
