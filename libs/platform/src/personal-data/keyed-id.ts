/**
 * ECT ids derived from the TRN with a keyed hash (docs/conventions.md, "Personal data"): one TRN always gives
 * the same id, so the stream `ect-<ectId>` exists once per person and a second registration conflicts, yet
 * the id does not reveal the TRN. A plain uuidv5 of a 7-digit TRN would: there are only 10^7 TRNs to try.
 *
 * The secret is a system key in the key vault (subject `ECT_ID_KEY_SUBJECT`), not a configuration value:
 * it must never change, because a new secret would give every ECT a new stream and let a duplicate
 * registration through. Kept in `pii_keys`, it is backed up with the key vault, wrapped by PII_MASTER_KEY
 * like every other key, and cannot be erased.
 */
import { createHmac } from 'node:crypto';
import { SYSTEM_SUBJECT_PREFIX, type KeyVault } from './key-vault.js';

export const ECT_ID_KEY_SUBJECT = `${SYSTEM_SUBJECT_PREFIX}000000000001`;

/** TRN with spaces removed; throws unless it is 7 digits. */
export function normaliseTrn(trn: string): string {
  const value = String(trn).replace(/\s+/g, '');
  if (!/^\d{7}$/.test(value)) throw new RangeError('A TRN is 7 digits');
  return value;
}

/**
 * A UUID (version 5 and RFC 4122 variant bits) from HMAC-SHA256(secret, input). Give each kind of input its
 * own label prefix (`ect-id:v1:`, `contact-id:v1:`) so equal values of different kinds never share an id.
 */
export function keyedUuid(secret: Buffer, input: string): string {
  if (secret.length < 32) throw new RangeError('keyedUuid: the secret must be at least 32 bytes');
  const bytes = createHmac('sha256', secret).update(input, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ECT id for a TRN. Pure: same TRN and secret, same id. */
export function deriveEctId(trn: string, secret: Buffer): string {
  return keyedUuid(secret, `ect-id:v1:${normaliseTrn(trn)}`);
}

/** The ECT id secret from the key vault (created on first use). */
export function ectIdSecret(vault: KeyVault): Promise<Buffer> {
  return vault.keyFor(ECT_ID_KEY_SUBJECT);
}

/** `trn → ectId` for the application: reads the secret once, then derives in memory. */
export function ectIdDeriver(vault: KeyVault): (trn: string) => Promise<string> {
  let secret: Promise<Buffer> | undefined;
  return async (trn) => {
    secret ??= ectIdSecret(vault).catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return deriveEctId(trn, await secret);
  };
}
