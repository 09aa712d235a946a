import type { RegisterEct } from '#induction/induction/ect.commands.js';
import { RowReader } from './csv-values.js';

/** The DfE service's registration columns; ours needs the further ones below to register an ECT (R20, R22). */
export const REGISTRATION_COLUMNS = [
  'TRN',
  'Date of birth',
  'Induction programme',
  'Induction period start date',
];
export const REGISTRATION_EXTRA_COLUMNS = [
  'First name',
  'Last name',
  'Email',
  'School URN',
  'QTS award date',
  'FTE',
  'Mentor name',
  'Mentor email',
  'Induction tutor name',
  'Induction tutor email',
];

const PROGRAMMES: Record<string, 'provider-led' | 'school-led'> = {
  'provider-led': 'provider-led',
  'school-led': 'school-led',
};

export type RegistrationFields = Omit<RegisterEct['data'], 'ectId' | 'on' | 'mentor' | 'inductionTutor'> & {
  mentor: { name: string; email: string };
  inductionTutor: { name: string; email: string };
};

/** One CSV row as the fields of `POST /ects`, or the row's problems in the column names the user sees. */
export function readRegistrationRow(
  record: Record<string, string>,
): { fields: RegistrationFields; problems: [] } | { fields: null; problems: string[] } {
  const row = new RowReader(record);
  const trn = row.matching('TRN', /^\d{7}$/, '7 digits, like 1234567');
  const dateOfBirth = row.date('Date of birth');
  const programme = row.oneOf('Induction programme', PROGRAMMES);
  const startDate = row.date('Induction period start date');
  const firstName = row.text('First name', { max: 100 });
  const lastName = row.text('Last name', { max: 100 });
  const email = row.email('Email');
  const schoolUrn = row.matching('School URN', /^\d{6}$/, '6 digits, like 123456');
  const qtsAwardedOn = row.date('QTS award date');
  const fte = row.number('FTE', 0.1, 1, 'between 0.1 and 1.0, like 0.6');
  const mentorName = row.text('Mentor name');
  const mentorEmail = row.email('Mentor email');
  const tutorName = row.text('Induction tutor name');
  const tutorEmail = row.email('Induction tutor email');
  const problems = row.problems(' (this service needs them to register an ECT, beyond the DfE columns)');
  if (problems.length > 0) return { fields: null, problems };
  return {
    fields: {
      trn: trn!,
      dateOfBirth: dateOfBirth!,
      programme: programme!,
      startDate: startDate!,
      firstName: firstName!,
      lastName: lastName!,
      email: email!,
      schoolUrn: schoolUrn!,
      qtsAwardedOn: qtsAwardedOn!,
      fte: fte!,
      mentor: { name: mentorName!, email: mentorEmail! },
      inductionTutor: { name: tutorName!, email: tutorEmail! },
    },
    problems: [],
  };
}
