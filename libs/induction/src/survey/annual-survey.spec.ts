import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fold } from '../shared/decider.js';
import { specFor } from '../testing/given-when-then.js';
import {
  createSchoolServiceDecider,
  type SchoolServiceEvent,
} from '../service-records/school-service.decider.js';
import {
  surveyDecider,
  type Answer,
  type SurveyCommand,
  type SurveyEvent,
  type SurveyQuestion,
} from './annual-survey.decider.js';
import {
  countThemes,
  mentions,
  suggestActions,
  summariseQuestion,
  yearOnYearChange,
} from './survey-report-rules.js';

const { given } = specFor(surveyDecider);
const questions: SurveyQuestion[] = [
  { id: 'overall', text: 'How would you rate the AB service overall?', kind: 'rating' },
  { id: 'sla-clear', text: 'Is the service level agreement clear?', kind: 'yes-no' },
  { id: 'improve', text: 'What could we improve?', kind: 'free-text' },
];
const defined: SurveyEvent = {
  type: 'SurveyDefined',
  schemaVersion: 1,
  data: {
    year: 2025,
    title: 'Annual survey 2025/26',
    opensOn: '2026-05-01',
    closesOn: '2026-06-30',
    questions,
    definedOn: '2026-04-20',
  },
};
const invited = (urn: string, role: 'head' | 'induction-tutor', expiresOn = '2026-06-30'): SurveyEvent => ({
  type: 'SurveyRespondentInvited',
  schemaVersion: 1,
  data: {
    invitationId: `${urn}-${role}`,
    schoolUrn: urn,
    role,
    tokenHash: `hash-${urn}-${role}`,
    expiresOn,
    invitedOn: '2026-05-01',
  },
});
const submit = (tokenHash: string, answers: Record<string, Answer>, on = '2026-05-10'): SurveyCommand => ({
  type: 'SubmitSurveyResponse',
  data: { tokenHash, answers, on },
});

