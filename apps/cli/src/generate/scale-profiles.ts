/**
 * Scale profiles for generated data (issue 9). A hub: 3,000 ECTs at 150 schools; the national service: 60,000
 * ECTs at 3,000 schools, about 2.4 million events. The mix is tuned so that an ECT's stream averages about 40
 * events; absence returns carry most of the volume until a training capability (attendance at phase groups,
 * the September conference) exists: see `attendancePerTerm` in simulate-ect.ts for where it plugs in.
 */
import type { IsoDate } from '#induction/calendar/calendar-date.js';

export interface ScaleProfile {
  readonly name: string;
  readonly ects: number;
  readonly schools: number;
  /** The simulated "today": nothing is generated after it. */
  readonly asOf: IsoDate;
  /** Academic years (by the calendar year they start in) whose cohorts start induction, with their weights. */
  readonly cohorts: readonly { readonly academicYear: number; readonly weight: number }[];
  /** Mean ad hoc absence episodes an ECT has per term (most are one or two days). */
  readonly absenceEpisodesPerTerm: number;
}

const COHORTS = [
  { academicYear: 2023, weight: 0.3 },
  { academicYear: 2024, weight: 0.34 },
  { academicYear: 2025, weight: 0.36 },
];

export const SCALE_PROFILES = {
  /** For tests: fast, still every kind of history. */
  small: {
    name: 'small',
    ects: 200,
    schools: 10,
    asOf: '2026-07-10',
    cohorts: COHORTS,
    absenceEpisodesPerTerm: 5,
  },
  hub: {
    name: 'hub',
    ects: 3_000,
    schools: 150,
    asOf: '2026-07-10',
    cohorts: COHORTS,
    absenceEpisodesPerTerm: 5,
  },
  national: {
    name: 'national',
    ects: 60_000,
    schools: 3_000,
    asOf: '2026-07-10',
    cohorts: COHORTS,
    absenceEpisodesPerTerm: 5,
  },
} as const satisfies Record<string, ScaleProfile>;

export type ScaleName = keyof typeof SCALE_PROFILES;

export function scaleProfile(
  name: string,
  overrides: { ects?: number; schools?: number } = {},
): ScaleProfile {
  const profile = (SCALE_PROFILES as Record<string, ScaleProfile>)[name];
  if (!profile) throw new Error(`Unknown scale "${name}": use ${Object.keys(SCALE_PROFILES).join(', ')}`);
  return { ...profile, ...overrides };
}
