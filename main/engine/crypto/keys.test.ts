import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, WrongKeyError, WrongPassphraseError, type CryptoError } from './errors.js';
import {
  changePassphrase,
  createRepositoryKeys,
  exportRecovery,
  unlockWithPassphrase,
  unlockWithRecovery,
  type RepositoryKeys,
} from './keys.js';
import { formatRecoveryKey } from './recovery.js';
import { decryptBytes, encryptBytes } from './stream.js';

/** Low scrypt cost so the suite runs in seconds; the default (18) has its own test. */
const fast = { scryptWorkFactor: 10 };
const PASS = 'Lavender fields at dawn, 14 June';
let keys: RepositoryKeys;

beforeAll(async () => {
  keys = await createRepositoryKeys(PASS, { ...fast, withRecovery: true });
});

const stanzaLine = (file: Uint8Array) => Buffer.from(file).toString('latin1').split('\n')[1] ?? '';

describe('createRepositoryKeys', () => {
  it('makes an X25519 identity whose recipient encrypts objects it can decrypt', async () => {
    expect(keys.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(keys.recipient).toBe(await identityToRecipient(keys.identity));
    const obj = await encryptBytes(keys.recipient, Buffer.from('a photo'));
    expect((await decryptBytes(keys.identity, obj)).toString()).toBe('a photo');
  });

  it('stores the key only encrypted: neither file contains the identity or the passphrase', () => {
    for (const file of [keys.passphraseFile, keys.recoveryFile!]) {
      const text = Buffer.from(file).toString('latin1');
      expect(text.startsWith('age-encryption.org/v1\n')).toBe(true);
      expect(text).not.toContain(keys.identity);
      expect(text).not.toContain(keys.identity.slice(16, 40));
      expect(text).not.toContain(PASS);
    }
    expect(stanzaLine(keys.passphraseFile)).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 10$/);
    expect(stanzaLine(keys.recoveryFile!)).toMatch(/^-> X25519 /);
  });

  it('makes a different key every time, and no recovery file unless asked', async () => {
    const other = await createRepositoryKeys(PASS, fast);
    expect(other.identity).not.toBe(keys.identity);
    expect(other.recoveryFile).toBeUndefined();
    expect(other.recoveryKey).toBeUndefined();
  });

  it("uses age's default scrypt work factor 18 unless told otherwise", async () => {
    const slow = await createRepositoryKeys('another passphrase');
    expect(stanzaLine(slow.passphraseFile)).toMatch(/^-> scrypt \S+ 18$/);
  }, 120_000);

  it('refuses an empty passphrase', async () => {
    await expect(createRepositoryKeys('', fast)).rejects.toBeInstanceOf(InvalidKeyError);
  });
});