describe('annual survey decider', () => {
  it('defines a year’s survey once (a second definition is a conflict)', () => {
    given([])
      .when({
        type: 'DefineSurvey',
        data: {
          year: 2025,
          title: ' Annual survey 2025/26 ',
          opensOn: '2026-05-01',
          closesOn: '2026-06-30',
          questions,
          on: '2026-04-20',
        },
      })
      .then([{ type: 'SurveyDefined', data: { title: 'Annual survey 2025/26', questions } }]);
    given([defined])
      .when({
        type: 'DefineSurvey',
        data: {
          year: 2025,
          title: 'Again',
          opensOn: '2026-05-01',
          closesOn: '2026-06-30',
          questions,
          on: '2026-04-21',
        },
      })
      .thenThrows(null, 'conflict');
  });

  it('rejects a close date before the open date and duplicate question ids', () => {
    given([])
      .when({
        type: 'DefineSurvey',
        data: {
          year: 2025,
          title: 'S',
          opensOn: '2026-05-01',
          closesOn: '2026-04-30',
          questions,
          on: '2026-04-20',
        },
      })
      .thenThrows(null, 'invalid');
    given([])
      .when({
        type: 'DefineSurvey',
        data: {
          year: 2025,
          title: 'S',
          opensOn: '2026-05-01',
          closesOn: '2026-06-30',
          questions: [questions[0]!, questions[0]!],
          on: '2026-04-20',
        },
      })
      .thenThrows(null, 'invalid');
  });

  it('invites each school’s head and tutor once, skipping those already invited', () => {
    given([defined, invited('100001', 'head')])
      .when({
        type: 'InviteRespondents',
        data: {
          on: '2026-05-01',
          invitations: [
            {
              invitationId: 'x',
              schoolUrn: '100001',
              role: 'head',
              tokenHash: 'h1',
              expiresOn: '2026-06-30',
            },
            {
              invitationId: 'y',
              schoolUrn: '100001',
              role: 'induction-tutor',
              tokenHash: 'h2',
              expiresOn: '2026-06-30',
            },
          ],
        },
      })
      .then([{ type: 'SurveyRespondentInvited', data: { invitationId: 'y', role: 'induction-tutor' } }]);
  });

  it('records a response from a valid link, with answers checked against the questions', () => {
    given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': true, improve: 'More clinics' }))
      .then([
        {
          type: 'SurveyResponseSubmitted',
          data: { schoolUrn: '100001', role: 'head', answers: { overall: 4 } },
        },
      ]);
    given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { overall: 6, 'sla-clear': true }))
      .thenThrows(null, 'invalid');
    given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { 'sla-clear': true }))
      .thenThrows(null, 'invalid');
  });

  it('refuses an unknown link (404) and an expired link or a closed survey (403)', () => {
    given([defined, invited('100001', 'head')])
      .when(submit('nope', { overall: 4, 'sla-clear': true }))
      .thenThrows(null, 'not-found');
    given([defined, invited('100001', 'head', '2026-05-05')])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': true }, '2026-05-06'))
      .thenThrows(null, 'forbidden');
    given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': true }, '2026-07-01'))
      .thenThrows(null, 'forbidden');
  });

  it('a repeated identical response changes nothing; a different one is a conflict', () => {
    const first = given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': false }))
      .result().events;
    given([defined, invited('100001', 'head'), ...first])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': false }))
      .then([]);
    given([defined, invited('100001', 'head'), ...first])
      .when(submit('hash-100001-head', { overall: 2, 'sla-clear': false }))
      .thenThrows(null, 'conflict');
  });

  it('reminds only those who have not answered while the survey is open', () => {
    const answered = given([defined, invited('100001', 'head')])
      .when(submit('hash-100001-head', { overall: 4, 'sla-clear': true }))
      .result().events;
    given([defined, invited('100001', 'head'), invited('100001', 'induction-tutor'), ...answered])
      .when({ type: 'RecordSurveyReminders', data: { on: '2026-06-01' } })
      .then([{ type: 'SurveyReminderSent', data: { invitationId: '100001-induction-tutor' } }]);
    given([defined, invited('100001', 'induction-tutor')])
      .when({ type: 'RecordSurveyReminders', data: { on: '2026-07-01' } })
      .then([]);
  });

  it('property: at most one response per invitation, however many submissions arrive', () => {
    const base = [defined, invited('100001', 'head'), invited('100002', 'head')];
    const submission = fc.record({
      token: fc.constantFrom('hash-100001-head', 'hash-100002-head'),
      overall: fc.integer({ min: 1, max: 5 }),
      yes: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(submission, { maxLength: 12 }), (submissions) => {
        let events: SurveyEvent[] = [...base];
        for (const s of submissions) {
          try {
            events = [
              ...events,
              ...surveyDecider.decide(
                submit(s.token, { overall: s.overall, 'sla-clear': s.yes }),
                fold(surveyDecider, events),
              ),
            ];
          } catch {
            // a conflicting second answer is refused; the first stands
          }
        }
        const responses = events.filter((e) => e.type === 'SurveyResponseSubmitted');
        expect(new Set(responses.map((e) => (e.data as { invitationId: string }).invitationId)).size).toBe(
          responses.length,
        );
        expect(responses.length).toBeLessThanOrEqual(2);
      }),
    );
  });
});

