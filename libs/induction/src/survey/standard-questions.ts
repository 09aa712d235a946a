/** The hub's standard annual survey questions, offered when hub staff define a year's survey on the web. */
import type { SurveyQuestion } from './annual-survey.decider.js';

export const STANDARD_SURVEY_QUESTIONS: SurveyQuestion[] = [
  { id: 'overall', text: 'How would you rate the AB service overall?', kind: 'rating' },
  { id: 'advice', text: 'How useful is the AB advice you receive?', kind: 'rating' },
  { id: 'training', text: 'How useful is the induction-tutor training?', kind: 'rating' },
  { id: 'sla-clear', text: 'Is the service level agreement clear?', kind: 'yes-no' },
  { id: 'recommend', text: 'Would you recommend the AB to another school?', kind: 'yes-no' },
  { id: 'improve', text: 'What could the AB do better?', kind: 'free-text' },
];