describe('unlockWithPassphrase', () => {
  it('returns the repository key for the right passphrase', async () => {
    expect(await unlockWithPassphrase(keys.passphraseFile, PASS)).toBe(keys.identity);
  });

  it('a wrong passphrase is a WrongPassphraseError with a clear message, and the file is unchanged', async () => {
    const before = Buffer.from(keys.passphraseFile);
    for (const wrong of ['lavender fields at dawn, 14 June', `${PASS} `, 'x']) {
      const err = await unlockWithPassphrase(keys.passphraseFile, wrong).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WrongPassphraseError);
      expect((err as CryptoError).kind).toBe('wrong-passphrase');
      expect((err as Error).message).toMatch(/^wrong passphrase: .*nothing was changed/);
    }
    expect(Buffer.from(keys.passphraseFile).equals(before)).toBe(true);
    expect(await unlockWithPassphrase(keys.passphraseFile, PASS)).toBe(keys.identity);
  });

  it('a damaged key file is reported as damaged, not as a wrong passphrase', async () => {
    const bad = Buffer.from(keys.passphraseFile);
    bad[bad.length - 5]! ^= 0x10;
    await expect(unlockWithPassphrase(bad, PASS)).rejects.toMatchObject({ kind: 'damaged' });
    const cut = Buffer.from(keys.passphraseFile).subarray(0, keys.passphraseFile.length - 10);
    await expect(unlockWithPassphrase(cut, PASS)).rejects.toMatchObject({ kind: 'damaged' });
  });

  it('the recovery file is not a passphrase file: a clear wrong-key error', async () => {
    const err = await unlockWithPassphrase(keys.recoveryFile!, PASS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongKeyError);
    expect((err as Error).message).toMatch(/not a passphrase key file/);
  });

  it('reads a key file written by the age-encryption library with setPassphrase', async () => {
    const enc = new Encrypter();
    enc.setScryptWorkFactor(10);
    enc.setPassphrase('typed in another program');
    const file = await enc.encrypt(`# a key\n${keys.identity}\n`);
    expect(await unlockWithPassphrase(file, 'typed in another program')).toBe(keys.identity);
    await expect(unlockWithPassphrase(file, 'typed in another')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('writes key files the age-encryption library opens with the passphrase', async () => {
    const dec = new Decrypter();
    dec.addPassphrase(PASS);
    const text = await dec.decrypt(keys.passphraseFile, 'text');
    expect(text.split('\n')).toContain(keys.identity);
    expect(text).toContain(`# public key: ${keys.recipient}`);
  });

  it('refuses a key file with a scrypt work factor above 20 (a denial-of-service guard)', async () => {
    const text = Buffer.from(keys.passphraseFile).toString('latin1');
    const hostile = Buffer.from(text.replace(/^(-> scrypt \S+) 10$/m, '$1 30'), 'latin1');
    await expect(unlockWithPassphrase(hostile, PASS)).rejects.toMatchObject({ kind: 'damaged' });
  });
});

describe('recovery key', () => {
  it('unlocks the repository key, typed exactly, from the printed layout, or in lower case', async () => {
    expect(await unlockWithRecovery(keys.recoveryFile!, keys.recoveryKey!)).toBe(keys.identity);
    const printed = formatRecoveryKey(keys.recoveryKey!);
    expect(await unlockWithRecovery(keys.recoveryFile!, printed)).toBe(keys.identity);
    expect(await unlockWithRecovery(keys.recoveryFile!, ` ${printed.toLowerCase()}\n`)).toBe(keys.identity);
  });

  it('a typo is caught by the checksum with a clear message', async () => {
    const key = keys.recoveryKey!;
    const i = 30;
    const typo = key.slice(0, i) + (key[i] === 'Q' ? 'P' : 'Q') + key.slice(i + 1);
    const err = await unlockWithRecovery(keys.recoveryFile!, typo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidKeyError);
    expect((err as Error).message).toMatch(/typo/);
    await expect(unlockWithRecovery(keys.recoveryFile!, 'hello')).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it("another repository's recovery key is a wrong-key error", async () => {
    const other = await generateX25519Identity();
    const err = await unlockWithRecovery(keys.recoveryFile!, other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongKeyError);
    expect((err as Error).message).toMatch(/this recovery key/);
  });

  it('the repository key itself is not the recovery key', async () => {
    await expect(unlockWithRecovery(keys.recoveryFile!, keys.identity)).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('exportRecovery makes a new recovery key for an unlocked repository; the old one does not open the new file', async () => {
    const { recoveryFile, recoveryKey } = await exportRecovery(keys.identity);
    expect(recoveryKey).not.toBe(keys.recoveryKey);
    expect(await unlockWithRecovery(recoveryFile, recoveryKey)).toBe(keys.identity);
    await expect(unlockWithRecovery(recoveryFile, keys.recoveryKey!)).rejects.toBeInstanceOf(WrongKeyError);
  });
});

describe('changePassphrase', () => {
  it('the new passphrase opens the new file, the old one no longer does, and the key is the same', async () => {
    const before = Buffer.from(keys.passphraseFile);
    const next = await changePassphrase(keys.passphraseFile, PASS, 'a brand new passphrase', fast);
    expect(await unlockWithPassphrase(next, 'a brand new passphrase')).toBe(keys.identity);
    await expect(unlockWithPassphrase(next, PASS)).rejects.toBeInstanceOf(WrongPassphraseError);
    // The old file is untouched: it still opens with the old passphrase until the caller replaces it.
    expect(Buffer.from(keys.passphraseFile).equals(before)).toBe(true);
    expect(await unlockWithPassphrase(keys.passphraseFile, PASS)).toBe(keys.identity);
    // Objects encrypted before the change still decrypt with the unlocked key.
    const obj = await encryptBytes(keys.recipient, Buffer.from('before'));
    const identity = await unlockWithPassphrase(next, 'a brand new passphrase');
    expect((await decryptBytes(identity, obj)).toString()).toBe('before');
  });

  it('a wrong old passphrase changes nothing', async () => {
    const before = Buffer.from(keys.passphraseFile);
    const err = await changePassphrase(keys.passphraseFile, 'wrong', 'new one', fast).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WrongPassphraseError);
    expect(Buffer.from(keys.passphraseFile).equals(before)).toBe(true);
  });

  it('refuses an empty new passphrase before doing anything', async () => {
    await expect(changePassphrase(keys.passphraseFile, PASS, '', fast)).rejects.toBeInstanceOf(
      InvalidKeyError,
    );
  });
});
