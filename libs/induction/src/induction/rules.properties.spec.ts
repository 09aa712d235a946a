/**
 * Property tests for the rules of shared/design/domain.md that had only examples (R1, R3, R6–R15, R17,
 * R19, R20): each property names its rule and states it as the guidance does, over generated inputs.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '../calendar/calendar-date.js';
import { defaultAcademicYearTerms } from '../calendar/r1-terms.js';
import { workingDaysBetween } from '../calendar/r2-working-days.js';
import { STANDARD_INDUCTION_TERMS, termsRequired } from '../accrual/r3-length.js';
import {
  AUTOMATIC_EXTENSION_THRESHOLD_DAYS,
  automaticExtensionDays,
} from '../absence/r8-automatic-extension.js';
import { leaveChoicesPending } from '../absence/r9-statutory-leave.js';
import { formalAssessmentsDue } from '../assessments/r12-formal-assessments.js';
import { progressReviewsDue } from '../progress-reviews/r11-progress-reviews.js';
import { notificationsOutstanding } from '../decision/r17-notification.js';
import { formalAssessment } from '../testing/assessment-commands.js';
import {
  absence,
  calendar,
  command,
  decided,
  given,
  history,
  registerEct,
  registered,
  stateOf,
} from '../testing/ect-fixtures.js';
import { summariseInduction } from './induction-summary.js';

const day = (from: string, to: string) =>
  fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);
const tenths = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 10), max: Math.round(max * 10) }).map((n) => n / 10);
const RUNS = { numRuns: 40 };

describe('properties of the rules of domain.md', () => {
  it('R1: the default terms tile the academic year, 1 Sep to 31 Aug, spring ending on Easter Sunday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2090 }), (year) => {
        const { autumn, spring, summer } = defaultAcademicYearTerms(year);
        expect(autumn.start).toBe(`${year}-09-01`);
        expect(addDays(autumn.end, 1)).toBe(spring.start);
        expect(addDays(spring.end, 1)).toBe(summer.start);
        expect(summer.end).toBe(`${year + 1}-08-31`);
        expect(new Date(`${spring.end}T12:00:00Z`).getUTCDay()).toBe(0); // Easter Sunday
        expect(spring.end > `${year + 1}-03-21` && spring.end < `${year + 1}-04-26`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('R3 R6 R19: the length required is 6 FTE terms, or the agreed reduction, plus every extension', () => {
    fc.assert(
      fc.property(
        fc.option(tenths(1, 5.9), { nil: null }),
        fc.array(tenths(0.1, 16), { maxLength: 3 }),
        (reducedTo, extensions) => {
          let events = registered();
          if (reducedTo !== null) {
            events = history(
              events,
              command('ReduceInduction', {
                reducedTo,
                ectAgreedOn: '2025-09-05',
                headAdvisedOn: '2025-09-05',
                reason: 'Prior experience',
                on: '2025-09-10',
              }),
            );
          }
          for (const terms of extensions) {
            events = history(
              events,
              command('ExtendInduction', {
                terms,
                reason: 'More time',
                grantedOn: '2025-10-01',
                on: '2025-10-01',
              }),
            );
          }
          const expected = (reducedTo ?? STANDARD_INDUCTION_TERMS) + extensions.reduce((a, b) => a + b, 0);
          expect(termsRequired(stateOf(events), calendar)).toBeCloseTo(expected, 9);
        },
      ),
      RUNS,
    );
  });

  it('R6: a reduction below 1 FTE term, to 6 or more, or without the ECT’s agreement or the head’s advice is refused', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 10, noNaN: true }),
        fc.boolean(),
        fc.boolean(),
        (reducedTo, agreed, advised) => {
          const valid =
            agreed &&
            advised &&
            reducedTo >= 1 &&
            reducedTo < 6 &&
            Math.abs(reducedTo * 10 - Math.round(reducedTo * 10)) < 1e-9;
          const reduce = command('ReduceInduction', {
            reducedTo,
            ...(agreed ? { ectAgreedOn: '2025-09-05' } : {}),
            ...(advised ? { headAdvisedOn: '2025-09-05' } : {}),
            reason: 'Prior experience',
            on: '2025-09-10',
          });
          if (valid)
            given(registered())
              .when(reduce)
              .then([{ type: 'InductionReduced' }]);
          else given(registered()).when(reduce).thenThrows('R6', 'statutory');
        },
      ),
      { numRuns: 80 },
    );
  });

  it('R8: a year’s ad hoc absence extends it by all its days from 30 on, and by none below', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (days) => {
        expect(automaticExtensionDays(days)).toBe(days >= AUTOMATIC_EXTENSION_THRESHOLD_DAYS ? days : 0);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }), (spells) => {
        const events = history(
          registered(),
          ...spells.map((days, i) => absence(`a${i}`, addDays('2025-09-15', i * 21), days)),
        );
        const total = spells.reduce((a, b) => a + b, 0);
        const summary = summariseInduction(stateOf(events), '2026-01-10', calendar);
        expect(summary.absence).toEqual({
          year1Days: total,
          year2Days: 0,
          extensionDays: total >= 30 ? total : 0,
        });
        // R10: the head's notice is surfaced exactly when the year reaches 30 days.
        expect(summary.headNoticeYears).toEqual(total >= 30 ? [1] : []);
      }),
      RUNS,
    );
  });

  it('R9: statutory leave never counts towards R8, and waits for the ECT’s choice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.boolean(), { nil: undefined }),
        (days, extend) => {
          const events = history(registered(), absence('leave', '2025-10-01', days, 'maternity', extend));
          const state = stateOf(events);
          expect(summariseInduction(state, '2026-01-10', calendar).absence.extensionDays).toBe(0);
          expect(leaveChoicesPending(state)).toEqual(extend === undefined ? ['leave'] : []);
          const required = termsRequired(state, calendar);
          expect(required).toBeCloseTo(6 + (extend ? days / calendar.fteTermDays : 0), 9);
        },
      ),
      RUNS,
    );
  });

  it('R11 R12: reviews fall only in terms with no formal assessment; full time: terms 1, 2, 4, 5', () => {
    fc.assert(
      fc.property(day('2025-09-01', '2027-08-31'), fc.constantFrom(1, 0.8, 0.6, 0.5), (start, fte) => {
        const state = stateOf(registered({ startDate: start, fte, qtsAwardedOn: '2025-07-01', on: start }));
        const assessments = formalAssessmentsDue(state, calendar);
        expect(assessments.map((a) => a.point)).toEqual(['year-1', 'final']);
        for (const review of progressReviewsDue(state, calendar)) {
          for (const a of assessments) {
            expect(a.dueBy >= review.calendarTerm.start && a.dueBy <= review.calendarTerm.end).toBe(false);
          }
          expect(review.dueBy).toBe(review.calendarTerm.end);
        }
        if (fte === 1 && start.endsWith('-09-01')) {
          expect(progressReviewsDue(state, calendar).map((r) => r.term)).toEqual([1, 2, 4, 5]);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('R12 R14: the report is late exactly after 10 working days; year 1 unsatisfactory puts the ECT at risk', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('satisfactory', 'unsatisfactory'),
        (after, recommendation) => {
          const on = addDays('2026-07-01', after);
          const [recorded, ...rest] = decided(
            registered(),
            formalAssessment({
              assessedOn: '2026-07-01',
              recommendation: recommendation as 'satisfactory',
              on,
            }),
          );
          expect((recorded!.data as { late: boolean }).late).toBe(workingDaysBetween('2026-07-01', on) > 10);
          expect(rest.map((e) => e.type)).toEqual(
            recommendation === 'unsatisfactory' ? ['SupportPlanRequired'] : [],
          );
          expect(
            summariseInduction(stateOf([...registered(), recorded!, ...rest]), on, calendar).atRisk,
          ).toBe(recommendation === 'unsatisfactory');
        },
      ),
      RUNS,
    );
  });

  it('R13: leaving a post needs an interim assessment exactly when a term or more was served', () => {
    fc.assert(
      fc.property(day('2025-09-02', '2026-06-30'), (leftOn) => {
        const events = history(
          registered(),
          command('TransferEct', { leftOn, toSchoolUrn: '222222', reason: 'moved', on: leftOn }),
        );
        const state = stateOf(events);
        const servedATerm = leftOn >= '2025-12-31';
        expect(state.interimAssessmentRequired).toBe(servedATerm);
        const interim = command('RecordInterimAssessment', { assessedOn: leftOn, progress: 'p', on: leftOn });
        if (servedATerm)
          given(events)
            .when(interim)
            .then([{ type: 'InterimAssessmentRecorded' }]);
        else given(events).when(interim).thenThrows('R13', 'statutory');
      }),
      RUNS,
    );
  });

  it('R7: simultaneous posts never add up to more than 1.0 FTE', () => {
    fc.assert(
      fc.property(tenths(0.1, 1), tenths(0.1, 1), (first, second) => {
        const add = command('AddSimultaneousPost', {
          postId: 'p2',
          schoolUrn: '222222',
          startDate: '2025-09-01',
          fte: second,
          on: '2025-09-01',
        });
        if (first + second > 1 + 1e-9)
          given(registered({ fte: first }))
            .when(add)
            .thenThrows('R7', 'statutory');
        else {
          const events = history(registered({ fte: first }), add);
          expect(summariseInduction(stateOf(events), '2025-10-01', calendar).fte).toBeCloseTo(
            first + second,
            9,
          );
        }
      }),
      RUNS,
    );
  });

  it('R15: representations are accepted exactly within 10 working days of the recommendation', () => {
    const awaiting = history(
      registered(),
      formalAssessment(),
      formalAssessment({
        point: 'final',
        assessedOn: '2027-07-01',
        signedOn: { inductionTutor: '2027-07-01', head: '2027-07-01', ect: '2027-07-01' },
        on: '2027-07-05',
      }),
    );
    const by = stateOf(awaiting).recommendation!.representationsBy;
    expect(workingDaysBetween('2027-07-05', by)).toBe(10);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (after) => {
        const on = addDays('2027-07-05', after);
        const submit = command('SubmitRepresentations', { summary: 'My view', on });
        if (on <= by)
          given(awaiting)
            .when(submit)
            .then([{ type: 'RepresentationsSubmitted' }]);
        else given(awaiting).when(submit).thenThrows('R15', 'statutory');
      }),
      RUNS,
    );
  });

  it('R17: everyone is told once; the TRA only of a fail or an extension', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('satisfactory', 'unsatisfactory'),
        fc.subarray(['ect', 'head', 'employer', 'tra'] as const),
        (recommendation, told) => {
          const outcome = recommendation === 'satisfactory' ? 'pass' : 'fail';
          let events = history(
            registered(),
            formalAssessment(),
            formalAssessment({
              point: 'final',
              assessedOn: '2027-07-01',
              recommendation: recommendation as 'satisfactory',
              signedOn: { inductionTutor: '2027-07-01', head: '2027-07-01', ect: '2027-07-01' },
              on: '2027-07-05',
            }),
            command('DecideOutcome', {
              decision: outcome,
              decidedOn: '2027-09-01',
              rationale: 'r',
              decidedBy: { personId: 'panel-1' },
              on: '2027-09-01',
            }),
          );
          for (const recipient of told) {
            const notify = command('RecordNotification', {
              recipient,
              notifiedOn: '2027-09-02',
              on: '2027-09-02',
            });
            if (recipient === 'tra' && outcome === 'pass') {
              given(events).when(notify).thenThrows('R17', 'statutory');
              continue;
            }
            events = history(events, notify);
          }
          const required =
            outcome === 'pass' ? ['ect', 'head', 'employer'] : ['ect', 'head', 'employer', 'tra'];
          expect(notificationsOutstanding(stateOf(events))).toEqual(
            required.filter((r) => !told.includes(r as never)),
          );
        },
      ),
      { numRuns: 20 },
    );
  });

  it('R19: an extension of 0.1–16 FTE terms to one decimal is accepted, anything else refused', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 20, noNaN: true }), (terms) => {
        const extend = command('ExtendInduction', {
          terms,
          reason: 'r',
          grantedOn: '2025-10-01',
          on: '2025-10-01',
        });
        const valid = terms >= 0.1 && terms <= 16 && Math.abs(terms * 10 - Math.round(terms * 10)) < 1e-9;
        if (valid)
          given(registered())
            .when(extend)
            .then([{ type: 'InductionExtended' }]);
        else given(registered()).when(extend).thenThrows('R19', 'statutory');
      }),
      { numRuns: 80 },
    );
  });

  it('R20: QTS after the start is refused; a start before registration is accepted and flagged late', () => {
    fc.assert(
      fc.property(day('2025-01-01', '2026-12-31'), day('2025-01-01', '2026-12-31'), (qts, start) => {
        const register = registerEct({ qtsAwardedOn: qts, startDate: start, on: '2025-08-20' });
        if (qts > start) {
          given([]).when(register).thenThrows('R20', 'statutory');
          return;
        }
        const [event] = given([])
          .when(register)
          .then([{ type: 'EctRegistered' }]);
        expect((event!.data as { lateRegistration: boolean }).lateRegistration).toBe(start < '2025-08-20');
        // One induction per person: registering again while open is a duplicate (409, no rule).
        given([event!]).when(register).thenThrows(null, 'conflict');
      }),
      RUNS,
    );
  });
});
