// Test support: Electron's safeStorage, replaced at the module boundary. It encrypts for real
// (AES-256-GCM) under a key that, in the app, the OS keychain would hold; another instance is another
// user's keychain, so it cannot decrypt what this one wrote.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from '../keychain-vault.js';

/** A safeStorage with its own key; `available: false` or `backend: 'basic_text'` model a missing keychain. */
export function fakeSafeStorage(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & {
  calls: { encrypt: number; decrypt: number };
} {
  const key = randomBytes(32);
  const calls = { encrypt: 0, decrypt: 0 };
  return {
    calls,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString: (text) => {
      calls.encrypt++;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (data) => {
      calls.decrypt++;
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
