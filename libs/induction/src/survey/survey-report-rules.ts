/**
 * The arithmetic of the annual survey report, kept pure so it can be checked by hand: each question's
 * distribution and mean, the year-on-year change, themes in free text counted by listed keywords (every
 * count can be traced to the words that made it), and suggested actions for a school's improvement plan,
 * each naming the figure and the threshold that triggered it.
 */
import { RATING_MAX, RATING_MIN, type Answer, type QuestionKind } from './annual-survey.decider.js';

export interface QuestionSummary {
  responses: number;
  /** Rating: counts for 1..5 as keys "1".."5"; yes-no: "yes" and "no"; free text: none. */
  distribution: Record<string, number>;
  /** Rating: mean of 1..5; yes-no: share answering yes (0..1); free text: null. */
  mean: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function summariseQuestion(kind: QuestionKind, answers: readonly Answer[]): QuestionSummary {
  if (kind === 'rating') {
    const distribution: Record<string, number> = {};
    for (let r = RATING_MIN; r <= RATING_MAX; r += 1) distribution[String(r)] = 0;
    const ratings = answers.filter((a): a is number => typeof a === 'number');
    for (const r of ratings) distribution[String(r)] = (distribution[String(r)] ?? 0) + 1;
    const mean = ratings.length === 0 ? null : round2(ratings.reduce((s, r) => s + r, 0) / ratings.length);
    return { responses: ratings.length, distribution, mean };
  }
  if (kind === 'yes-no') {
    const flags = answers.filter((a): a is boolean => typeof a === 'boolean');
    const yes = flags.filter(Boolean).length;
    return {
      responses: flags.length,
      distribution: { yes, no: flags.length - yes },
      mean: flags.length === 0 ? null : round2(yes / flags.length),
    };
  }
  const texts = answers.filter((a): a is string => typeof a === 'string' && a.trim() !== '');
  return { responses: texts.length, distribution: {}, mean: null };
}

/** Change in the mean from last year's survey (same question id); null when either year has no mean. */
export function yearOnYearChange(current: number | null, previous: number | null | undefined): number | null {
  if (current === null || previous === null || previous === undefined) return null;
  return round2(current - previous);
}

/** Themes the hub looks for in free text, each with the words (stems) that count a comment towards it. */
export const THEMES: readonly { theme: string; keywords: readonly string[] }[] = [
  { theme: 'Workload and time', keywords: ['workload', 'time', 'busy', 'cover', 'capacity'] },
  { theme: 'Communication', keywords: ['communicat', 'email', 'respon', 'contact', 'clear'] },
  { theme: 'Training', keywords: ['training', 'session', 'course', 'clinic', 'cpd'] },
  { theme: 'Mentoring', keywords: ['mentor'] },
  { theme: 'Paperwork and systems', keywords: ['paperwork', 'form', 'system', 'portal', 'admin'] },
  { theme: 'SEND', keywords: ['send', 'special educational', 'inclusion'] },
  { theme: 'Praise', keywords: ['helpful', 'excellent', 'supportive', 'thank', 'great'] },
];

export interface ThemeCount {
  theme: string;
  keywords: readonly string[];
  /** Comments mentioning at least one of the theme's keywords (a comment counts once per theme). */
  comments: number;
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);

/** Does the comment mention the keyword? Single words match at the start of a word, phrases anywhere. */
export function mentions(comment: string, keyword: string): boolean {
  if (keyword.includes(' ')) return comment.toLowerCase().includes(keyword);
  return words(comment).some((w) => w.startsWith(keyword));
}

export function countThemes(comments: readonly string[]): ThemeCount[] {
  return THEMES.map(({ theme, keywords }) => ({
    theme,
    keywords,
    comments: comments.filter((c) => keywords.some((k) => mentions(c, k))).length,
  }));
}

/** The figures a suggested action may be triggered by (all shares 0..1, null when not available). */
export interface ActionFigures {
  responseRate: number | null;
  reviewsOnTime: number | null;
  assessmentsOnTime: number | null;
  entitlementsMet: number | null;
  earlyHelpCases: number | null;
  moderationAgreement: number | null;
  trainingAttendance: number | null;
  slaCommitmentsMet: number | null;
  /** Lowest mean rating among the rating questions, and which question. */
  lowestRating: { question: string; mean: number } | null;
}

export interface SuggestedAction {
  figure: keyof ActionFigures;
  value: number;
  threshold: number;
  action: string;
}

/** Thresholds below (or, for early help, at or above) which an action is suggested. */
export const ACTION_THRESHOLDS = {
  responseRate: 0.5,
  reviewsOnTime: 0.9,
  assessmentsOnTime: 0.9,
  entitlementsMet: 0.9,
  earlyHelpCases: 2,
  moderationAgreement: 0.8,
  trainingAttendance: 0.75,
  slaCommitmentsMet: 1,
  lowestRating: 3,
} as const;

export function suggestActions(f: ActionFigures): SuggestedAction[] {
  const actions: SuggestedAction[] = [];
  const below = (figure: Exclude<keyof ActionFigures, 'lowestRating' | 'earlyHelpCases'>, action: string) => {
    const value = f[figure];
    const threshold = ACTION_THRESHOLDS[figure];
    if (value !== null && value < threshold) actions.push({ figure, value, threshold, action });
  };
  below(
    'responseRate',
    'Ask the head and induction tutor to complete next year’s survey so the school’s view is heard.',
  );
  below(
    'reviewsOnTime',
    'Put every progress review date in the school calendar and check each is submitted on time.',
  );
  below(
    'assessmentsOnTime',
    'Plan formal assessments at least a term ahead and submit them by their due date.',
  );
  below(
    'entitlementsMet',
    'Check each ECT’s statutory entitlements (timetable, mentor, tutor, programme) with the AB.',
  );
  below('moderationAgreement', 'Moderate assessment judgements with the hub before submitting them.');
  below('trainingAttendance', 'Make sure booked induction-tutor training and clinic places are attended.');
  below('slaCommitmentsMet', 'Review the service level agreement commitments not met with the hub.');
  if (f.earlyHelpCases !== null && f.earlyHelpCases >= ACTION_THRESHOLDS.earlyHelpCases)
    actions.push({
      figure: 'earlyHelpCases',
      value: f.earlyHelpCases,
      threshold: ACTION_THRESHOLDS.earlyHelpCases,
      action: 'Agree an early-help support plan with the hub for the ECTs at risk.',
    });
  if (f.lowestRating !== null && f.lowestRating.mean < ACTION_THRESHOLDS.lowestRating)
    actions.push({
      figure: 'lowestRating',
      value: f.lowestRating.mean,
      threshold: ACTION_THRESHOLDS.lowestRating,
      action: `Discuss with the hub what would improve “${f.lowestRating.question}”.`,
    });
  return actions;
}
