/**
 * A realistic, deterministic demo Appropriate Body: schools across Cambridgeshire and Peterborough, their
 * induction tutors and mentors, and ECTs in three cohorts, full and part time, provider- and school-led.
 * Names are invented.
 */
export interface DemoSchool {
  urn: string;
  name: string;
  phase: 'primary' | 'secondary' | 'special' | 'all-through';
  localAuthority: string;
  tutor: { name: string; email: string };
  mentors: { name: string; email: string }[];
}

export const DEMO_SCHOOLS: DemoSchool[] = [
  {
    urn: '110001',
    name: 'Fenland Primary School',
    phase: 'primary',
    localAuthority: 'Cambridgeshire',
    tutor: { name: 'Helen Ashby', email: 'h.ashby@fenland-primary.example' },
    mentors: [
      { name: 'Rob Kettle', email: 'r.kettle@fenland-primary.example' },
      { name: 'Priya Natarajan', email: 'p.natarajan@fenland-primary.example' },
    ],
  },
  {
    urn: '110002',
    name: 'Ouse Valley Academy',
    phase: 'secondary',
    localAuthority: 'Cambridgeshire',
    tutor: { name: 'Martin Osei', email: 'm.osei@ousevalley.example' },
    mentors: [
      { name: 'Claire Dunmore', email: 'c.dunmore@ousevalley.example' },
      { name: 'Tom Whitlock', email: 't.whitlock@ousevalley.example' },
      { name: 'Aisha Rahman', email: 'a.rahman@ousevalley.example' },
    ],
  },
  {
    urn: '110003',
    name: 'Nene Park School',
    phase: 'secondary',
    localAuthority: 'Peterborough',
    tutor: { name: 'Gareth Lloyd', email: 'g.lloyd@nenepark.example' },
    mentors: [
      { name: 'Sophie Marsh', email: 's.marsh@nenepark.example' },
      { name: 'Daniel Okafor', email: 'd.okafor@nenepark.example' },
    ],
  },
  {
    urn: '110004',
    name: 'Ely Cathedral Infants',
    phase: 'primary',
    localAuthority: 'Cambridgeshire',
    tutor: { name: 'Jane Fitzgerald', email: 'j.fitzgerald@elyinfants.example' },
    mentors: [{ name: 'Lucy Brennan', email: 'l.brennan@elyinfants.example' }],
  },
  {
    urn: '110005',
    name: 'Orton Meadows Special School',
    phase: 'special',
    localAuthority: 'Peterborough',
    tutor: { name: 'Kwame Mensah', email: 'k.mensah@ortonmeadows.example' },
    mentors: [{ name: 'Hannah Cole', email: 'h.cole@ortonmeadows.example' }],
  },
  {
    urn: '110006',
    name: 'Huntingdon All-Through Academy',
    phase: 'all-through',
    localAuthority: 'Cambridgeshire',
    tutor: { name: 'Fiona Grant', email: 'f.grant@huntingdon-at.example' },
    mentors: [
      { name: 'Oliver Stanton', email: 'o.stanton@huntingdon-at.example' },
      { name: 'Mei Lin', email: 'm.lin@huntingdon-at.example' },
    ],
  },
];

const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Ella',
  'Finn',
  'Grace',
  'Harvey',
  'Isla',
  'Jamal',
  'Keira',
  'Leo',
  'Maya',
  'Noah',
  'Olivia',
  'Pavel',
  'Queenie',
  'Rhys',
  'Sana',
  'Theo',
  'Uma',
  'Victor',
  'Willow',
  'Xander',
  'Yasmin',
  'Zac',
  'Beth',
  'Callum',
  'Delia',
  'Ethan',
];
const LAST_NAMES = [
  'Adeyemi',
  'Barnes',
  'Chowdhury',
  'Doyle',
  'Evans',
  'Fraser',
  'Gill',
  'Hughes',
  'Iqbal',
  'Jones',
  'Kaur',
  'Lewis',
  'Mistry',
  'Nolan',
  'Owusu',
  'Patel',
  'Quinn',
  'Reid',
  'Shah',
  'Turner',
  'Usman',
  'Vaughan',
  'Walsh',
  'Xu',
  'Young',
  'Zielinska',
  'Allen',
  'Brooks',
  'Carter',
  'Dixon',
];

export interface DemoEct {
  trn: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  email: string;
  schoolUrn: string;
  qtsAwardedOn: string;
  startDate: string;
  fte: number;
  programme: 'provider-led' | 'school-led';
  mentor: { name: string; email: string };
  inductionTutor: { name: string; email: string };
}

const COHORT_STARTS = ['2024-09-02', '2025-09-01', '2026-09-01', '2026-01-05'];
const FTES = [1, 1, 1, 0.8, 1, 0.6, 1, 0.5, 1, 1];

export function demoEcts(count = 30): DemoEct[] {
  return Array.from({ length: count }, (_, i) => {
    const school = DEMO_SCHOOLS[i % DEMO_SCHOOLS.length]!;
    const firstName = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const lastName = LAST_NAMES[(i * 7) % LAST_NAMES.length]!;
    const startDate = COHORT_STARTS[i % COHORT_STARTS.length]!;
    const startYear = Number(startDate.slice(0, 4));
    return {
      trn: String(2100000 + i * 37),
      firstName,
      lastName,
      dateOfBirth: `${1994 + (i % 8)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
      email: `${firstName}.${lastName}`.toLowerCase() + `@${school.tutor.email.split('@')[1]}`,
      schoolUrn: school.urn,
      qtsAwardedOn: `${startDate.endsWith('01-05') ? startYear - 1 : startYear}-07-${String(10 + (i % 15)).padStart(2, '0')}`,
      startDate,
      fte: FTES[i % FTES.length]!,
      programme: i % 5 === 3 ? 'school-led' : 'provider-led',
      mentor: school.mentors[i % school.mentors.length]!,
      inductionTutor: school.tutor,
    };
  });
}
