/**
 * R17 notification (2.69, reg 11(7)): within 3 working days of the decision the AB tells the ECT, the head and
 * the employer (when the AB is not the employer); the TRA within 3 working days for fail or extend, while
 * passes go in the termly return.
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent, type NotificationRecipient } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireDate } from '../registration/validation.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';

/** R17 (2.69): working days to notify after the decision. */
export const NOTIFICATION_WORKING_DAYS = 3;

/** R17: who must be told of the current decision and has not been yet. */
export function notificationsOutstanding(state: EctState): NotificationRecipient[] {
  if (state.decision === null) return [];
  const required: NotificationRecipient[] =
    state.decision.outcome === 'pass' ? ['ect', 'head', 'employer'] : ['ect', 'head', 'employer', 'tra'];
  return required.filter((recipient) => !state.notifications.some((n) => n.recipient === recipient));
}

export const notificationCommands: Pick<CommandHandlers, 'RecordNotification'> = {
  RecordNotification: ({ data }, state) => {
    requireDate(data.notifiedOn, 'notifiedOn');
    if (!['ect', 'head', 'employer', 'tra'].includes(data.recipient)) {
      throw invalid('Recipient must be ect, head, employer or tra', 'recipient');
    }
    if (state.decision === null) throw statutory('R17', 'there is no decision to notify');
    if (state.notifications.some((n) => n.recipient === data.recipient)) {
      throw conflict(`The ${data.recipient} has already been notified`);
    }
    if (data.recipient === 'tra' && state.decision.outcome === 'pass') {
      throw statutory('R17', 'passes reach the TRA in the termly return, not individually', 'recipient');
    }
    if (data.notifiedOn < state.decision.decidedOn)
      throw invalid('Notification follows the decision', 'notifiedOn');
    return [
      ectEvent('OutcomeNotified', {
        recipient: data.recipient,
        notifiedOn: data.notifiedOn,
        late: data.notifiedOn > state.decision.notifyBy,
      }),
    ];
  },
};

export const notificationEvents: Pick<EventAppliers, 'OutcomeNotified'> = {
  OutcomeNotified: (state, { data }) => ({
    ...state,
    notifications: [...state.notifications, { recipient: data.recipient, notifiedOn: data.notifiedOn }],
  }),
};
