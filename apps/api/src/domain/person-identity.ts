import { Inject, Injectable } from '@nestjs/common';
import { deriveEctId, keyedUuid } from '#platform/personal-data/keyed-id.js';

export const PERSON_ID_DERIVER = Symbol('PersonIdDeriver');
/** Keyed hash of an identifier to a UUID: stable, and not reversible without the server's key. */
export type PersonIdDeriver = (namespace: string, value: string) => Promise<string>;

/**
 * Ids for people, derived from what identifies them so that a retry or a second registration finds the
 * same stream and the same key-vault subject: an ECT from their TRN (one induction per person, reg 9), a
 * mentor or tutor from their email. Derived with a keyed hash, so an id never gives the TRN away.
 */
@Injectable()
export class PersonIdentity {
  constructor(@Inject(PERSON_ID_DERIVER) private readonly derive: PersonIdDeriver) {}

  ectIdForTrn(trn: string): Promise<string> {
    return this.derive('ect', trn.trim());
  }

  contactIdForEmail(email: string): Promise<string> {
    return this.derive('contact', email.trim().toLowerCase());
  }
}

/** ECT ids use the keyed TRN hash of keyed-id.ts; contacts use the same key with their own label. */
export function keyedPersonId(secret: Buffer, namespace: string, value: string): string {
  return namespace === 'ect' ? deriveEctId(value, secret) : keyedUuid(secret, `${namespace}-id:v1:${value}`);
}
