/**
 * Sends one message to one recipient at most once per (event_id, recipient), on top of at-least-once jobs.
 *
 * - Log adapter (no `NOTIFY_API_KEY`): the send *is* the `INSERT ... ON CONFLICT DO NOTHING` into
 *   `notifications_sent` plus a log line, so a retried or restarted job records exactly one row.
 * - GOV.UK Notify: skip when the row exists, send with Notify's `reference` set to `<event_id>/<recipient>`,
 *   then record. A crash between the send and the record resends once; the shared reference makes that
 *   duplicate visible in Notify (libs/jobs/README.md, "an external send cannot be made exactly-once").
 *   Notify's 4xx answers (bad address, bad template) fail the job at once; 429 and 5xx are retried.
 *
 * Never logs or stores addresses or names (the log line has event id, recipient role and template only).
 */
import type { Logger } from 'pino';
import { PermanentJobError } from '#jobs/job-queue.port.js';
import {
  isNotificationRecorded,
  recordNotification,
  type NotificationChannel,
  type SqlRunner,
} from '#read-models/notifications/notifications-sent.table.js';
import { messageFor } from './notification-rules.js';

export interface EmailSender {
  send(
    templateId: string,
    email: string,
    personalisation: Record<string, string>,
    reference: string,
  ): Promise<{ id: string | null }>;
}

/** GOV.UK Notify (`notifications-node-client` 8). One generic template with `subject` and `body` fields. */
export async function notifyEmailSender(apiKey: string): Promise<EmailSender> {
  const { NotifyClient } = await import('notifications-node-client');
  const client = new NotifyClient(apiKey);
  return {
    async send(templateId, email, personalisation, reference) {
      try {
        const response = await client.sendEmail(templateId, email, { personalisation, reference });
        return { id: (response.data as { id?: string } | undefined)?.id ?? null };
      } catch (err) {
        const status = (err as { response?: { status?: number } }).response?.status;
        // The error may carry the request (with the address): pass on the status only.
        if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
          throw new PermanentJobError(`GOV.UK Notify refused the message (HTTP ${status})`);
        }
        // eslint-disable-next-line preserve-caught-error -- the cause holds the request, with the address
        throw new Error(`GOV.UK Notify unavailable (${status ?? 'no response'})`);
      }
    },
  };
}

export interface OutgoingMessage {
  /** The fact served: a domain event id or a reminder/alert job id. */
  eventId: string;
  /** A role (`tutor`, `hub`), never an address. */
  recipient: string;
  template: string;
  /** Null: no address on record (not given, or erased); `undefined`: an in-app recipient (panel, hub). */
  email: string | null | undefined;
  ectId: string | null;
  details: Record<string, string>;
  /** Only in the message itself, never recorded or logged (a personal survey link is a credential). */
  secretDetails?: Record<string, string>;
}

export type DeliveryResult = 'sent' | 'already-sent' | 'no-address' | 'in-app';

export class Notifier {
  constructor(
    private readonly db: SqlRunner,
    private readonly logger: Logger,
    private readonly email: { sender: EmailSender; templateId: string } | null,
  ) {}

  get channel(): NotificationChannel {
    return this.email ? 'notify' : 'log';
  }

  async deliver(message: OutgoingMessage): Promise<DeliveryResult> {
    const reference = `${message.eventId}/${message.recipient}`;
    const base = {
      eventId: message.eventId,
      recipient: message.recipient,
      template: message.template,
      ectId: message.ectId,
      reference,
      details: message.details,
    };
    let result: DeliveryResult;
    if (message.email === undefined) {
      result = (await recordNotification(this.db, { ...base, channel: 'in-app' }))
        ? 'in-app'
        : 'already-sent';
    } else if (message.email === null) {
      const recorded = await recordNotification(this.db, {
        ...base,
        channel: 'none',
        note: 'no address on record',
      });
      result = recorded ? 'no-address' : 'already-sent';
    } else if (!this.email) {
      result = (await recordNotification(this.db, { ...base, channel: 'log' })) ? 'sent' : 'already-sent';
    } else if (await isNotificationRecorded(this.db, message.eventId, message.recipient)) {
      result = 'already-sent';
    } else {
      const { subject, body } = messageFor(message.template, {
        ...message.details,
        ...message.secretDetails,
        ...(message.ectId ? { ectId: message.ectId } : {}),
      });
      const sent = await this.email.sender.send(
        this.email.templateId,
        message.email,
        { subject, body, reference },
        reference,
      );
      await recordNotification(this.db, { ...base, channel: 'notify', providerId: sent.id });
      result = 'sent';
    }
    this.logger.info(
      {
        eventId: message.eventId,
        recipient: message.recipient,
        template: message.template,
        channel: this.channel,
        result,
      },
      'notification',
    );
    return result;
  }
}
