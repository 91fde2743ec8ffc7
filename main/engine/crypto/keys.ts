/**
 * The repository key and the files that protect it. Each encrypted repository has one age X25519
 * identity (the repository key): objects and manifests are encrypted to its recipient. The key
 * itself is stored in the repository only encrypted: under the user's passphrase (scrypt) in
 * `keys/passphrase.age`, and optionally to a recovery key kept on paper in `keys/recovery.age`.
 * Both are plain age files holding an age identity file, so `age -d -i keys/passphrase.age OBJECT`
 * decrypts an object with nothing but the passphrase.
 *
 * Every function here is pure over bytes: it returns new file contents and never writes; on any
 * error (a wrong passphrase included) the caller's files are untouched.
 */
import { generateX25519Identity } from 'age-encryption';
import { InvalidKeyError } from './errors.js';
import { identityFileText, parseIdentityFile, recipientOf } from './identity.js';
import { DEFAULT_SCRYPT_WORK_FACTOR, PassphraseIdentity, PassphraseRecipient } from './passphrase.js';
import { parseRecoveryKey } from './recovery.js';
import { decryptBytes, encryptBytes } from './stream.js';

/** Repository key file protected by the passphrase. */
export const PASSPHRASE_KEY_FILE = 'keys/passphrase.age';
/** Repository key file protected by the recovery key. */
export const RECOVERY_KEY_FILE = 'keys/recovery.age';

const KEY_FILE_COMMENT =
  'Keepsake repository key: decrypts every object and manifest of this repository. Keep it secret.';

/** A new repository key and the files that protect it. */
export interface RepositoryKeys {
  /** The repository key, `AGE-SECRET-KEY-1…`: keep only in memory. */
  identity: string;
  /** Its recipient, `age1…`: objects and manifests are encrypted to it. */
  recipient: string;
  /** Content of keys/passphrase.age. */
  passphraseFile: Uint8Array;
  /** Content of keys/recovery.age, when a recovery key was asked for. */
  recoveryFile?: Uint8Array;
  /** The recovery key for the user to print or store offline (never stored in the repository). */
  recoveryKey?: string;
}

export interface PassphraseOptions {
  /** log2 of scrypt's cost; age's default 18 (about 3 s). Tests lower it; below 16 is weak. */
  scryptWorkFactor?: number;
}

function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new InvalidKeyError('the passphrase is empty');
  }
}

/**
 * The key file of `identity` under `passphrase`, read back before it is returned: a key file that
 * does not open would lose every photo, so it is checked while the identity is still at hand.
 */
async function sealWithPassphrase(
  identity: string,
  passphrase: string,
  opts: PassphraseOptions,
): Promise<Buffer> {
  checkPassphrase(passphrase);
  const text = identityFileText(identity, await recipientOf(identity), KEY_FILE_COMMENT);
  const recipient = new PassphraseRecipient(passphrase, opts.scryptWorkFactor ?? DEFAULT_SCRYPT_WORK_FACTOR);
  const file = await encryptBytes(recipient, Buffer.from(text));
  if ((await unlockWithPassphrase(file, passphrase)) !== identity) {
    throw new Error('the new key file did not read back: not saved');
  }
  return file;
}

/** Creates a repository key protected by `passphrase`, and by a new recovery key when asked. */
export async function createRepositoryKeys(
  passphrase: string,
  opts: PassphraseOptions & { withRecovery?: boolean } = {},
): Promise<RepositoryKeys> {
  checkPassphrase(passphrase);
  const identity = await generateX25519Identity();
  const keys: RepositoryKeys = {
    identity,
    recipient: await recipientOf(identity),
    passphraseFile: await sealWithPassphrase(identity, passphrase, opts),
  };
  if (opts.withRecovery) {
    const { recoveryFile, recoveryKey } = await exportRecovery(identity);
    keys.recoveryFile = recoveryFile;
    keys.recoveryKey = recoveryKey;
  }
  return keys;
}

/**
 * The repository key from keys/passphrase.age. Throws WrongPassphraseError when the passphrase does
 * not open it, another CryptoError when the file is damaged or not a passphrase key file.
 */
export async function unlockWithPassphrase(file: Uint8Array, passphrase: string): Promise<string> {
  checkPassphrase(passphrase);
  const text = await decryptBytes(
    new PassphraseIdentity(passphrase),
    file,
    'a passphrase (not a passphrase key file)',
  );
  return parseIdentityFile(text.toString('utf8'));
}

/**
 * The repository key from keys/recovery.age and the recovery key as the user typed it (spacing and
 * case are forgiven). Throws InvalidKeyError for a typo, WrongKeyError for another repository's key.
 */
export async function unlockWithRecovery(file: Uint8Array, recoveryKey: string): Promise<string> {
  const key = parseRecoveryKey(recoveryKey);
  const text = await decryptBytes(key, file, 'this recovery key');
  return parseIdentityFile(text.toString('utf8'));
}

/**
 * New content for keys/passphrase.age under `newPassphrase`. Throws WrongPassphraseError when
 * `oldPassphrase` is wrong; the old file keeps working until the caller replaces it.
 */
export async function changePassphrase(
  file: Uint8Array,
  oldPassphrase: string,
  newPassphrase: string,
  opts: PassphraseOptions = {},
): Promise<Uint8Array> {
  checkPassphrase(newPassphrase);
  const identity = await unlockWithPassphrase(file, oldPassphrase);
  return sealWithPassphrase(identity, newPassphrase, opts);
}

/**
 * A new recovery key for the repository key `identity`, and the keys/recovery.age that it opens
 * (replacing any earlier one makes the earlier recovery key useless for this repository).
 */
export async function exportRecovery(
  identity: string,
): Promise<{ recoveryFile: Uint8Array; recoveryKey: string }> {
  const recoveryKey = await generateX25519Identity();
  const text = identityFileText(identity, await recipientOf(identity), KEY_FILE_COMMENT);
  const recoveryFile = await encryptBytes(await recipientOf(recoveryKey), Buffer.from(text));
  if ((await unlockWithRecovery(recoveryFile, recoveryKey)) !== identity) {
    throw new Error('the new recovery file did not read back: not saved');
  }
  return { recoveryFile, recoveryKey };
}