describe('annual survey fold: evolveAll, one pass over many events', () => {
  const responded = (urn: string, role: 'head' | 'induction-tutor', overall: number): SurveyEvent => ({
    type: 'SurveyResponseSubmitted',
    schemaVersion: 1,
    data: {
      invitationId: `${urn}-${role}`,
      schoolUrn: urn,
      role,
      answers: { overall },
      submittedOn: '2026-05-10',
    },
  });
  const reminded = (urn: string, role: 'head' | 'induction-tutor'): SurveyEvent => ({
    type: 'SurveyReminderSent',
    schemaVersion: 1,
    data: { invitationId: `${urn}-${role}`, schoolUrn: urn, role, sentOn: '2026-05-20' },
  });
  const event = fc.oneof(
    fc.constant(defined),
    fc
      .tuple(
        fc.integer({ min: 100001, max: 100008 }),
        fc.constantFrom('head' as const, 'induction-tutor' as const),
      )
      .chain(([urn, role]) =>
        fc.oneof(
          fc.constant(invited(String(urn), role)),
          fc.integer({ min: 1, max: 5 }).map((overall) => responded(String(urn), role, overall)),
          fc.constant(reminded(String(urn), role)),
        ),
      ),
  );
  const oneByOne = (events: readonly SurveyEvent[]) =>
    events.reduce(surveyDecider.evolve, surveyDecider.initialState());

  it('gives what evolving one event at a time gives', () => {
    const events = [
      defined,
      invited('100001', 'head'),
      invited('100002', 'induction-tutor'),
      responded('100001', 'head', 4),
      reminded('100002', 'induction-tutor'),
      reminded('100002', 'induction-tutor'),
    ];
    const state = surveyDecider.evolveAll!(surveyDecider.initialState(), events);
    expect(state).toStrictEqual(oneByOne(events));
    expect(Object.keys(state.invitations)).toEqual(['100001-head', '100002-induction-tutor']);
    expect(state.remindersSent).toEqual({ '100002-induction-tutor': 2 });
    expect(state.byToken['hash-100001-head']).toBe('100001-head');
  });

  it('leaves the state it starts from as it was, and returns it when no event changes it', () => {
    const before = oneByOne([defined, invited('100001', 'head')]);
    const snapshot = structuredClone(before);
    const after = surveyDecider.evolveAll!(before, [
      invited('100002', 'head'),
      responded('100001', 'head', 5),
    ]);
    expect(before).toStrictEqual(snapshot);
    expect(Object.keys(after.invitations)).toEqual(['100001-head', '100002-head']);
    expect(surveyDecider.evolveAll!(before, [])).toBe(before);
  });

  it('folds a national survey stream (6,000 invitations, 12,000 events) in one linear pass', () => {
    const events: SurveyEvent[] = [defined];
    for (let n = 0; n < 3000; n++) {
      events.push(invited(String(200000 + n), 'head'), invited(String(200000 + n), 'induction-tutor'));
    }
    for (let n = 0; n < 3000; n++) events.push(responded(String(200000 + n), 'head', 3));
    const state = fold(surveyDecider, events);
    expect(Object.keys(state.invitations)).toHaveLength(6000);
    expect(Object.keys(state.responses)).toHaveLength(3000);
  });

  it('property: any split of any events, folded in batches, equals the fold one event at a time', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (events, cuts) => {
          const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
          let state = surveyDecider.initialState();
          const kept = [];
          let from = 0;
          for (const to of [...at, events.length]) {
            const snapshot = structuredClone(state);
            const next = surveyDecider.evolveAll!(state, events.slice(from, to));
            expect(state).toStrictEqual(snapshot);
            kept.push(state);
            state = next;
            from = to;
          }
          expect(state).toStrictEqual(oneByOne(events));
          expect(kept[0]).toStrictEqual(surveyDecider.initialState());
        },
      ),
    );
  });
});

