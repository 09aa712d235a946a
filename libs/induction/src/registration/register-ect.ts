/**
 * R20 registration (2.9–2.13, 1.13, reg 9) and R21 conflicts (2.25). The AB registers an ECT before induction
 * starts and sets the start date; QTS must be held, awarded on or before the start. One induction per person:
 * an open induction is a duplicate (409), a passed or failed one is final (422); a released ECT may come back.
 * A start date before the registration date is accepted (late notice, transfer in, migrated record) and
 * flagged for early help.
 */
import type { RegisterEct } from '../induction/ect.commands.js';
import { ectEvent, PROGRAMMES, type EctEvent } from '../induction/ect.events.js';
import type { CommandHandlers, EctDeps, EventAppliers } from '../induction/ect.capability.js';
import { type EctState, initialEctState } from '../induction/ect.state.js';
import { conflict, invalid, statutory } from '../shared/domain-error.js';
import { validateFte } from '../posts/working-pattern.js';
import { contactPersonal, requireDate, requireText, validateContact } from './validation.js';

const TRN = /^\d{7}$/;
const URN = /^\d{6}$/;

export const PRIMARY_POST_ID = 'main';

function decideRegisterEct(command: RegisterEct, state: EctState, deps: EctDeps): EctEvent[] {
  const data = command.data;
  requireDate(data.on, 'on');
  if (!TRN.test(data.trn)) throw invalid('R20: TRN must be 7 digits', 'trn', 'R20');
  if (!URN.test(data.schoolUrn)) throw invalid('School URN must be 6 digits', 'schoolUrn');
  requireText(data.firstName, 'firstName');
  requireText(data.lastName, 'lastName');
  requireText(data.email, 'email');
  requireText(data.ectId, 'ectId');
  requireDate(data.dateOfBirth, 'dateOfBirth');
  requireDate(data.qtsAwardedOn, 'qtsAwardedOn');
  requireDate(data.startDate, 'startDate');
  validateFte(data.fte);
  if (!PROGRAMMES.includes(data.programme)) {
    throw invalid('Programme must be provider-led or school-led', 'programme');
  }
  validateContact(data.mentor, 'mentor');
  validateContact(data.inductionTutor, 'inductionTutor');

  // R23: once a person's data is erased (or its erasure requested) their record is closed for good; the TRN
  // still maps to the same stream, so say so rather than try to write data the shredded key can't protect.
  if (
    (state.erasedSubjects ?? []).includes(data.ectId) ||
    state.erasureRequests.some((r) => r.subjectId === data.ectId)
  ) {
    throw statutory(
      'R23',
      'this TRN’s personal data has been erased (or its erasure requested): the record cannot be registered again',
      'trn',
    );
  }
  if (state.phase === 'passed' || state.phase === 'failed') {
    throw statutory('R20', `one induction per person: this TRN has already ${state.phase} induction`, 'trn');
  }
  if (state.phase === 'open' || state.phase === 'awaiting-decision') {
    throw conflict('This TRN already has an open induction with this appropriate body');
  }
  if (data.qtsAwardedOn > data.startDate) {
    throw statutory('R20', 'QTS must be awarded on or before the induction start date', 'qtsAwardedOn');
  }
  if (deps.hubSchoolUrns.has(data.schoolUrn)) {
    throw statutory('R21', 'the hub cannot be appropriate body for an ECT at its own school', 'schoolUrn');
  }

  return [
    ectEvent('EctRegistered', {
      ectId: data.ectId,
      schoolUrn: data.schoolUrn,
      qtsAwardedOn: data.qtsAwardedOn,
      startDate: data.startDate,
      fte: data.fte,
      programme: data.programme,
      mentorId: data.mentor.personId,
      inductionTutorId: data.inductionTutor.personId,
      registeredOn: data.on,
      lateRegistration: data.startDate < data.on,
      priorTermsServed: state.phase === 'released' ? state.priorTermsServed : 0,
      personal: {
        [data.ectId]: {
          firstName: data.firstName,
          lastName: data.lastName,
          dateOfBirth: data.dateOfBirth,
          email: data.email,
          trn: data.trn,
        },
        ...contactPersonal(data.mentor),
        ...contactPersonal(data.inductionTutor),
      },
    }),
  ];
}

export const registrationCommands: Pick<CommandHandlers, 'RegisterEct'> = { RegisterEct: decideRegisterEct };

export const registrationEvents: Pick<EventAppliers, 'EctRegistered'> = {
  // A released ECT registering again starts a fresh record, keeping only the terms served before (R20).
  EctRegistered: (state, { data }) => ({
    ...initialEctState(),
    phase: 'open',
    ectId: data.ectId,
    leadSchoolUrn: data.schoolUrn,
    programme: data.programme,
    qtsAwardedOn: data.qtsAwardedOn,
    startDate: data.startDate,
    registeredOn: data.registeredOn,
    lateRegistration: data.lateRegistration,
    priorTermsServed: data.priorTermsServed,
    posts: [
      {
        postId: PRIMARY_POST_ID,
        schoolUrn: data.schoolUrn,
        startDate: data.startDate,
        leftOn: null,
        patterns: [{ from: data.startDate, fte: data.fte }],
      },
    ],
    mentorId: data.mentorId,
    inductionTutorId: data.inductionTutorId,
    people: { ...state.people, ...data.personal },
    erasureRequests: state.erasureRequests,
    erasedSubjects: state.erasedSubjects ?? [],
  }),
};
