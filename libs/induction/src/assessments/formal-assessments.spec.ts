import { describe, expect, it } from '@jest/globals';
import type { RecordFormalAssessment } from '../induction/ect.commands.js';
import { summariseInduction } from '../induction/induction-summary.js';
import {
  calendar,
  command,
  given,
  history,
  MENTOR_ID,
  registered,
  stateOf,
  TUTOR_ID,
} from '../testing/ect-fixtures.js';

const ALL_MET = {
  TS1: 'met',
  TS2: 'met',
  TS3: 'met',
  TS4: 'met',
  TS5: 'met',
  TS6: 'met',
  TS7: 'met',
  TS8: 'met',
  PartTwo: 'met',
} as const;

const assessment = (overrides: Partial<RecordFormalAssessment['data']> = {}): RecordFormalAssessment =>
  command('RecordFormalAssessment', {
    point: 'year-1',
    assessedOn: '2026-07-01',
    assessor: { personId: TUTOR_ID, role: 'induction-tutor' },
    standards: ALL_MET,
    recommendation: 'satisfactory',
    evidence: 'Lesson observations and planning',
    signedOn: { inductionTutor: '2026-07-02', head: '2026-07-03', ect: '2026-07-03' },
    on: '2026-07-06',
    ...overrides,
  });

const review = (term: number, reviewedOn: string, onTrack = true, supportPlan?: string) =>
  command('SubmitProgressReview', {
    term,
    reviewedOn,
    onTrack,
    strengths: 'Clear explanations',
    areasForDevelopment: 'Questioning',
    ...(supportPlan ? { supportPlan } : {}),
    on: reviewedOn,
  });

describe('R11 progress reviews', () => {
  it('R11: full time reviews are due in terms 1, 2, 4 and 5', () => {
    const s = summariseInduction(stateOf(registered()), '2027-08-01', calendar);
    expect(s.nextDue.filter((d) => d.kind === 'progress-review').map((d) => d.detail)).toEqual([
      'term 1',
      'term 2',
      'term 4',
      'term 5',
    ]);
  });

  it('R11: no review is due in a formal-assessment term', () => {
    given(registered()).when(review(3, '2026-06-01')).thenThrows('R11', 'statutory');
  });

  it('R11: records on track, evidence and targets; not on track needs a support plan and tells the AB', () => {
    given(registered())
      .when(review(1, '2025-12-01', false))
      .thenThrows('R11', 'statutory');
    given(registered())
      .when(review(1, '2025-12-01', false, 'Weekly coaching on behaviour'))
      .then([
        { type: 'ProgressReviewSubmitted', data: { term: 1, onTrack: false } },
        { type: 'SupportPlanRequired', data: { reason: 'not-on-track' } },
      ]);
  });

  it('R11: a review already submitted for the term is a duplicate', () => {
    given(history(registered(), review(1, '2025-12-01')))
      .when(review(1, '2025-12-02'))
      .thenThrows(null, 'conflict');
  });

  it('R11: a review that would fall less than a term before a formal assessment is not due (2.49)', () => {
    // Starting 1 Nov: year 1 closes 31 Oct 2026, so the summer review (ends 31 Aug) is under a term before it.
    const s = summariseInduction(
      stateOf(registered({ startDate: '2025-11-01', on: '2025-10-01' })),
      '2026-10-01',
      calendar,
    );
    const due = s.nextDue.filter((d) => d.kind === 'progress-review').map((d) => d.dueBy);
    expect(due).not.toContain('2026-08-31');
    expect(s.nextDue.find((d) => d.kind === 'formal-assessment')?.dueBy).toBe('2026-10-31');
  });
});

describe('R12 formal assessments', () => {
  it('R12: the year-1 assessment is accepted from the start of the term that closes year 1', () => {
    given(registered())
      .when(assessment({ assessedOn: '2026-04-05' }))
      .thenThrows('R12', 'statutory');
    given(registered())
      .when(assessment({ assessedOn: '2026-04-06', on: '2026-04-08' }))
      .then([
        {
          type: 'FormalAssessmentRecorded',
          data: { point: 'year-1', assessedOn: '2026-04-06', late: false },
        },
      ]);
  });

  it('R12: the report is due within 10 working days of the meeting; later is flagged late', () => {
    given(registered())
      .when(assessment({ assessedOn: '2026-07-01', on: '2026-07-20' }))
      .then([{ type: 'FormalAssessmentRecorded', data: { reportDueBy: '2026-07-15', late: true } }]);
  });

  it('R12: against TS1–TS8 and Part Two only, never the ECF/ITTECF', () => {
    given(registered())
      .when(assessment({ standards: { ...ALL_MET, 'ECF-2': 'met' } as never }))
      .thenThrows('R12', 'statutory');
    given(registered())
      .when(assessment({ standards: { TS1: 'met' } as never }))
      .thenThrows(undefined, 'invalid');
  });

  it('R12: a mentor who is not the tutor never assesses; the report needs three signatures', () => {
    given(registered())
      .when(assessment({ assessor: { personId: MENTOR_ID, role: 'induction-tutor' } }))
      .thenThrows('R12', 'statutory');
    given(registered())
      .when(assessment({ signedOn: { inductionTutor: '2026-07-02', head: '2026-07-03' } }))
      .thenThrows('R12', 'statutory');
  });

  it('R14: an unsatisfactory year-1 assessment puts the ECT at risk; every later review revises the plan', () => {
    const events = history(registered(), assessment({ recommendation: 'unsatisfactory' }));
    expect(events.at(-1)).toMatchObject({
      type: 'SupportPlanRequired',
      data: { reason: 'year-1-unsatisfactory' },
    });
    expect(summariseInduction(stateOf(events), '2026-09-10', calendar).atRisk).toBe(true);
    given(events).when(review(4, '2026-12-01')).thenThrows('R14', 'statutory');
    given(events)
      .when(review(4, '2026-12-01', true, 'Revised plan'))
      .then([{ type: 'ProgressReviewSubmitted' }]);
  });

  it('R9: an assessment due during statutory leave waits until the ECT is back and has chosen', () => {
    const onLeave = history(
      registered(),
      command('RecordAbsence', {
        absenceId: 'm1',
        from: '2026-06-01',
        to: '2026-10-30',
        days: 80,
        reason: 'maternity',
        on: '2026-05-20',
      }),
    );
    given(onLeave)
      .when(assessment({ assessedOn: '2026-07-01' }))
      .thenThrows('R9', 'statutory');
  });
});

describe('R13 interim assessment', () => {
  it('R13: leaving after a term or more before the next formal assessment needs an interim assessment', () => {
    const events = history(
      registered(),
      command('TransferEct', {
        leftOn: '2026-02-13',
        toSchoolUrn: '222222',
        reason: 'moved',
        on: '2026-02-13',
      }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'EctTransferred',
      data: { interimAssessmentRequired: true },
    });
    given(events)
      .when(
        command('RecordInterimAssessment', {
          assessedOn: '2026-02-12',
          progress: 'Good progress',
          on: '2026-02-16',
        }),
      )
      .then([{ type: 'InterimAssessmentRecorded', data: { daysAbsent: 0 } }]);
  });

  it('R13: leaving under a term does not', () => {
    const events = history(
      registered(),
      command('TransferEct', {
        leftOn: '2025-11-01',
        toSchoolUrn: '222222',
        reason: 'moved',
        on: '2025-11-01',
      }),
    );
    expect(events.at(-1)).toMatchObject({ data: { interimAssessmentRequired: false } });
  });
});
