import { describe, expect, it } from 'vitest';
import { keyIdOf } from '../config/key-cache.js';
import {
  createRepositoryKeys,
  formatRecoveryKey,
  PASSPHRASE_KEY_FILE,
  RECOVERY_KEY_FILE,
  WrongKeyError,
  WrongPassphraseError,
  type RepositoryKeys,
} from '../crypto/index.js';
import { DestinationError } from '../destinations/errors.js';
import { ENCRYPTION_SCHEME, NAMES_SCHEME, unlockRepositoryKey, type MarkerEncryption } from './encryption.js';

const PASSPHRASE = 'first dance under the lanterns';

function markerOf(keys: RepositoryKeys): MarkerEncryption {
  return {
    scheme: ENCRYPTION_SCHEME,
    names: NAMES_SCHEME,
    recipient: keys.recipient,
    keyFiles: keys.recoveryFile ? [PASSPHRASE_KEY_FILE, RECOVERY_KEY_FILE] : [PASSPHRASE_KEY_FILE],
  };
}

/** Reads key files from memory the way a destination does: a missing one is a `not-found` DestinationError. */
function filesOf(files: Record<string, Uint8Array | undefined>): (name: string) => Promise<Uint8Array> {
  return (name) => {
    const data = files[name];
    if (!data) return Promise.reject(new DestinationError('not-found', 'vault', `${name} not found`));
    return Promise.resolve(data);
  };
}

// Opening an encrypted repository from its own key files, as `restore --vault` does on a new computer.
describe('unlockRepositoryKey', () => {
  it('opens the repository key with the passphrase or with the recovery key as printed', async () => {
    const keys = await createRepositoryKeys(PASSPHRASE, { scryptWorkFactor: 10, withRecovery: true });
    const read = filesOf({
      [PASSPHRASE_KEY_FILE]: keys.passphraseFile,
      [RECOVERY_KEY_FILE]: keys.recoveryFile,
    });
    const byPassphrase = await unlockRepositoryKey(markerOf(keys), { passphrase: PASSPHRASE }, read, 'vault');
    const printed = formatRecoveryKey(keys.recoveryKey!).toLowerCase();
    const byRecovery = await unlockRepositoryKey(markerOf(keys), { recoveryKey: printed }, read, 'vault');
    for (const key of [byPassphrase, byRecovery]) {
      expect(key.identity).toBe(keys.identity);
      expect(key.keyId).toBe(keyIdOf(keys.recipient));
    }
  });

  it('a wrong passphrase, a recovery key of another repository, a missing recovery file: each a clear error', async () => {
    const keys = await createRepositoryKeys(PASSPHRASE, { scryptWorkFactor: 10, withRecovery: true });
    const other = await createRepositoryKeys(PASSPHRASE, { scryptWorkFactor: 10, withRecovery: true });
    const read = filesOf({
      [PASSPHRASE_KEY_FILE]: keys.passphraseFile,
      [RECOVERY_KEY_FILE]: keys.recoveryFile,
    });
    await expect(
      unlockRepositoryKey(markerOf(keys), { passphrase: 'first dance under the lantern' }, read, 'vault'),
    ).rejects.toBeInstanceOf(WrongPassphraseError);
    const wrongKey = unlockRepositoryKey(markerOf(keys), { recoveryKey: other.recoveryKey! }, read, 'vault');
    await expect(wrongKey).rejects.toBeInstanceOf(WrongKeyError);
    await expect(wrongKey).rejects.toThrow(
      /^vault: this recovery key does not open keys\/recovery\.age: it is the key of another repository/,
    );
    const noRecovery = filesOf({ [PASSPHRASE_KEY_FILE]: keys.passphraseFile });
    await expect(
      unlockRepositoryKey(markerOf(keys), { recoveryKey: keys.recoveryKey! }, noRecovery, 'vault'),
    ).rejects.toThrow(
      'vault: this repository has no recovery key file (keys/recovery.age): unlock it with its passphrase',
    );
  });

  it('refuses a key file that holds another key than the marker names (a replaced keys/passphrase.age)', async () => {
    const keys = await createRepositoryKeys(PASSPHRASE, { scryptWorkFactor: 10 });
    const swapped = await createRepositoryKeys(PASSPHRASE, { scryptWorkFactor: 10 });
    const read = filesOf({ [PASSPHRASE_KEY_FILE]: swapped.passphraseFile });
    const r = unlockRepositoryKey(markerOf(keys), { passphrase: PASSPHRASE }, read, 'vault');
    await expect(r).rejects.toBeInstanceOf(DestinationError);
    await expect(r).rejects.toThrow(
      'vault: keys/passphrase.age holds another key than the repository is encrypted to (was it replaced?)',
    );
  });
});
