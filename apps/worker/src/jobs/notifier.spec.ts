import { describe, expect, it } from '@jest/globals';
import { createLogger } from '#platform/logging/logger.js';
import { Notifier, type EmailSender } from './notifier.js';

describe('notifier: survey messages', () => {
  it('puts the personal survey link in the message sent, never in the row recorded', async () => {
    const queries: unknown[][] = [];
    const db = {
      query: async (sql: string, params: unknown[] = []) => {
        queries.push(params);
        return sql.startsWith('INSERT') ? [{ seq: '1' }] : [];
      },
    };
    const messages: Record<string, string>[] = [];
    const sender: EmailSender = {
      send: async (_template, _email, personalisation) => {
        messages.push(personalisation);
        return { id: 'notify-1' };
      },
    };
    const notifier = new Notifier(db, createLogger({ level: 'silent' }), { sender, templateId: 'generic' });
    const link = 'https://ab.example/survey/secret-token';
    const result = await notifier.deliver({
      eventId: 'event-1',
      recipient: 'respondent',
      template: 'survey-reminder',
      email: 'head@school.example',
      ectId: null,
      details: { year: '2025/26', closesOn: '2026-07-15' },
      secretDetails: { link },
    });
    expect(result).toBe('sent');
    expect(messages).toHaveLength(1);
    expect(messages[0]!['body']).toContain(link);
    expect(messages[0]!['subject']).toBe('Reminder: annual survey 2025/26');
    expect(JSON.stringify(queries)).not.toContain('secret-token');
  });
});
