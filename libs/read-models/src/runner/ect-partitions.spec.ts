import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import {
  REDACTION_STREAM,
  ectKeyOf,
  partitionOfKey,
  partitionPage,
  partitionPredicate,
} from './ect-partitions.js';

const ECT_A = '0b6f8a52-3c1d-4e7a-9f20-5d8c1e2a4b61';
const ECT_B = '7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

let position = 0n;
const event = (streamId: string, type: string, data: Record<string, unknown> = {}): RecordedEvent => {
  position++;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId,
    streamRevision: 0n,
    globalPosition: position,
    position: { commit: position, prepare: position },
    type,
    schemaVersion: 1,
    data: data as RecordedEvent['data'],
    metadata: { actor: 'spec', correlationId: 'c', causationId: 'c' },
    recordedAt: new Date('2026-01-01T00:00:00Z'),
  };
};

describe('ectKeyOf: the ECT an event belongs to in a rebuild split by ECT', () => {
  it('is the ECT of its stream, its early-help case, its own attendance or a detected cause, in lower case', () => {
    expect(ectKeyOf(event(`ect-${ECT_A}`, 'EctRegistered'))).toBe(ECT_A);
    expect(ectKeyOf(event(`ect-${ECT_A.toUpperCase()}`, 'AbsenceRecorded'))).toBe(ECT_A);
    expect(ectKeyOf(event(`early-help-${ECT_B}`, 'EarlyHelpCaseOpened'))).toBe(ECT_B);
    expect(
      ectKeyOf(event('training-programme-2025', 'AttendanceRecorded', { role: 'ect', participantId: ECT_A })),
    ).toBe(ECT_A);
    expect(
      ectKeyOf(event('deadline-watch', 'EarlyHelpCauseDetected', { ectId: ECT_B, cause: 'absence' })),
    ).toBe(ECT_B);
  });

  it('is null for events of no ECT: schools, the calendar, a mentor at training, other training, panels', () => {
    expect(ectKeyOf(event('school-100001', 'SchoolAdded'))).toBeNull();
    expect(ectKeyOf(event('ab-calendar', 'TermDatesSet'))).toBeNull();
    expect(
      ectKeyOf(
        event('training-programme-2025', 'AttendanceRecorded', { role: 'mentor', participantId: ECT_A }),
      ),
    ).toBeNull();
    expect(ectKeyOf(event('training-programme-2025', 'EctAllocatedToGroup', { ectId: ECT_A }))).toBeNull();
    expect(ectKeyOf(event('panel-2026-01', 'PanelMeetingScheduled'))).toBeNull();
    expect(ectKeyOf(event('ect-not-a-uuid', 'EctRegistered'))).toBeNull();
  });
});

describe('partitionOfKey', () => {
  it('gives the same partition for the same key, within range, and spreads keys', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 8 }), (key, count) => {
        const k = partitionOfKey(key, count);
        expect(k).toBe(partitionOfKey(key, count));
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(count);
      }),
    );
    expect(partitionOfKey(ECT_A, 2)).toBe(1); // …4b61: 1 % 2
    expect(partitionOfKey(ECT_B, 2)).toBe(1); // …4e5f: 15 % 2
    expect(partitionOfKey(ECT_B, 4)).toBe(3);
    expect(partitionOfKey('5e7c9a1b-3d5f-4b7d-9c1e-3a5b7d9f1c3e', 2)).toBe(0);
    for (const count of [0, 17, 1.5]) expect(() => partitionOfKey(ECT_A, count)).toThrow(/partition count/);
  });

  it('has a SQL form for a key column, refusing a bad column or share', () => {
    expect(partitionPredicate('ect_id', { index: 1, count: 2 })).toBe(
      "(('x' || right(ect_id::text, 1))::bit(4)::int % 2) = 1",
    );
    expect(() => partitionPredicate('ect_id; DROP', { index: 0, count: 2 })).toThrow(/bad column/);
    expect(() => partitionPredicate('ect_id', { index: 2, count: 2 })).toThrow(/bad partition/);
  });
});

describe('partitionPage', () => {
  const ects = [ECT_A, ECT_B, '1c9a3e5b-7d2f-4a6c-b8e1-9f0d2c4a6b8e', '5e7c9a1b-3d5f-4b7d-9c1e-3a5b7d9f1c3e'];
  const anEvent = fc.oneof(
    fc
      .record({
        ect: fc.constantFrom(...ects),
        type: fc.constantFrom('AbsenceRecorded', 'ProgressReviewSubmitted'),
      })
      .map(
        ({ ect, type }) =>
          () =>
            event(`ect-${ect}`, type),
      ),
    fc.constantFrom(...ects).map((ect) => () => event(`early-help-${ect}`, 'EarlyHelpCaseOpened')),
    fc
      .constantFrom(...ects)
      .map(
        (ect) => () =>
          event('training-programme-2025', 'AttendanceRecorded', { role: 'ect', participantId: ect }),
      ),
    fc.constant(() => event('school-100001', 'SchoolAdded')),
    fc.constant(() => event('training-programme-2025', 'TrainingProgrammePublished')),
    fc.record({ ect: fc.constantFrom(...ects), subject: fc.constantFrom(...ects) }).map(
      ({ ect, subject }) =>
        () =>
          event(`ect-${ect}`, 'PersonalDataErased', { subjectId: subject }),
    ),
  );

  it('hands each event to one partition as itself (an ECT to its owner, the rest to 0), in log order, and an erasure to every other one as a redaction order', () => {
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (makers, count) => {
        const page = makers.map((make) => make());
        const parts = partitionPage(page, count);
        expect(parts).toHaveLength(count);
        // As itself: every event once, in the partition that owns its ECT (0 for none).
        const asItself = parts.flatMap((part, k) =>
          part.filter((e) => e.streamId !== REDACTION_STREAM).map((e) => ({ e, k })),
        );
        expect(asItself.map(({ e }) => e.eventId).sort()).toEqual(page.map((e) => e.eventId).sort());
        for (const { e, k } of asItself) {
          const key = ectKeyOf(e);
          expect(k).toBe(key === null ? 0 : partitionOfKey(key, count));
        }
        // Log order within each partition.
        for (const part of parts) {
          const positions = part.map((e) => e.position.commit);
          expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        }
        // Each erasure reaches every partition: as itself once, as a redaction order (same subject) elsewhere.
        const erasures = page.filter((e) => e.type === 'PersonalDataErased');
        for (const original of erasures)
          for (const part of parts) {
            const copies = part.filter((e) => e.eventId === original.eventId);
            expect(copies).toHaveLength(1);
            expect(copies[0]!.data).toEqual(original.data);
            expect(copies[0]!.type).toBe('PersonalDataErased');
            if (copies[0]!.streamId === REDACTION_STREAM) expect(ectKeyOf(copies[0]!)).toBeNull();
          }
      }),
    );
  });
});
