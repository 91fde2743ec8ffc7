import { createHmac } from 'node:crypto';
import type { Transform } from 'node:stream';
import { keyIdOf, type KeyCache } from '../config/key-cache.js';
import {
  createDecryptStream,
  createEncryptStream,
  decryptBytes,
  encryptBytes,
  nameKey,
  objectName,
  PASSPHRASE_KEY_FILE,
  recipientOf,
  RECOVERY_KEY_FILE,
  unlockWithPassphrase,
  unlockWithRecovery,
  WrongKeyError,
} from '../crypto/index.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';

/** `encryption.scheme` of the marker: every object and manifest is an age v1 file to one X25519 recipient. */
export const ENCRYPTION_SCHEME = 'age-x25519-v1';
/** `encryption.names` of the marker: object names and wedding folders are HMAC-SHA-256 under the name key. */
export const NAMES_SCHEME = 'hmac-sha256-v1';

/** What keepsake-repo.json says about an encrypted repository (docs/FORMAT.md, "Encrypted repositories"). */
export interface MarkerEncryption {
  scheme: typeof ENCRYPTION_SCHEME;
  names: typeof NAMES_SCHEME;
  /** The repository key's public recipient (`age1…`): which key the repository is encrypted to. */
  recipient: string;
  /** The key files in the repository (keys/passphrase.age, and keys/recovery.age when one exists). */
  keyFiles: string[];
}

const FOLDER_INFO = 'keepsake wedding folder v1\0';

/**
 * An unlocked repository key and everything derived from it: object names, wedding folder names,
 * and the encrypt/decrypt streams. Holds the secret in memory only.
 */
export class RepositoryKey {
  private constructor(
    readonly identity: string,
    readonly recipient: string,
    private readonly names: Buffer,
  ) {}

  static async from(identity: string): Promise<RepositoryKey> {
    return new RepositoryKey(identity, await recipientOf(identity), nameKey(identity));
  }

  get keyId(): string {
    return keyIdOf(this.recipient);
  }

  /** The object's name: HMAC-SHA-256(name key, the 32 bytes of the content's SHA-256), lower-case hex. */
  objectName(sha256: string): string {
    return objectName(this.names, sha256);
  }

  /**
   * The folder of a wedding's manifests: the first 32 hex digits of HMAC-SHA-256(name key,
   * "keepsake wedding folder v1" NUL slug), so the path does not reveal the couple or the date.
   */
  weddingFolder(slug: string): string {
    return createHmac('sha256', this.names)
      .update(FOLDER_INFO + slug, 'utf8')
      .digest('hex')
      .slice(0, 32);
  }

  /** A stream that encrypts to this key with a fresh file key (so two uploads of a file differ). */
  encryptStream(): Promise<Transform> {
    return createEncryptStream(this.recipient);
  }

  /** A stream that decrypts an object, failing (CryptoError) at the first altered byte. */
  decryptStream(): Transform {
    return createDecryptStream(this.identity);
  }

  seal(data: Uint8Array): Promise<Buffer> {
    return encryptBytes(this.recipient, data);
  }

  open(data: Uint8Array): Promise<Buffer> {
    return decryptBytes(this.identity, data);
  }
}

/**
 * Loads the key `keyId` of destination `destination` from `cache`; a missing key is an `auth` error
 * that says how to put it back (the passphrase unlocks it from the repository itself).
 */
export function unlockFromCache(
  cache: KeyCache,
  keyId: string,
  destination: string,
): () => Promise<RepositoryKey> {
  return async () => {
    const cached = await cache.get(keyId);
    if (!cached) {
      throw new DestinationError(
        'auth',
        destination,
        `the key of this encrypted destination is not on this computer (${cache.where}): run \`keepsake key unlock --destination ${destination}\` and enter its passphrase`,
      );
    }
    return RepositoryKey.from(cached.identity);
  };
}

/**
 * What opens an encrypted repository found without a config (`keepsake restore --vault`): its
 * passphrase, or the recovery key as printed or typed (spacing and case are forgiven).
 */
export type RepositorySecret = { passphrase: string } | { recoveryKey: string };

/**
 * The repository key of an encrypted repository, from its own key file: keys/passphrase.age with the
 * passphrase, keys/recovery.age with the recovery key. It must be the key the marker names. A wrong
 * passphrase is a WrongPassphraseError, a recovery key of another repository a WrongKeyError; nothing
 * is written either way.
 */
export async function unlockRepositoryKey(
  marker: MarkerEncryption,
  secret: RepositorySecret,
  readKeyFile: (name: string) => Promise<Uint8Array>,
  destination: string,
): Promise<RepositoryKey> {
  let identity: string;
  let file: string;
  if ('passphrase' in secret) {
    file = PASSPHRASE_KEY_FILE;
    identity = await unlockWithPassphrase(await readKeyFile(file), secret.passphrase);
  } else {
    file = RECOVERY_KEY_FILE;
    const data = await readKeyFile(file).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
      throw new DestinationError(
        'permanent',
        destination,
        `this repository has no recovery key file (${RECOVERY_KEY_FILE}): unlock it with its passphrase`,
      );
    });
    try {
      identity = await unlockWithRecovery(data, secret.recoveryKey);
    } catch (err) {
      if (!(err instanceof WrongKeyError)) throw err;
      throw new WrongKeyError(
        `${destination}: this recovery key does not open ${RECOVERY_KEY_FILE}: it is the key of another repository, or a newer recovery key (keepsake key export-recovery) replaced it`,
      );
    }
  }
  const key = await RepositoryKey.from(identity);
  if (key.recipient !== marker.recipient) {
    throw new DestinationError(
      'permanent',
      destination,
      `${file} holds another key than the repository is encrypted to (was it replaced?)`,
    );
  }
  return key;
}
