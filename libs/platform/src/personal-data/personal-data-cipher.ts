/**
 * Encrypts and decrypts the `data.personal` part of events (docs/conventions.md, "Personal data").
 *
 *   personal: { [subjectId]: { firstName, ... } }                      what the domain writes and reads
 *   personal: { [subjectId]: { $enc: 'v1', iv, tag, ct } }             what the event store holds
 *   personal: { [subjectId]: null }                                    what a reader gets once erased
 *
 * Each subject's fields are encrypted with that subject's key (AES-256-GCM, 96-bit random iv, 128-bit tag),
 * with the subject id as additional authenticated data, so ciphertext moved under another subject fails.
 * Tampering throws `PersonalDataTamperedError`; it is never mistaken for erasure.
 * Everything outside `data.personal` is left exactly as it was.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isSystemSubject, normaliseSubjectId, SubjectErasedError, type KeyVault } from './key-vault.js';

export const PERSONAL_DATA_CIPHER = Symbol('PersonalDataCipher');

/** JSON values, structurally the same as the event store's `Json`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type PersonalFields = { [field: string]: JsonValue };
export type PersonalData = { [subjectId: string]: PersonalFields | null };

export interface EncryptedFields {
  $enc: 'v1';
  iv: string;
  tag: string;
  ct: string;
}

/** Event data as the domain types it (an interface per event); only its `personal` key is read here. */
type EventData = object;

export class PersonalDataTamperedError extends Error {
  override readonly name = 'PersonalDataTamperedError';
  constructor(readonly subjectId: string) {
    super(`Personal data of subject ${subjectId} failed authentication: it was altered or is not theirs`);
  }
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isEncryptedFields(value: unknown): value is EncryptedFields {
  return isPlainObject(value) && '$enc' in value;
}

function personalOf(data: EventData): { [subjectId: string]: unknown } | undefined {
  const personal = (data as { personal?: unknown }).personal;
  if (personal === undefined) return undefined;
  if (!isPlainObject(personal)) throw new TypeError('data.personal must be a map from subject id to fields');
  return personal;
}

export function encryptFields(key: Buffer, subjectId: string, fields: PersonalFields): EncryptedFields {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(subjectId));
  const ct = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
  return {
    $enc: 'v1',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
  };
}

export function decryptFields(key: Buffer, subjectId: string, sealed: EncryptedFields): PersonalFields {
  if (sealed.$enc !== 'v1') throw new Error(`Unknown personal data envelope ${JSON.stringify(sealed.$enc)}`);
  try {
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    // Node accepts short tags unless told the length: a 4-byte tag would be forgeable.
    if (iv.length !== 12 || tag.length !== 16) throw new Error('bad iv or tag length');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(subjectId));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as PersonalFields;
  } catch {
    throw new PersonalDataTamperedError(subjectId);
  }
}

export class PersonalDataCipher {
  constructor(private readonly vault: KeyVault) {}

  /**
   * Returns a copy of `data` whose personal fields are sealed. `null` (an erased person replayed into a new
   * event) and already-sealed fields pass through. @throws SubjectErasedError for new data about an erased person.
   */
  async encryptEventData<T extends EventData>(data: T): Promise<T> {
    const personal = personalOf(data);
    if (!personal) return data;
    const subjects: string[] = [];
    for (const [subjectId, fields] of Object.entries(personal)) {
      normaliseSubjectId(subjectId);
      if (isSystemSubject(subjectId))
        throw new TypeError(`Subject ${subjectId} is a system key, not a person`);
      if (fields === null || isEncryptedFields(fields)) continue;
      if (!isPlainObject(fields))
        throw new TypeError(`data.personal["${subjectId}"] must be an object or null`);
      subjects.push(subjectId);
    }
    // Every person's key in one vault call (one round trip for those not cached), not one call each.
    const keys = subjects.length > 0 ? await this.vault.keysFor(subjects) : new Map<string, Buffer | null>();
    const sealed = Object.entries(personal).map(([subjectId, fields]): [string, JsonValue] => {
      if (fields === null || isEncryptedFields(fields)) return [subjectId, fields as JsonValue];
      const key = keys.get(subjectId);
      if (!key) throw new SubjectErasedError(subjectId);
      return [subjectId, encryptFields(key, subjectId, fields as PersonalFields) as unknown as JsonValue];
    });
    return { ...data, personal: Object.fromEntries(sealed) } as T;
  }

  /** Returns a copy of `data` with personal fields opened, or `null` for subjects whose key is gone. */
  async decryptEventData<T extends EventData>(data: T): Promise<T> {
    return (await this.decryptEventDataBatch([data]))[0];
  }

  /** Decrypts many events' data with one key-vault lookup for all their subjects (a `readAll` page). */
  async decryptEventDataBatch<T extends EventData>(datas: readonly T[]): Promise<T[]> {
    const subjects = new Set<string>();
    for (const data of datas) {
      for (const [subjectId, fields] of Object.entries(personalOf(data) ?? {})) {
        if (isEncryptedFields(fields)) subjects.add(subjectId);
      }
    }
    if (subjects.size === 0) return [...datas];
    const keys = await this.vault.find([...subjects]);
    return datas.map((data) => {
      const personal = personalOf(data);
      if (!personal) return data;
      const opened = Object.entries(personal).map(([subjectId, fields]): [string, JsonValue] => {
        if (!isEncryptedFields(fields)) return [subjectId, fields as JsonValue];
        const key = keys.get(subjectId);
        return [subjectId, key ? decryptFields(key, subjectId, fields) : null];
      });
      return { ...data, personal: Object.fromEntries(opened) } as T;
    });
  }

  /** `decryptEventDataBatch` for whole events (anything with `data`), keeping everything else as it was. */
  async decryptEvents<E extends { data: EventData }>(events: readonly E[]): Promise<E[]> {
    const datas = await this.decryptEventDataBatch(events.map((event) => event.data));
    return events.map((event, i) => (datas[i] === event.data ? event : { ...event, data: datas[i] }));
  }
}
