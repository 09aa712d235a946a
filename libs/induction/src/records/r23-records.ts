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
import { notFound, statutory } from '../shared/domain-error.js';

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

export const recordCommands: Pick<CommandHandlers, 'GrantAssessmentAccess' | 'RequestErasure'> = {
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
    const until = retainedUntil(state);
    if (until !== null && data.on < until) {
      throw statutory('R23', `assessment records are kept for 6 years, until ${until}`);
    }
    return [ectEvent('PersonalDataErasureRequested', { subjectId: data.subjectId, requestedOn: data.on })];
  },
};

export const recordEvents: Pick<EventAppliers, 'AssessmentAccessGranted' | 'PersonalDataErasureRequested'> = {
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
