/**
 * Upcasters: a published event never changes meaning; a new shape gets a new schemaVersion and older stored
 * versions are upcast on read (docs/conventions.md). Every stored ECT event goes through `upcastEctEvent`.
 */
import type { DomainEvent } from '../shared/decider.js';
import type { AbContactAssigned, EctEvent, EctRegistered } from './ect.events.js';

type StoredEvent = { readonly type: string; readonly schemaVersion: number; readonly data: unknown };

/**
 * EctRegistered v1 (before the September 2025 ECT entitlement) had no `programme` and no `priorTermsServed`.
 * Those ECTs were all on the DfE-funded full induction programme, which the entitlement calls provider-led, and
 * v1 registrations were always first spells with this AB.
 */
function ectRegisteredV1ToV2(
  data: Omit<EctRegistered['data'], 'programme' | 'priorTermsServed'>,
): EctRegistered {
  return {
    type: 'EctRegistered',
    schemaVersion: 2,
    data: { ...data, programme: 'provider-led', priorTermsServed: 0 },
  };
}

/** AbContactAssigned v1 had no `accountId`: which account (if any) the contact signs in with is unknown. */
function abContactAssignedV1ToV2(data: Omit<AbContactAssigned['data'], 'accountId'>): AbContactAssigned {
  return { type: 'AbContactAssigned', schemaVersion: 2, data: { ...data, accountId: null } };
}

export function upcastEctEvent(event: StoredEvent): EctEvent {
  if (event.type === 'EctRegistered' && event.schemaVersion === 1) {
    return ectRegisteredV1ToV2(event.data as Parameters<typeof ectRegisteredV1ToV2>[0]);
  }
  if (event.type === 'AbContactAssigned' && event.schemaVersion === 1) {
    return abContactAssignedV1ToV2(event.data as Parameters<typeof abContactAssignedV1ToV2>[0]);
  }
  return event as DomainEvent as EctEvent;
}
