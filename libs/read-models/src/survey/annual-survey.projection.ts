import { EntitySchema, type EntityManager } from 'typeorm';
import type { RecordedEvent } from '#event-store/event-store.port.js';
import type {
  Answer,
  RespondentRole,
  SurveyDefined,
  SurveyQuestion,
  SurveyReminderSent,
  SurveyRespondentInvited,
  SurveyResponseSubmitted,
} from '#induction/survey/annual-survey.decider.js';
import type { Projection } from '../projection.js';

export interface SurveyDefinitionRow {
  year: number;
  title: string;
  opensOn: string;
  closesOn: string;
  questions: SurveyQuestion[];
  definedOn: string;
}
export interface SurveyInvitationRow {
  invitationId: string;
  year: number;
  schoolUrn: string;
  role: RespondentRole;
  tokenHash: string;
  expiresOn: string;
  invitedOn: string;
  remindersSent: number;
  lastRemindedOn: string | null;
  respondedOn: string | null;
}
export interface SurveyResponseRow {
  invitationId: string;
  year: number;
  schoolUrn: string;
  role: RespondentRole;
  answers: Record<string, Answer>;
  submittedOn: string;
}

export const SurveyDefinitionEntity = new EntitySchema<SurveyDefinitionRow>({
  name: 'SurveyDefinition',
  tableName: 'survey_definitions',
  columns: {
    year: { type: 'int', primary: true, primaryKeyConstraintName: 'survey_definitions_pkey' },
    title: { type: 'text' },
    opensOn: { name: 'opens_on', type: 'text' },
    closesOn: { name: 'closes_on', type: 'text' },
    questions: { type: 'jsonb' },
    definedOn: { name: 'defined_on', type: 'text' },
  },
});

export const SurveyInvitationEntity = new EntitySchema<SurveyInvitationRow>({
  name: 'SurveyInvitation',
  tableName: 'survey_invitations',
  columns: {
    invitationId: {
      name: 'invitation_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'survey_invitations_pkey',
    },
    year: { type: 'int' },
    schoolUrn: { name: 'school_urn', type: 'text' },
    role: { type: 'text' },
    tokenHash: { name: 'token_hash', type: 'text' },
    expiresOn: { name: 'expires_on', type: 'text' },
    invitedOn: { name: 'invited_on', type: 'text' },
    remindersSent: { name: 'reminders_sent', type: 'int', default: 0 },
    lastRemindedOn: { name: 'last_reminded_on', type: 'text', nullable: true },
    respondedOn: { name: 'responded_on', type: 'text', nullable: true },
  },
  indices: [
    { name: 'survey_invitations_year_school', columns: ['year', 'schoolUrn'] },
    { name: 'survey_invitations_token', columns: ['tokenHash'], unique: true },
  ],
});

export const SurveyResponseEntity = new EntitySchema<SurveyResponseRow>({
  name: 'SurveyResponse',
  tableName: 'survey_responses',
  columns: {
    invitationId: {
      name: 'invitation_id',
      type: 'text',
      primary: true,
      primaryKeyConstraintName: 'survey_responses_pkey',
    },
    year: { type: 'int' },
    schoolUrn: { name: 'school_urn', type: 'text' },
    role: { type: 'text' },
    answers: { type: 'jsonb' },
    submittedOn: { name: 'submitted_on', type: 'text' },
  },
  indices: [{ name: 'survey_responses_year_school', columns: ['year', 'schoolUrn'] }],
});

const SURVEY_STREAM = /^survey-(\d{4})$/;

/**
 * The annual survey's read side: each year's questions, every invitation (who was asked, reminded, has
 * answered) and every response. Upserts keyed by the event's own ids, so replaying a batch changes nothing.
 */
export const annualSurveyProjection: Projection = {
  name: 'annual-survey',
  tables: ['survey_definitions', 'survey_invitations', 'survey_responses'],
  entities: [SurveyDefinitionEntity, SurveyInvitationEntity, SurveyResponseEntity],
  eventTypes: ['SurveyDefined', 'SurveyRespondentInvited', 'SurveyResponseSubmitted', 'SurveyReminderSent'],
  async apply(events: readonly RecordedEvent[], em: EntityManager) {
    for (const event of events) {
      const match = SURVEY_STREAM.exec(event.streamId);
      if (!match) continue;
      const year = Number(match[1]);
      switch (event.type) {
        case 'SurveyDefined': {
          const d = event.data as unknown as SurveyDefined['data'];
          await em.upsert(
            SurveyDefinitionEntity,
            {
              year,
              title: d.title,
              opensOn: d.opensOn,
              closesOn: d.closesOn,
              questions: d.questions,
              definedOn: d.definedOn,
            },
            ['year'],
          );
          break;
        }
        case 'SurveyRespondentInvited': {
          const d = event.data as unknown as SurveyRespondentInvited['data'];
          await em
            .createQueryBuilder()
            .insert()
            .into(SurveyInvitationEntity)
            .values({
              invitationId: d.invitationId,
              year,
              schoolUrn: d.schoolUrn,
              role: d.role,
              tokenHash: d.tokenHash,
              expiresOn: d.expiresOn,
              invitedOn: d.invitedOn,
              remindersSent: 0,
              lastRemindedOn: null,
              respondedOn: null,
            })
            .orIgnore()
            .execute();
          break;
        }
        case 'SurveyResponseSubmitted': {
          const d = event.data as unknown as SurveyResponseSubmitted['data'];
          await em.upsert(
            SurveyResponseEntity,
            {
              invitationId: d.invitationId,
              year,
              schoolUrn: d.schoolUrn,
              role: d.role,
              answers: d.answers,
              submittedOn: d.submittedOn,
            },
            ['invitationId'],
          );
          await em.update(
            SurveyInvitationEntity,
            { invitationId: d.invitationId },
            { respondedOn: d.submittedOn },
          );
          break;
        }
        case 'SurveyReminderSent': {
          const d = event.data as unknown as SurveyReminderSent['data'];
          // Idempotent: a reminder counts once per date (the decider sends at most one per invitation a run).
          await em.query(
            `UPDATE survey_invitations SET reminders_sent = reminders_sent + 1, last_reminded_on = $2
             WHERE invitation_id = $1 AND (last_reminded_on IS NULL OR last_reminded_on < $2)`,
            [d.invitationId, d.sentOn],
          );
          break;
        }
      }
    }
  },
};
