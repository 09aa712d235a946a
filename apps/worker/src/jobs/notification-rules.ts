/**
 * Which events notify whom (the notification outbox). Pure: an event's type and data give the recipients by
 * role; the `notify` job resolves each role's address from the decrypted stream when it runs, so an address
 * never sits in a job, a log line or a table.
 */
export type RecipientRole = 'tutor' | 'ect' | 'head' | 'employer' | 'panel' | 'hub' | 'respondent';

export interface NotificationIntent {
  recipient: RecipientRole;
  template: string;
}

/** Event type → who hears of it. R17: ECT, head and employer on a decision; R18: appeal rights on fail/extend. */
export function notificationIntents(event: {
  type: string;
  data: Record<string, unknown>;
}): NotificationIntent[] {
  switch (event.type) {
    case 'EctRegistered':
      return [{ recipient: 'tutor', template: 'registration-confirmed' }];
    case 'ProgressReviewSubmitted':
      return [{ recipient: 'tutor', template: 'progress-review-received' }];
    case 'FormalAssessmentRecorded':
      return [{ recipient: 'tutor', template: 'formal-assessment-received' }];
    case 'OutcomeDecided': {
      const intents: NotificationIntent[] = [
        { recipient: 'ect', template: 'decision-recorded' },
        { recipient: 'head', template: 'decision-recorded' },
        { recipient: 'employer', template: 'decision-recorded' },
      ];
      if (event.data['outcome'] === 'fail' || event.data['outcome'] === 'extend') {
        intents.push({ recipient: 'ect', template: 'appeal-rights' });
      }
      return intents;
    }
    // Issue 8: the invited head or induction tutor, with their personal link (each event is one invitation).
    case 'SurveyRespondentInvited':
      return [{ recipient: 'respondent', template: 'survey-invitation' }];
    case 'SurveyReminderSent':
      return [{ recipient: 'respondent', template: 'survey-reminder' }];
    default:
      return [];
  }
}

/** The job id and effect key of one message: one per (event, recipient, template). */
export const recipientKey = (intent: NotificationIntent): string =>
  intent.template === 'appeal-rights' ? `${intent.recipient}-appeal-rights` : intent.recipient;

/** Subject and body for Notify's generic template; no names, only references and dates. */
export function messageFor(
  template: string,
  details: Record<string, string>,
): { subject: string; body: string } {
  const ect = details['ectId'] ? `ECT reference ${details['ectId']}` : 'an ECT';
  switch (template) {
    case 'registration-confirmed':
      return {
        subject: 'Induction registration confirmed',
        body: `The appropriate body has registered ${ect}.`,
      };
    case 'progress-review-received':
      return {
        subject: 'Progress review received',
        body: `The appropriate body has received a progress review for ${ect}.`,
      };
    case 'formal-assessment-received':
      return {
        subject: 'Formal assessment received',
        body: `The appropriate body has received a formal assessment for ${ect}.`,
      };
    case 'decision-recorded':
      return {
        subject: 'Induction decision',
        body: `The appropriate body has recorded its decision for ${ect} (R17).`,
      };
    case 'appeal-rights':
      return {
        subject: 'Your right to appeal',
        body: `You may appeal to the Teaching Regulation Agency by ${details['appealBy'] ?? 'the date in your decision letter'} (R18).`,
      };
    case 'survey-invitation':
      return {
        subject: `Annual survey ${details['year'] ?? ''}: your views on the appropriate body`,
        body: `Please tell the appropriate body how its service has worked for your school by ${details['closesOn'] ?? 'the closing date'}. Your personal survey link: ${details['link'] ?? ''}`,
      };
    case 'survey-reminder':
      return {
        subject: `Reminder: annual survey ${details['year'] ?? ''}`,
        body: `The appropriate body's annual survey closes on ${details['closesOn'] ?? 'its closing date'} and we have not yet had your answers. Your personal survey link: ${details['link'] ?? ''}`,
      };
    default:
      if (template.startsWith('reminder-')) {
        return {
          subject: `Due ${details['dueBy'] ?? ''}: ${template.slice('reminder-'.length).replace('-', ' ')}`,
          body: `For ${ect}: ${details['detail'] ?? ''} is due by ${details['dueBy'] ?? ''} (${details['stage'] ?? ''}).`,
        };
      }
      return {
        subject: `Statutory deadline ${details['rule'] ?? ''}: ${details['stage'] ?? ''}`,
        body: `For ${ect}: the ${details['rule'] ?? ''} deadline is ${details['dueBy'] ?? ''} (${details['stage'] ?? ''}).`,
      };
  }
}
