/**
 * Client-side encryption of a Keepsake repository with the age file format: the public API.
 * ENCRYPTION.md (next to this file) describes the format and how to restore with the `age` tool.
 */
export {
  CryptoError,
  DamagedCiphertextError,
  InvalidKeyError,
  WrongKeyError,
  WrongPassphraseError,
  type CryptoErrorKind,
} from './errors.js';
export {
  changePassphrase,
  createRepositoryKeys,
  exportRecovery,
  PASSPHRASE_KEY_FILE,
  RECOVERY_KEY_FILE,
  unlockWithPassphrase,
  unlockWithRecovery,
  type PassphraseOptions,
  type RepositoryKeys,
} from './keys.js';
export { recipientOf } from './identity.js';
export { nameKey, objectName } from './names.js';
export { formatRecoveryKey, parseRecoveryKey } from './recovery.js';
export {
  createDecryptStream,
  createEncryptStream,
  decryptBytes,
  encryptBytes,
  encryptedSize,
  X25519_HEADER_SIZE,
  type DecryptStream,
  type EncryptStream,
} from './stream.js';
