import { describe, expect, it } from '@jest/globals';
import { summariseInduction } from './induction-summary.js';
import { absence, calendar, command, history, registered, stateOf } from '../testing/ect-fixtures.js';

const summary = (events: Parameters<typeof stateOf>[0], today: string) =>
  summariseInduction(stateOf(events), today, calendar);

describe('summariseInduction (GET /ects/:id)', () => {
  it('gives exactly the fields clients rely on for a newly registered ECT', () => {
    const s = summary(registered(), '2025-08-25');
    expect(s).toMatchObject({
      status: 'registered',
      fte: 1,
      programme: 'provider-led',
      startDate: '2025-09-01',
      termsRequired: 6,
      termsServed: 0,
      absence: { year1Days: 0, year2Days: 0, extensionDays: 0 },
      expectedEndDate: '2027-08-31',
      decision: null,
      trn: '1234567',
      schoolUrn: '123456',
    });
    expect(s.nextDue).toEqual([
      { kind: 'progress-review', dueBy: '2025-12-31', detail: 'term 1' },
      { kind: 'formal-assessment', dueBy: '2026-08-31', detail: 'year-1' },
    ]);
  });

  it('R4 R5: full time leaving after 2.5 terms has served 2.5 terms', () => {
    // Summer 2026 runs 6 Apr–31 Aug (148 days): its first half ends on 18 Jun (the last day in post counts).
    const events = history(
      registered(),
      command('TransferEct', { leftOn: '2026-06-18', reason: 'left', on: '2026-06-18' }),
    );
    expect(summary(events, '2026-09-01').termsServed).toBe(2.5);
    expect(summary(events, '2026-09-01').status).toBe('released');
  });

  it('R4 R5: 0.5 FTE leaving after 2.5 terms has served 1.25 terms', () => {
    const events = history(
      registered({ fte: 0.5 }),
      command('TransferEct', { leftOn: '2026-06-18', reason: 'left', on: '2026-06-18' }),
    );
    expect(summary(events, '2026-09-01').termsServed).toBe(1.25);
  });

  it('R5: a post under one calendar term never counts; once a term is reached it all counts', () => {
    const short = history(
      registered(),
      command('TransferEct', { leftOn: '2025-12-20', reason: 'supply ended', on: '2025-12-20' }),
    );
    expect(summary(short, '2026-01-10').termsServed).toBe(0);
    expect(summary(registered(), '2025-12-30').termsServed).toBe(0);
    expect(summary(registered(), '2025-12-31').termsServed).toBe(1);
  });

  it('R3: 0.5 FTE needs 12 calendar terms; full time needs 6', () => {
    expect(summary(registered({ fte: 0.5 }), '2025-09-01').expectedEndDate).toBe('2029-08-31');
    expect(summary(registered(), '2025-09-01').expectedEndDate).toBe('2027-08-31');
  });

  it.each([
    [29, 0],
    [30, 30],
    [35, 35],
  ])('R8: %i ad hoc days in an induction year extend it by %i days', (days, extension) => {
    const events = history(registered(), absence('a1', '2025-10-01', days));
    const s = summary(events, '2025-12-01');
    expect(s.absence).toEqual({ year1Days: days, year2Days: 0, extensionDays: extension });
    expect(s.termsRequired).toBe(Math.round((6 + extension / 65) * 100) / 100);
  });

  it('R8: 1 FTE day is 1/65 FTE term, moving the expected end date and the year-1 assessment later', () => {
    const events = history(registered(), absence('a1', '2025-10-01', 30));
    const s = summary(events, '2025-12-01');
    expect(s.expectedEndDate! > '2027-08-31').toBe(true);
    expect(s.nextDue.find((d) => d.kind === 'formal-assessment')!.dueBy > '2026-08-31').toBe(true);
  });

  it('R9: statutory leave never counts towards R8; extends only by the ECT’s choice', () => {
    const notChosen = history(registered(), absence('m1', '2025-10-01', 40, 'maternity'));
    expect(summary(notChosen, '2025-12-01')).toMatchObject({
      absence: { year1Days: 0, extensionDays: 0 },
      termsRequired: 6,
      leaveChoicesPending: ['m1'],
    });
    const chosen = history(
      notChosen,
      command('ChooseLeaveExtension', { absenceId: 'm1', extend: true, on: '2025-12-02' }),
    );
    expect(summary(chosen, '2025-12-03').termsRequired).toBe(Math.round((6 + 40 / 65) * 100) / 100);
  });

  it('R10: surfaces the head’s notice when a year’s absence reaches 30 days', () => {
    const events = history(registered(), absence('a1', '2025-10-01', 20), absence('a2', '2025-11-03', 10));
    expect(events.at(-1)).toMatchObject({
      type: 'AbsenceThresholdReached',
      data: { inductionYear: 1, days: 30 },
    });
    expect(summary(events, '2025-12-01').headNoticeYears).toEqual([1]);
  });

  it('R11: part time ECTs have a progress review every calendar term without a formal assessment', () => {
    const s = summary(registered({ fte: 0.5 }), '2026-09-02');
    expect(s.nextDue.filter((d) => d.kind === 'progress-review').map((d) => d.detail)).toEqual([
      'term 1',
      'term 2',
      'term 3',
      'term 4',
      'term 5',
    ]);
    expect(s.nextDue.find((d) => d.kind === 'formal-assessment')).toEqual({
      kind: 'formal-assessment',
      dueBy: '2027-08-31',
      detail: 'year-1',
    });
  });

  it('shows a paused induction and a late registration', () => {
    const events = history(
      registered({ on: '2025-09-10' }),
      command('PauseInduction', { from: '2025-10-01', reason: 'other', on: '2025-10-01' }),
    );
    expect(summary(events, '2025-10-15')).toMatchObject({ status: 'paused', lateRegistration: true });
  });
});
