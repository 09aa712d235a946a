/**
 * The people around an ECT: mentor and induction tutor (changed from a date, never edited: the old one stays in
 * the history) and the ECT's named AB contact (R22, 2.28). Their names live only under `personal` (R23).
 */
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import { requireOpen } from '../posts/working-pattern.js';
import { conflict } from '../shared/domain-error.js';
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
    return [
      ectEvent('AbContactAssigned', {
        contactId: data.contact.personId,
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
    people: { ...state.people, ...data.personal },
  }),
};
