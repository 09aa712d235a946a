import { describe, expect, it } from '@jest/globals';
import { TermCalendar } from '../calendar/r1-terms.js';
import {
  createTrainingProgrammeDecider,
  suggestPhaseGroups,
  type TrainingEventInput,
} from './training-programme.decider.js';

const decider = createTrainingProgrammeDecider(new TermCalendar(), 2025);
const conference: TrainingEventInput = {
  eventId: 'conf',
  kind: 'induction-conference',
  title: 'Conference',
  date: '2025-09-12',
  audiences: ['ect-year-1', 'ect-year-2', 'mentor-year-1', 'mentor-year-2'],
};
const publish = (events: TrainingEventInput[]) =>
  decider.decide(
    { type: 'PublishTrainingProgramme', data: { academicYear: 2025, events, on: '2025-07-01' } },
    decider.initialState(),
  );

describe('training programme', () => {
  it('opens with a September conference for both years and mentors', () => {
    expect(publish([conference])[0]!.type).toBe('TrainingProgrammePublished');
    expect(() => publish([{ ...conference, date: '2025-10-01' }])).toThrow(/September/);
    expect(() => publish([{ ...conference, audiences: ['ect-year-1'] }])).toThrow(/year-1 and year-2/);
  });
  it('runs optional leadership modules only in the final term of year 2', () => {
    const module: TrainingEventInput = {
      eventId: 'lm',
      kind: 'leadership-module',
      title: 'Leadership',
      date: '2026-02-01',
      audiences: ['ect-year-2'],
    };
    expect(() => publish([conference, module])).toThrow(/final term/);
    const [event] = publish([conference, { ...module, date: '2026-06-10' }]);
    expect((event!.data as { events: { optional: boolean }[] }).events[1]!.optional).toBe(true);
  });
  it('keeps the mentor year 2 lighter than year 1', () => {
    const mentor2: TrainingEventInput = {
      eventId: 'm2',
      kind: 'mentor-session',
      title: 'Mentors',
      date: '2025-11-01',
      audiences: ['mentor-year-2'],
    };
    expect(() => publish([conference, mentor2])).toThrow(/lighter/);
  });
  it('suggests phase groups of about 20, balanced, the same for the same cohort', () => {
    const candidates = [
      ...Array.from({ length: 47 }, (_, i) => ({
        ectId: `p${String(i).padStart(2, '0')}`,
        phase: 'primary' as const,
      })),
      ...Array.from({ length: 18 }, (_, i) => ({ ectId: `s${i}`, phase: 'secondary' as const })),
    ];
    const groups = suggestPhaseGroups(candidates);
    expect(groups.map((g) => [g.phase, g.ectIds.length])).toEqual([
      ['primary', 24],
      ['primary', 23],
      ['secondary', 18],
    ]);
    expect(suggestPhaseGroups([...candidates].reverse())).toEqual(groups);
  });
});
