/**
 * Errors of client-side encryption. Callers decide what to tell the user from `kind` alone:
 * a wrong passphrase or key is the user's to fix; damaged data is never decrypted (and never retried
 * into success), so it is reported like any other integrity failure.
 */
export type CryptoErrorKind =
  /** The passphrase does not unlock the key file. Nothing was changed. */
  | 'wrong-passphrase'
  /** The data was not encrypted to this key (another repository, another recovery key). */
  | 'wrong-key'
  /** The encrypted bytes are damaged, truncated, reordered or not an age file at all. */
  | 'damaged'
  /** A key as typed or stored is malformed (a typo in a recovery key, a key file of another kind). */
  | 'invalid-key';

/** Base class of every error this module throws on purpose. */
export class CryptoError extends Error {
  override readonly name: string = 'CryptoError';
  constructor(
    readonly kind: CryptoErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The passphrase does not open the key file; the file and the repository are left as they were. */
export class WrongPassphraseError extends CryptoError {
  override readonly name = 'WrongPassphraseError';
  constructor() {
    super(
      'wrong-passphrase',
      'wrong passphrase: it does not unlock this repository key (nothing was changed; check the spelling and the keyboard layout, or use the recovery key)',
    );
  }
}

/** The file is encrypted, but not to the key that was offered. */
export class WrongKeyError extends CryptoError {
  override readonly name = 'WrongKeyError';
  constructor(message: string) {
    super('wrong-key', message);
  }
}

/** The ciphertext failed authentication or is structurally broken: its plaintext must not be trusted. */
export class DamagedCiphertextError extends CryptoError {
  override readonly name = 'DamagedCiphertextError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('damaged', `encrypted data is damaged or was altered: ${message}`, options);
  }
}

/** A key (recovery key, key file content) is malformed. */
export class InvalidKeyError extends CryptoError {
  override readonly name = 'InvalidKeyError';
  constructor(message: string) {
    super('invalid-key', message);
  }
}
