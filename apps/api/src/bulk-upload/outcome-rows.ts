import { RowReader } from './csv-values.js';

/** The DfE service's outcome columns. */
export const OUTCOME_COLUMNS = [
  'TRN',
  'Date of birth',
  'Induction period end date',
  'Number of terms',
  'Outcome',
];

/** pass and fail are the AB's decision (R16); release ends the induction with this AB (the ECT leaves). */
export type BulkOutcome = 'pass' | 'fail' | 'release';
const OUTCOMES: Record<string, BulkOutcome> = {
  pass: 'pass',
  passed: 'pass',
  fail: 'fail',
  failed: 'fail',
  release: 'release',
  released: 'release',
};

export interface OutcomeFields {
  trn: string;
  dateOfBirth: string;
  endDate: string;
  terms: number;
  outcome: BulkOutcome;
}

export function readOutcomeRow(
  record: Record<string, string>,
): { fields: OutcomeFields; problems: [] } | { fields: null; problems: string[] } {
  const row = new RowReader(record);
  const trn = row.matching('TRN', /^\d{7}$/, '7 digits, like 1234567');
  const dateOfBirth = row.date('Date of birth');
  const endDate = row.date('Induction period end date');
  const terms = row.number('Number of terms', 0, 16, 'a number of terms from 0 to 16, like 6 or 5.5');
  const outcome = row.oneOf('Outcome', OUTCOMES);
  const problems = row.problems();
  if (problems.length > 0) return { fields: null, problems };
  return {
    fields: { trn: trn!, dateOfBirth: dateOfBirth!, endDate: endDate!, terms: terms!, outcome: outcome! },
    problems: [],
  };
}
