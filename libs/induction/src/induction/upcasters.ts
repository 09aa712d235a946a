/**
 * Upcasters: a published event never changes meaning; a new shape gets a new schemaVersion and older stored
 * versions are upcast on read (docs/conventions.md). Every stored ECT event goes through `upcastEctEvent`.
 */
import type { DomainEvent } from '../shared/decider.js';
import type { EctEvent, EctRegistered } from './ect.events.js';

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

export function upcastEctEvent(event: StoredEvent): EctEvent {
  if (event.type === 'EctRegistered' && event.schemaVersion === 1) {
    return ectRegisteredV1ToV2(event.data as Parameters<typeof ectRegisteredV1ToV2>[0]);
  }
  return event as DomainEvent as EctEvent;
}
