import { describe, it, expect, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MemoryKeyVault } from './key-vault.js';
import { deriveEctId, ECT_ID_KEY_SUBJECT, ectIdDeriver, keyedUuid, normaliseTrn } from './keyed-id.js';

const secret = Buffer.alloc(32, 1);
/** Computed independently (node -e with createHmac) when the derivation was written. */
const PINNED_ECT_ID = 'e0124f15-d555-5d20-bb58-6429cbb376c6';

describe('deriveEctId', () => {
  it('gives one stable, v5-shaped UUID per TRN', () => {
    const id = deriveEctId('1234567', secret);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveEctId('1234567', secret)).toBe(id);
    expect(deriveEctId(' 123 4567 ', secret)).toBe(id);
    expect(deriveEctId('1234568', secret)).not.toBe(id);
  });

  it('depends on the secret, so the id alone does not reveal the TRN', () => {
    expect(deriveEctId('1234567', randomBytes(32))).not.toBe(deriveEctId('1234567', secret));
    expect(deriveEctId('1234567', secret)).not.toContain('1234567');
  });

  it('refuses a TRN that is not 7 digits, and a short secret', () => {
    expect(() => deriveEctId('123456', secret)).toThrow('A TRN is 7 digits');
    expect(() => deriveEctId('12345678', secret)).toThrow(RangeError);
    expect(() => deriveEctId('1234567', Buffer.alloc(16))).toThrow('at least 32 bytes');
    expect(() => keyedUuid(Buffer.alloc(16), 'x')).toThrow('at least 32 bytes');
    expect(normaliseTrn('0012345')).toBe('0012345');
  });
});

describe('keyedUuid', () => {
  it('separates kinds of input by their label', () => {
    expect(keyedUuid(secret, 'contact-id:v1:a@example.org')).toBe(
      keyedUuid(secret, 'contact-id:v1:a@example.org'),
    );
    expect(keyedUuid(secret, 'contact-id:v1:1234567')).not.toBe(deriveEctId('1234567', secret));
    expect(deriveEctId('1234567', secret)).toBe(keyedUuid(secret, 'ect-id:v1:1234567'));
  });

  it('is pinned: changing the derivation would give every ECT a new stream', () => {
    expect(deriveEctId('1234567', secret)).toBe(PINNED_ECT_ID);
  });
});

describe('ectIdDeriver', () => {
  it('takes the secret from the key vault system key, once', async () => {
    const vault = new MemoryKeyVault();
    const keyFor = jest.spyOn(vault, 'keyFor');
    const derive = ectIdDeriver(vault);
    const [a, b] = await Promise.all([derive('1234567'), derive('1234567')]);
    expect(a).toBe(b);
    expect(a).toBe(deriveEctId('1234567', await vault.keyFor(ECT_ID_KEY_SUBJECT)));
    expect(keyFor.mock.calls.filter(([subject]) => subject === ECT_ID_KEY_SUBJECT)).toHaveLength(2);
  });

  it('the system key cannot be erased', async () => {
    const vault = new MemoryKeyVault();
    await expect(vault.erase(ECT_ID_KEY_SUBJECT, { erasedBy: 'x', reason: 'y' })).rejects.toThrow(
      'system key',
    );
  });
});
