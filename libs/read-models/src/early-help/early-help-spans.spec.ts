import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays } from '#induction/calendar/calendar-date.js';
import { initialCaseState } from '#induction/early-help/early-help-case.decider.js';
import { BEGINNING_OF_TIME } from '#induction/early-help/ect-schedule.js';
import {
  caseOn,
  caseSpans,
  type EarlyHelpCaseRow,
  spanOn,
  type StoredCause,
} from './early-help-queue.projection.js';

const date = (offset: number) => addDays('2025-09-01', offset);

const stored = (cause: StoredCause['cause'], since: string): StoredCause => ({
  cause,
  rule: 'R0',
  since,
  detail: cause,
  eventId: 'e1',
  eventType: 'Spec',
});

const row = (overrides: Partial<EarlyHelpCaseRow>): EarlyHelpCaseRow => ({
  ectId: '00000000-0000-4000-8000-000000000001',
  schoolUrn: '100001',
  phase: 'open',
  ectName: null,
  revision: '1',
  state: { folded: true } as never,
  causes: [],
  timed: null,
  detected: [],
  attendance: {},
  caseRevision: '-1',
  caseState: initialCaseState(),
  ...overrides,
});

const timed = (facts: {
  reviews?: { dueBy: string; submitted: boolean }[];
  reports?: { reportDueBy: string; recorded: boolean }[];
  yearTwoFrom?: string | null;
  timetables?: { from: string; percentOfMainPayRangeTimetable: number }[];
  open?: boolean;
}): EarlyHelpCaseRow['timed'] =>
  ({
    open: facts.open ?? true,
    schedule: {
      reviews: (facts.reviews ?? []).map((r, i) => ({ term: i + 1, opensOn: r.dueBy, ...r })),
      assessments: (facts.reports ?? []).map((a, i) => ({
        point: i === 0 ? 'year-1' : 'final',
        opensOn: a.reportDueBy,
        dueBy: a.reportDueBy,
        ...a,
      })),
      yearTwoFrom: facts.yearTwoFrom ?? null,
    },
    timetables: facts.timetables ?? [],
  }) as never;

