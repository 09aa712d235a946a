/**
 * R23 records (2.77–2.80): assessment records are kept for at least 6 years; ECTs may know who can see their
 * assessments (recorded access grants); after retention personal data is erased by crypto-shredding (the
 * subject's key is deleted, their `personal` fields then read back as null). The request is an event; the
 * key deletion is the platform's job.
 */
import { type IsoDate, isoDate, yearOf } from '../calendar/calendar-date.js';
import type { CommandHandlers, EventAppliers } from '../induction/ect.capability.js';
import { ectEvent } from '../induction/ect.events.js';
import type { EctState } from '../induction/ect.state.js';
import { requireText } from '../registration/validation.js';
import { conflict, notFound, statutory } from '../shared/domain-error.js';

/** R23 (2.77): years assessment records are kept. */
export const RETENTION_YEARS = 6;

/** R23: the first date personal data may be erased: 6 years after the last assessment or decision. */
export function retainedUntil(state: EctState): IsoDate | null {
  const dates = [
    state.registeredOn,
    ...state.assessments.map((a) => a.assessedOn),
    ...state.interimAssessments.map((a) => a.assessedOn),
    state.decision?.decidedOn ?? null,
    state.appeal?.determinedOn ?? null,
  ].filter((date): date is IsoDate => date !== null);
  const last = dates.sort().at(-1);
  if (last === undefined) return null;
  const [month, day] = last.slice(5).split('-').map(Number);
  return isoDate(yearOf(last) + RETENTION_YEARS, month, day);
}

/** R23: the subject's personal data has been erased (key shredded), or erasure is requested and pending. */
export const isErased = (state: EctState, subjectId: string): boolean =>
  (state.erasedSubjects ?? []).includes(subjectId);
export const erasureRequested = (state: EctState, subjectId: string): boolean =>
  state.erasureRequests.some((request) => request.subjectId === subjectId);

export const recordCommands: Pick<
  CommandHandlers,
  'GrantAssessmentAccess' | 'RequestErasure' | 'ErasePersonalData'
> = {
  ErasePersonalData: ({ data }, state) => {
    requireText(data.subjectId, 'subjectId');
    // Idempotent: the key is already shredded and the erasure recorded.
    if (isErased(state, data.subjectId)) return [];
    if (!erasureRequested(state, data.subjectId)) {
      throw statutory(
        'R23',
        'no erasure request for this person is recorded on this ECT’s record',
        'subjectId',
      );
    }
    return [ectEvent('PersonalDataErased', { subjectId: data.subjectId, erasedOn: data.on })];
  },
  GrantAssessmentAccess: ({ data }, state) => {
    if (state.phase === 'unregistered') throw notFound('No induction is registered for this ECT');
    requireText(data.grantee?.personId, 'grantee.personId');
    requireText(data.role, 'role');
    return [
      ectEvent('AssessmentAccessGranted', {
        granteeId: data.grantee.personId,
        role: data.role,
        grantedOn: data.on,
        personal: { [data.grantee.personId]: { name: data.grantee.name, email: data.grantee.email } },
      }),
    ];
  },
  RequestErasure: ({ data }, state) => {
    requireText(data.subjectId, 'subjectId');
    if (!(data.subjectId in state.people)) throw notFound('No personal data held for that subject');
    if (isErased(state, data.subjectId)) throw conflict('This person’s personal data is already erased');
    const until = retainedUntil(state);
    if (until !== null && data.on < until) {
      throw statutory('R23', `assessment records are kept for 6 years, until ${until}`);
    }
    return [ectEvent('PersonalDataErasureRequested', { subjectId: data.subjectId, requestedOn: data.on })];
  },
};

export const recordEvents: Pick<
  EventAppliers,
  'AssessmentAccessGranted' | 'PersonalDataErasureRequested' | 'PersonalDataErased'
> = {
  PersonalDataErased: (state, { data }) => ({
    ...state,
    erasedSubjects: [...(state.erasedSubjects ?? []), data.subjectId],
    people: { ...state.people, [data.subjectId]: null },
  }),
  AssessmentAccessGranted: (state, { data }) => ({
    ...state,
    accessGrants: [
      ...state.accessGrants,
      { granteeId: data.granteeId, role: data.role, grantedOn: data.grantedOn },
    ],
    people: { ...state.people, ...data.personal },
  }),
  // Once the key is gone the fields read back as null; the state shows the same from the request on.
  PersonalDataErasureRequested: (state, { data }) => ({
    ...state,
    erasureRequests: [...state.erasureRequests, { subjectId: data.subjectId, requestedOn: data.requestedOn }],
    people: { ...state.people, [data.subjectId]: null },
  }),
};