describe('survey report rules', () => {
  it('summarises ratings and yes/no answers', () => {
    expect(summariseQuestion('rating', [5, 4, 4, 1])).toEqual({
      responses: 4,
      distribution: { '1': 1, '2': 0, '3': 0, '4': 2, '5': 1 },
      mean: 3.5,
    });
    expect(summariseQuestion('yes-no', [true, false, true, true])).toEqual({
      responses: 4,
      distribution: { yes: 3, no: 1 },
      mean: 0.75,
    });
    expect(yearOnYearChange(3.5, 3.25)).toBe(0.25);
    expect(yearOnYearChange(3.5, null)).toBeNull();
  });

  it('property: a rating distribution adds up to the responses and its mean lies in 1..5', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 200 }), (ratings) => {
        const s = summariseQuestion('rating', ratings);
        expect(Object.values(s.distribution).reduce((a, b) => a + b, 0)).toBe(ratings.length);
        expect(s.mean!).toBeGreaterThanOrEqual(1);
        expect(s.mean!).toBeLessThanOrEqual(5);
      }),
    );
  });

  it('counts themes by listed keywords, each comment once per theme', () => {
    const themes = countThemes([
      'Mentor time is short, mentoring workload high',
      'Great clinics, thank you',
      'ok',
    ]);
    expect(themes.find((t) => t.theme === 'Mentoring')!.comments).toBe(1);
    expect(themes.find((t) => t.theme === 'Workload and time')!.comments).toBe(1);
    expect(themes.find((t) => t.theme === 'Praise')!.comments).toBe(1);
    expect(mentions('Sending forms', 'send')).toBe(true);
    expect(mentions('descend', 'send')).toBe(false);
  });

  it('property: no theme counts more comments than there are', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 30 }), (comments) => {
        for (const t of countThemes(comments)) expect(t.comments).toBeLessThanOrEqual(comments.length);
      }),
    );
  });

  it('suggests actions tied to the figure that triggered them, and none when all are good', () => {
    const good = {
      responseRate: 1,
      reviewsOnTime: 1,
      assessmentsOnTime: 1,
      entitlementsMet: 1,
      earlyHelpCases: 0,
      moderationAgreement: 1,
      trainingAttendance: 1,
      slaCommitmentsMet: 1,
      lowestRating: { question: 'Overall', mean: 4.5 },
    };
    expect(suggestActions(good)).toEqual([]);
    const actions = suggestActions({
      ...good,
      reviewsOnTime: 0.5,
      earlyHelpCases: 3,
      moderationAgreement: null,
    });
    expect(actions.map((a) => [a.figure, a.value])).toEqual([
      ['reviewsOnTime', 0.5],
      ['earlyHelpCases', 3],
    ]);
  });
});

describe('school service decider', () => {
  const decider = createSchoolServiceDecider('100001');
  const service = specFor(decider);
  const agreed: SchoolServiceEvent = {
    type: 'SlaAgreed',
    schemaVersion: 1,
    data: {
      schoolUrn: '100001',
      slaId: 'sla-1',
      startsOn: '2025-09-01',
      endsOn: '2027-08-31',
      commitments: [
        { id: 'turnaround', description: 'Reply within 5 working days', turnaroundWorkingDays: 5 },
      ],
      agreedOn: '2025-09-01',
    },
  };
  it('agrees a two-year SLA and refuses longer or overlapping ones', () => {
    service
      .given([])
      .when({ type: 'AgreeSla', data: { ...agreed.data, on: '2025-09-01' } as never })
      .then([{ type: 'SlaAgreed' }]);
    service
      .given([])
      .when({ type: 'AgreeSla', data: { ...agreed.data, endsOn: '2028-08-31', on: '2025-09-01' } as never })
      .thenThrows(null, 'invalid');
    service
      .given([agreed])
      .when({ type: 'AgreeSla', data: { ...agreed.data, slaId: 'sla-2', on: '2025-09-01' } as never })
      .thenThrows(null, 'conflict');
  });
  it('books sessions and records attendance no greater than the places booked', () => {
    const booked = service
      .given([agreed])
      .when({
        type: 'BookServiceSession',
        data: {
          sessionId: 's1',
          kind: 'clinic',
          title: 'Drop-in',
          heldOn: '2025-11-01',
          places: 2,
          on: '2025-10-01',
        },
      })
      .result().events;
    service
      .given([agreed, ...booked])
      .when({ type: 'RecordSessionAttendance', data: { sessionId: 's1', attended: 3, on: '2025-11-01' } })
      .thenThrows(null, 'invalid');
    service
      .given([agreed, ...booked])
      .when({ type: 'RecordSessionAttendance', data: { sessionId: 's1', attended: 2, on: '2025-11-01' } })
      .then([{ type: 'SessionAttendanceRecorded', data: { kind: 'clinic', places: 2, attended: 2 } }]);
  });
});
