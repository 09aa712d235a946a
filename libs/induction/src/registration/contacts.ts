/**
 * The people around an ECT: mentor and induction tutor (changed from a date, never edited: the old one stays in
 * the history) and the ECT's named AB contact (R22, 2.28). Their names live only under `personal` (R23).
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { requireOpen } from '../posts/working-pattern.js';
import { conflict, statutory } from '../shared/domain-error.js';
import { decisionsBy } from '../entitlements/r22-entitlements.js';
import { contactPersonal, requireDate, validateContact } from './validation.js';

export const contactCommands: Pick<
  CommandHandlers,
  'ChangeMentor' | 'ChangeInductionTutor' | 'AssignAbContact'
> = {
  ChangeMentor: ({ data }, state) => {
    requireOpen(state);
    validateContact(data.mentor, 'mentor');
    requireDate(data.from, 'from');
    if (data.mentor.personId === state.mentorId) throw conflict('That person is already the mentor');
    return [
      ectEvent('MentorChanged', {
        mentorId: data.mentor.personId,
        from: data.from,
        personal: contactPersonal(data.mentor),
      }),
    ];
  },
  ChangeInductionTutor: ({ data }, state) => {
    requireOpen(state);
    validateContact(data.inductionTutor, 'inductionTutor');
    requireDate(data.from, 'from');
    if (data.inductionTutor.personId === state.inductionTutorId)
      throw conflict('That person is already the tutor');
    return [
      ectEvent('InductionTutorChanged', {
        inductionTutorId: data.inductionTutor.personId,
        from: data.from,
        personal: contactPersonal(data.inductionTutor),
      }),
    ];
  },
  AssignAbContact: ({ data }, state) => {
    requireOpen(state);
    validateContact(data.contact, 'contact');
    const accountId = data.accountId?.trim() ? data.accountId.trim() : null;
    // R22 (2.28): the AB contact takes no part in decisions, so someone who decided this ECT cannot be named.
    const decided = decisionsBy(state, [data.contact.personId, accountId]);
    if (decided.length > 0) {
      throw statutory(
        'R22',
        `the AB contact takes no part in monitoring or decisions (2.28), and this person decided the outcome on ${decided.join(', ')}`,
        'contact',
      );
    }
    return [
      ectEvent('AbContactAssigned', {
        contactId: data.contact.personId,
        accountId,
        personal: contactPersonal(data.contact),
      }),
    ];
  },
};

export const contactEvents: Pick<
  EventAppliers,
  'MentorChanged' | 'InductionTutorChanged' | 'AbContactAssigned'
> = {
  MentorChanged: (state, { data }) => ({
    ...state,
    mentorId: data.mentorId,
    people: { ...state.people, ...data.personal },
  }),
  InductionTutorChanged: (state, { data }) => ({
    ...state,
    inductionTutorId: data.inductionTutorId,
    people: { ...state.people, ...data.personal },
  }),
  AbContactAssigned: (state, { data }) => ({
    ...state,
    abContactId: data.contactId,
    abContactAccountId: data.accountId ?? null,
    people: { ...state.people, ...data.personal },
  }),
};
