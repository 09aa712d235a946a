/**
 * The hub's annual survey to schools (domain.md, "The hub's own service"): one stream per academic year
 * (`survey-<year>`, year = the September it starts in). Hub staff define the questions and the open and close
 * dates, invite each school's head and induction tutor with a personal link (only its SHA-256 hash is stored;
 * the link works without an account until it expires), remind those who have not answered, and each answer
 * arrives as a `SurveyResponseSubmitted` event. One response per invitation: the same answers again change
 * nothing (a retried submit), different answers are a conflict.
 */
import { isIsoDate, type IsoDate } from '../calendar/calendar-date.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import { conflict, DomainError, invalid, notFound } from '../shared/domain-error.js';

export const QUESTION_KINDS = ['rating', 'yes-no', 'free-text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const RESPONDENT_ROLES = ['head', 'induction-tutor'] as const;
export type RespondentRole = (typeof RESPONDENT_ROLES)[number];
/** Ratings run 1 (poor) to 5 (excellent). */
export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const FREE_TEXT_MAX = 2000;

export interface SurveyQuestion {
  readonly id: string;
  readonly text: string;
  readonly kind: QuestionKind;
}
export type Answer = number | boolean | string;

export interface Invitation {
  readonly invitationId: string;
  readonly schoolUrn: string;
  readonly role: RespondentRole;
  readonly tokenHash: string;
  readonly expiresOn: IsoDate;
}

export type DefineSurvey = {
  readonly type: 'DefineSurvey';
  readonly data: {
    year: number;
    title: string;
    opensOn: IsoDate;
    closesOn: IsoDate;
    questions: SurveyQuestion[];
    on: IsoDate;
  };
};
export type InviteRespondents = {
  readonly type: 'InviteRespondents';
  readonly data: { invitations: Invitation[]; on: IsoDate };
};
export type SubmitSurveyResponse = {
  readonly type: 'SubmitSurveyResponse';
  readonly data: { tokenHash: string; answers: Record<string, Answer>; on: IsoDate };
};
export type RecordSurveyReminders = {
  readonly type: 'RecordSurveyReminders';
  readonly data: { on: IsoDate };
};
export type SurveyCommand = DefineSurvey | InviteRespondents | SubmitSurveyResponse | RecordSurveyReminders;

export type SurveyDefined = DomainEvent<
  'SurveyDefined',
  {
    year: number;
    title: string;
    opensOn: IsoDate;
    closesOn: IsoDate;
    questions: SurveyQuestion[];
    definedOn: IsoDate;
  }
>;
export type SurveyRespondentInvited = DomainEvent<
  'SurveyRespondentInvited',
  Invitation & { invitedOn: IsoDate }
>;
export type SurveyResponseSubmitted = DomainEvent<
  'SurveyResponseSubmitted',
  {
    invitationId: string;
    schoolUrn: string;
    role: RespondentRole;
    answers: Record<string, Answer>;
    submittedOn: IsoDate;
  }
>;
export type SurveyReminderSent = DomainEvent<
  'SurveyReminderSent',
  { invitationId: string; schoolUrn: string; role: RespondentRole; sentOn: IsoDate }
>;
export type SurveyEvent =
  SurveyDefined | SurveyRespondentInvited | SurveyResponseSubmitted | SurveyReminderSent;

export interface SurveyState {
  readonly definition: SurveyDefined['data'] | null;
  readonly invitations: Readonly<Record<string, Invitation>>;
  /** Token hash → invitation id. */
  readonly byToken: Readonly<Record<string, string>>;
  /** School URN + role → invitation id: one invitation per school and role. */
  readonly bySchoolRole: Readonly<Record<string, string>>;
  readonly responses: Readonly<Record<string, SurveyResponseSubmitted['data']>>;
  readonly remindersSent: Readonly<Record<string, number>>;
}

export const surveyStreamId = (year: number): string => `survey-${year}`;
export const academicYearLabel = (year: number): string =>
  `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
const schoolRoleKey = (urn: string, role: RespondentRole) => `${urn}|${role}`;

const forbidden = (message: string) => new DomainError('forbidden', null, message);

/** Checks one answer against its question; throws a 400 naming the question. */
export function validateAnswer(question: SurveyQuestion, answer: unknown): Answer {
  const field = `answers.${question.id}`;
  switch (question.kind) {
    case 'rating':
      if (
        typeof answer !== 'number' ||
        !Number.isInteger(answer) ||
        answer < RATING_MIN ||
        answer > RATING_MAX
      )
        throw invalid(`${question.text}: choose a rating from ${RATING_MIN} to ${RATING_MAX}`, field);
      return answer;
    case 'yes-no':
      if (typeof answer !== 'boolean') throw invalid(`${question.text}: answer yes or no`, field);
      return answer;
    case 'free-text':
      if (typeof answer !== 'string') throw invalid(`${question.text}: answer must be text`, field);
      if (answer.length > FREE_TEXT_MAX)
        throw invalid(`${question.text}: answer must be ${FREE_TEXT_MAX} characters or fewer`, field);
      return answer.trim();
  }
}

function validateDefinition(data: DefineSurvey['data']): void {
  if (!Number.isInteger(data.year) || data.year < 2000 || data.year > 2100)
    throw invalid('year must be the year the academic year starts, like 2025', 'year');
  if (typeof data.title !== 'string' || data.title.trim() === '') throw invalid('title is required', 'title');
  if (!isIsoDate(data.opensOn)) throw invalid('opensOn must be a date (YYYY-MM-DD)', 'opensOn');
  if (!isIsoDate(data.closesOn)) throw invalid('closesOn must be a date (YYYY-MM-DD)', 'closesOn');
  if (data.closesOn < data.opensOn) throw invalid('closesOn must be on or after opensOn', 'closesOn');
  if (!Array.isArray(data.questions) || data.questions.length === 0)
    throw invalid('questions must list at least one question', 'questions');
  const ids = new Set<string>();
  for (const question of data.questions) {
    if (typeof question.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(question.id))
      throw invalid('each question id must be 1-40 lower-case letters, digits or hyphens', 'questions');
    if (ids.has(question.id)) throw invalid(`question id ${question.id} is used twice`, 'questions');
    ids.add(question.id);
    if (!QUESTION_KINDS.includes(question.kind))
      throw invalid(`question kind must be one of: ${QUESTION_KINDS.join(', ')}`, 'questions');
    if (typeof question.text !== 'string' || question.text.trim() === '')
      throw invalid('each question needs its text', 'questions');
  }
}

const sameAnswers = (a: Record<string, Answer>, b: Record<string, Answer>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

function decide(command: SurveyCommand, state: SurveyState): SurveyEvent[] {
  if (!isIsoDate(command.data?.on)) throw invalid('on must be a date (YYYY-MM-DD)', 'on');
  const { on } = command.data;
  switch (command.type) {
    case 'DefineSurvey': {
      validateDefinition(command.data);
      if (state.definition !== null)
        throw conflict(`The ${academicYearLabel(state.definition.year)} survey is already defined`);
      const { year, title, opensOn, closesOn, questions } = command.data;
      return [
        {
          type: 'SurveyDefined',
          schemaVersion: 1,
          data: {
            year,
            title: title.trim(),
            opensOn,
            closesOn,
            questions: questions.map(({ id, text, kind }) => ({ id, text: text.trim(), kind })),
            definedOn: on,
          },
        },
      ];
    }
    case 'InviteRespondents': {
      if (state.definition === null) throw notFound('No survey is defined for that year');
      // Inviting again skips those already invited, so a retried or repeated invite adds only newcomers.
      const seen = new Set<string>();
      return command.data.invitations
        .filter((invitation) => {
          const key = schoolRoleKey(invitation.schoolUrn, invitation.role);
          if (state.bySchoolRole[key] !== undefined || seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .map((invitation) => {
          if (!RESPONDENT_ROLES.includes(invitation.role))
            throw invalid(`role must be one of: ${RESPONDENT_ROLES.join(', ')}`, 'role');
          if (!isIsoDate(invitation.expiresOn)) throw invalid('expiresOn must be a date', 'expiresOn');
          return {
            type: 'SurveyRespondentInvited' as const,
            schemaVersion: 1,
            data: { ...invitation, invitedOn: on },
          };
        });
    }
    case 'SubmitSurveyResponse': {
      const definition = state.definition;
      const invitationId = state.byToken[command.data.tokenHash];
      if (definition === null || invitationId === undefined) throw notFound('That survey link is not valid');
      const invitation = state.invitations[invitationId]!;
      if (on > invitation.expiresOn) throw forbidden('That survey link has expired');
      if (on < definition.opensOn) throw forbidden(`The survey opens on ${definition.opensOn}`);
      if (on > definition.closesOn) throw forbidden('The survey has closed');
      const given = command.data.answers ?? {};
      const unknown = Object.keys(given).find((id) => !definition.questions.some((q) => q.id === id));
      if (unknown !== undefined) throw invalid(`There is no question ${unknown}`, `answers.${unknown}`);
      const answers: Record<string, Answer> = {};
      for (const question of definition.questions) {
        const answer = given[question.id];
        if (answer === undefined || answer === '') {
          if (question.kind !== 'free-text')
            throw invalid(`${question.text}: an answer is required`, `answers.${question.id}`);
          continue;
        }
        const valid = validateAnswer(question, answer);
        if (valid !== '') answers[question.id] = valid;
      }
      const earlier = state.responses[invitationId];
      if (earlier !== undefined) {
        if (sameAnswers(earlier.answers, answers)) return [];
        throw conflict('A response has already been given with this link');
      }
      return [
        {
          type: 'SurveyResponseSubmitted',
          schemaVersion: 1,
          data: {
            invitationId,
            schoolUrn: invitation.schoolUrn,
            role: invitation.role,
            answers,
            submittedOn: on,
          },
        },
      ];
    }
    case 'RecordSurveyReminders': {
      if (state.definition === null) throw notFound('No survey is defined for that year');
      if (on > state.definition.closesOn) return [];
      return Object.values(state.invitations)
        .filter((i) => state.responses[i.invitationId] === undefined && i.expiresOn >= on)
        .map((i) => ({
          type: 'SurveyReminderSent' as const,
          schemaVersion: 1,
          data: { invitationId: i.invitationId, schoolUrn: i.schoolUrn, role: i.role, sentOn: on },
        }));
    }
    default:
      throw invalid(`Unknown command ${(command as { type: string }).type}`);
  }
}

/**
 * The events folded in one pass: each map an event touches is copied once per call, not once per event, so
 * folding a national survey stream (6,000 invitations, 12,000 events) is linear rather than quadratic. The
 * copies are this call's own until it returns; `state` and its maps are never changed.
 */
function evolveAll(state: SurveyState, events: readonly SurveyEvent[]): SurveyState {
  let definition = state.definition;
  let invitations: Record<string, Invitation> | null = null;
  let byToken: Record<string, string> | null = null;
  let bySchoolRole: Record<string, string> | null = null;
  let responses: Record<string, SurveyResponseSubmitted['data']> | null = null;
  let remindersSent: Record<string, number> | null = null;
  let changed = false;
  for (const event of events) {
    switch (event.type) {
      case 'SurveyDefined':
        definition = event.data;
        break;
      case 'SurveyRespondentInvited': {
        const { invitedOn: _on, ...invitation } = event.data;
        (invitations ??= { ...state.invitations })[invitation.invitationId] = invitation;
        (byToken ??= { ...state.byToken })[invitation.tokenHash] = invitation.invitationId;
        (bySchoolRole ??= { ...state.bySchoolRole })[schoolRoleKey(invitation.schoolUrn, invitation.role)] =
          invitation.invitationId;
        break;
      }
      case 'SurveyResponseSubmitted':
        (responses ??= { ...state.responses })[event.data.invitationId] = event.data;
        break;
      case 'SurveyReminderSent': {
        const sent = (remindersSent ??= { ...state.remindersSent });
        sent[event.data.invitationId] = (sent[event.data.invitationId] ?? 0) + 1;
        break;
      }
      default:
        continue;
    }
    changed = true;
  }
  if (!changed) return state;
  return {
    definition,
    invitations: invitations ?? state.invitations,
    byToken: byToken ?? state.byToken,
    bySchoolRole: bySchoolRole ?? state.bySchoolRole,
    responses: responses ?? state.responses,
    remindersSent: remindersSent ?? state.remindersSent,
  };
}

const evolve = (state: SurveyState, event: SurveyEvent): SurveyState => evolveAll(state, [event]);

export const surveyDecider: Decider<SurveyCommand, SurveyEvent, SurveyState> = {
  initialState: () => ({
    definition: null,
    invitations: {},
    byToken: {},
    bySchoolRole: {},
    responses: {},
    remindersSent: {},
  }),
  decide,
  evolve,
  evolveAll,
};
