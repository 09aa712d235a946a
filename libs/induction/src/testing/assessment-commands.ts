/** Commands for assessment and decision specs: a complete, signed formal assessment by the induction tutor. */
import type { RecordFormalAssessment } from '../induction/ect.commands.js';
import { command, TUTOR_ID } from './ect-fixtures.js';

export const ALL_STANDARDS_MET = {
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

export const formalAssessment = (
  overrides: Partial<RecordFormalAssessment['data']> = {},
): RecordFormalAssessment =>
  command('RecordFormalAssessment', {
    point: 'year-1',
    assessedOn: '2026-07-01',
    assessor: { personId: TUTOR_ID, role: 'induction-tutor' },
    standards: ALL_STANDARDS_MET,
    recommendation: 'satisfactory',
    evidence: 'Lesson observations and planning',
    signedOn: { inductionTutor: '2026-07-02', head: '2026-07-03', ect: '2026-07-03' },
    on: '2026-07-06',
    ...overrides,
  });
