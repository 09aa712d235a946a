import { describe, it, expect, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { MemoryKeyVault, SubjectErasedError } from './key-vault.js';
import { ECT_ID_KEY_SUBJECT } from './keyed-id.js';
import {
  PersonalDataCipher,
  PersonalDataTamperedError,
  type EncryptedFields,
  type JsonValue,
  type PersonalData,
} from './personal-data-cipher.js';

const ect = randomUUID();
const mentor = randomUUID();
const registered = (): { schoolUrn: string; startDate: string; fte: number; personal: any } => ({
  schoolUrn: '123456',
  startDate: '2026-09-01',
  fte: 1,
  personal: {
    [ect]: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '1999-12-10',
      email: 'ada@example.org',
      trn: '1234567',
    },
    [mentor]: { name: 'Charles Babbage', email: 'cb@example.org' },
  },
});

function setup() {
  const vault = new MemoryKeyVault();
  return { vault, cipher: new PersonalDataCipher(vault) };
}

describe('PersonalDataCipher', () => {
  it('round trip: seals each subject with their key and opens it again', async () => {
    const { cipher } = setup();
    const data = registered();
    const sealed = await cipher.encryptEventData(data);

    expect(sealed.schoolUrn).toBe('123456');
    expect(sealed.startDate).toBe('2026-09-01');
    const envelope = sealed.personal[ect] as unknown as EncryptedFields;
    expect(Object.keys(envelope).sort()).toEqual(['$enc', 'ct', 'iv', 'tag']);
    expect(envelope.$enc).toBe('v1');
    expect(JSON.stringify(sealed)).not.toMatch(/Ada|Lovelace|1999-12-10|ada@|1234567|Babbage/);
    expect(data).toEqual(registered());

    expect(await cipher.decryptEventData(sealed)).toEqual(registered());
  });

  it('leaves data without personal fields alone', async () => {
    const { cipher } = setup();
    const data = { schoolUrn: '123456' };
    expect(await cipher.encryptEventData(data)).toBe(data);
    expect(await cipher.decryptEventData(data)).toBe(data);
  });

  it('each encryption uses a fresh iv', async () => {
    const { cipher } = setup();
    const a = await cipher.encryptEventData(registered());
    const b = await cipher.encryptEventData(registered());
    expect(a.personal[ect]).not.toEqual(b.personal[ect]);
  });

  it('after erasure the subject reads as null and the others still decrypt', async () => {
    const { vault, cipher } = setup();
    const sealed = await cipher.encryptEventData(registered());
    await vault.erase(ect, { erasedBy: 'user-hub-1', reason: 'retention period ended' });

    const opened = await cipher.decryptEventData(sealed);
    expect(opened.personal).toEqual({ [ect]: null, [mentor]: registered().personal[mentor] });
    expect(opened.schoolUrn).toBe('123456');
  });

  it('refuses new personal data about an erased person, but an erased null passes through', async () => {
    const { vault, cipher } = setup();
    await vault.erase(ect, { erasedBy: 'user-hub-1', reason: 'retention period ended' });
    await expect(cipher.encryptEventData(registered())).rejects.toBeInstanceOf(SubjectErasedError);
    const replayed = { personal: { [ect]: null } };
    expect(await cipher.encryptEventData(replayed)).toEqual(replayed);
  });

  it('does not encrypt twice', async () => {
    const { cipher } = setup();
    const sealed = await cipher.encryptEventData(registered());
    expect(await cipher.encryptEventData(sealed)).toEqual(sealed);
  });

  describe('detects tampering', () => {
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };

    it.each([
      ['ciphertext', (e: EncryptedFields) => ({ ...e, ct: flip(e.ct) })],
      ['iv', (e: EncryptedFields) => ({ ...e, iv: flip(e.iv) })],
      ['tag', (e: EncryptedFields) => ({ ...e, tag: flip(e.tag) })],
      [
        'a truncated tag',
        (e: EncryptedFields) => ({
          ...e,
          tag: Buffer.from(e.tag, 'base64').subarray(0, 4).toString('base64'),
        }),
      ],
    ])('in the %s', async (_part, tamper) => {
      const { cipher } = setup();
      const sealed = await cipher.encryptEventData(registered());
      const altered = {
        ...sealed,
        personal: { ...sealed.personal, [ect]: tamper(sealed.personal[ect] as any) },
      };
      await expect(cipher.decryptEventData(altered as any)).rejects.toBeInstanceOf(PersonalDataTamperedError);
    });

    it('when one subject’s sealed fields are moved under another subject', async () => {
      const { vault, cipher } = setup();
      const sealed = await cipher.encryptEventData(registered());
      const victim = randomUUID();
      await vault.keyFor(victim);
      const moved = { personal: { [victim]: sealed.personal[ect] } };
      await expect(cipher.decryptEventData(moved as any)).rejects.toBeInstanceOf(PersonalDataTamperedError);
    });
  });

  it('refuses subject ids that are not UUIDs, system keys, and fields that are not objects', async () => {
    const { cipher } = setup();
    await expect(cipher.encryptEventData({ personal: { '1234567': { name: 'x' } } })).rejects.toThrow('UUID');
    await expect(
      cipher.encryptEventData({ personal: { [ECT_ID_KEY_SUBJECT]: { name: 'x' } } }),
    ).rejects.toThrow('system key');
    await expect(cipher.encryptEventData({ personal: { [ect]: 'Ada' } })).rejects.toThrow(
      'must be an object or null',
    );
    await expect(cipher.encryptEventData({ personal: ['Ada'] })).rejects.toThrow(
      'data.personal must be a map',
    );
  });

  it('seals an event naming several people with one key lookup', async () => {
    const { vault, cipher } = setup();
    const keysFor = jest.spyOn(vault, 'keysFor');
    const keyFor = jest.spyOn(vault, 'keyFor');
    const erasedBefore = randomUUID();
    await cipher.encryptEventData({
      ...registered(),
      personal: { ...registered().personal, [erasedBefore]: null },
    });
    expect(keysFor).toHaveBeenCalledTimes(1);
    expect(keysFor.mock.calls[0][0]).toEqual([ect, mentor]);
    expect(keyFor).not.toHaveBeenCalled();
  });

  it('decrypts a page of 1,000 events with one key lookup', async () => {
    const { vault, cipher } = setup();
    const people = Array.from({ length: 50 }, () => randomUUID());
    const events = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => ({
        eventId: randomUUID(),
        type: 'EctRegistered',
        data: await cipher.encryptEventData({
          n: i,
          personal: { [people[i % 50]]: { firstName: `Person ${i % 50}` } },
        }),
      })),
    );
    const find = jest.spyOn(vault, 'find');
    const keyFor = jest.spyOn(vault, 'keyFor');

    const opened = await cipher.decryptEvents(events);

    expect(find).toHaveBeenCalledTimes(1);
    expect(find.mock.calls[0][0]).toHaveLength(50);
    expect(keyFor).not.toHaveBeenCalled();
    expect(opened[999]).toMatchObject({
      eventId: events[999].eventId,
      data: { n: 999, personal: { [people[49]]: { firstName: 'Person 49' } } },
    });
  });

  it('property: decrypt(encrypt(x)) = x for any personal map', async () => {
    const { cipher } = setup();
    const fields = fc.dictionary(fc.string(), fc.jsonValue() as fc.Arbitrary<JsonValue>);
    const personal = fc.dictionary(fc.uuid(), fc.option(fields, { nil: null }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(personal, async (map) => {
        const data = { kind: 'x', personal: map as PersonalData };
        const roundTrip = await cipher.decryptEventData(await cipher.encryptEventData(data));
        expect(roundTrip).toStrictEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 200 },
    );
  });
});