describe('early-help queue spans: caseOn as a step function of the date', () => {
  it('R11: an unsubmitted review opens the case from the day after it was due, for ever after', () => {
    const spans = caseSpans(row({ timed: timed({ reviews: [{ dueBy: '2025-12-19', submitted: false }] }) }));
    expect(spans).toEqual([
      {
        validFrom: '2025-12-20',
        validTo: null,
        status: 'open',
        sortKey: '2025-12-20',
        causeKinds: ['review-overdue'],
      },
    ]);
    expect(spanOn(spans, '2025-12-19')).toBeUndefined();
    expect(spanOn(spans, '2025-12-20')?.status).toBe('open');
  });

  it('merges dates that change nothing the queue uses: a second overdue review adds no span', () => {
    const spans = caseSpans(
      row({
        causes: [stored('no-mentor', '2025-09-01')],
        timed: timed({
          reviews: [
            { dueBy: '2025-12-19', submitted: false },
            { dueBy: '2026-04-01', submitted: false },
          ],
        }),
      }),
    );
    // A stored cause holds on every date (caseOn does not compare it with the date).
    expect(spans.map((s) => [s.validFrom, s.validTo, s.sortKey, s.causeKinds])).toEqual([
      [null, '2025-12-20', '2025-09-01', ['no-mentor']],
      ['2025-12-20', null, '2025-09-01', ['no-mentor', 'review-overdue']],
    ]);
  });

  it('a resolution: resolved until a cause arises after it, then open from that cause', () => {
    const spans = caseSpans(
      row({
        causes: [stored('no-mentor', '2025-09-01')],
        timed: timed({ reports: [{ reportDueBy: '2026-07-10', recorded: false }] }),
        caseState: { ...initialCaseState(), resolvedOn: '2025-10-01', resolution: 'Mentor named' },
      }),
    );
    expect(spans.map((s) => [s.validFrom, s.validTo, s.status, s.sortKey, s.causeKinds])).toEqual([
      [null, '2026-07-11', 'resolved', '2025-10-01', []],
      ['2026-07-11', null, 'open', '2026-07-11', ['report-overdue']],
    ]);
  });

  it('R22: a timetable over the year-1 limit stands until year 2 raises the limit', () => {
    const spans = caseSpans(
      row({
        timed: timed({
          yearTwoFrom: '2026-09-01',
          timetables: [{ from: '2025-09-01', percentOfMainPayRangeTimetable: 92 }],
        }),
      }),
    );
    expect(spans.map((s) => [s.validFrom, s.validTo, s.causeKinds])).toEqual([
      ['2025-09-01', '2026-09-01', ['timetable-over-limit']],
    ]);
  });

  it('no case on any date: no spans', () => {
    expect(
      caseSpans(row({ timed: timed({ open: false, reviews: [{ dueBy: '2025-12-19', submitted: false }] }) })),
    ).toEqual([]);
  });

  const KINDS = ['not-on-track', 'late-registration', 'no-mentor', 'low-attendance'] as const;
  const rowArb = fc
    .record({
      stored: fc.array(
        fc.record({ kind: fc.constantFrom(...KINDS), since: fc.integer({ min: 0, max: 700 }) }),
        {
          maxLength: 3,
        },
      ),
      open: fc.boolean(),
      reviews: fc.array(fc.record({ due: fc.integer({ min: 0, max: 400 }), submitted: fc.boolean() }), {
        maxLength: 5,
      }),
      reports: fc.array(fc.record({ due: fc.integer({ min: 0, max: 700 }), recorded: fc.boolean() }), {
        maxLength: 2,
      }),
      yearTwo: fc.option(fc.oneof(fc.integer({ min: 100, max: 500 }), fc.constant(-1))),
      // Timetables in any order: the domain takes the last listed that has started.
      timetables: fc.array(
        fc.record({ from: fc.integer({ min: 0, max: 500 }), percent: fc.constantFrom(80, 90, 92, 95, 100) }),
        { maxLength: 3 },
      ),
      resolved: fc.option(fc.integer({ min: 0, max: 700 })),
    })
    .map((g): EarlyHelpCaseRow =>
      row({
        causes: g.stored.map((c) => stored(c.kind, date(c.since))),
        timed: timed({
          open: g.open,
          reviews: g.reviews.map((r) => ({ dueBy: date(r.due), submitted: r.submitted })),
          reports: g.reports.map((r) => ({ reportDueBy: date(r.due), recorded: r.recorded })),
          yearTwoFrom: g.yearTwo === null ? null : g.yearTwo < 0 ? BEGINNING_OF_TIME : date(g.yearTwo),
          timetables: g.timetables.map((t) => ({
            from: date(t.from),
            percentOfMainPayRangeTimetable: t.percent,
          })),
        }),
        caseState: {
          ...initialCaseState(),
          resolvedOn: g.resolved === null ? null : date(g.resolved),
        },
      }),
    );

  it('property: the span holding any date says what caseOn says on it (status, key, open causes’ kinds)', () => {
    fc.assert(
      fc.property(rowArb, fc.integer({ min: -30, max: 900 }), fc.nat(), (caseRow, day, pick) => {
        const spans = caseSpans(caseRow);
        // Half the time a turning point or the day before one, where an off-by-one would show.
        const points = spans.flatMap((s) => (s.validFrom ? [s.validFrom, addDays(s.validFrom, -1)] : []));
        const on = points.length > 0 && pick % 2 === 0 ? points[pick % points.length]! : date(day);
        const view = caseOn(caseRow, on);
        const span = spanOn(spans, on);
        if (view.status === 'none') {
          expect(span).toBeUndefined();
          return;
        }
        expect(span).toEqual({
          validFrom: span?.validFrom ?? null,
          validTo: span?.validTo ?? null,
          status: view.status,
          sortKey: view.openedOn ?? caseRow.caseState.resolvedOn,
          causeKinds: [...new Set(view.openCauses.map((c) => c.cause))].sort(),
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('property: spans are in order, do not overlap, and no two neighbours say the same', () => {
    fc.assert(
      fc.property(rowArb, (caseRow) => {
        const spans = caseSpans(caseRow);
        spans.forEach((s, i) => {
          if (s.validFrom !== null && s.validTo !== null) expect(s.validFrom < s.validTo).toBe(true);
          const next = spans[i + 1];
          if (!next) {
            expect(s.validTo === null || caseOn(caseRow, s.validTo).status === 'none').toBe(true);
            return;
          }
          expect(s.validTo).not.toBeNull();
          expect(next.validFrom! >= s.validTo!).toBe(true);
          if (next.validFrom === s.validTo) {
            const { validFrom: _a, validTo: _b, ...left } = s;
            const { validFrom: _c, validTo: _d, ...right } = next;
            expect(left).not.toEqual(right);
          }
        });
      }),
      { numRuns: 1000 },
    );
  });
});
