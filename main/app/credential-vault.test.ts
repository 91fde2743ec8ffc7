import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CredentialVault,
  PLAIN_FILE,
  SEALED_FILE,
  VaultError,
  type SafeStorageLike,
} from './credential-vault.js';

const base = mkdtempSync(join(tmpdir(), 'keepsake-vault-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Electron's safeStorage: AES-GCM under a key that, in the app, the OS keychain would hold. */
function keychain(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString: (text) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (data) => {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const credentials = JSON.stringify(
  {
    version: 1,
    secrets: { B2: { kind: 's3', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' } },
  },
  null,
  2,
);

let n = 0;
const home = () => mkdtempSync(join(base, `home${n++}-`));

describe('the credential vault', () => {
  it('keeps the credentials encrypted at rest, owner-only, and reads them back', () => {
    const dir = home();
    const vault = new CredentialVault(keychain(), dir, 'darwin');
    expect(vault.read()).toBeNull();
    expect(vault.handover()).toBeUndefined();
    vault.store(credentials);
    const sealed = readFileSync(join(dir, SEALED_FILE));
    expect(sealed.toString('latin1')).not.toContain('wJalrXUtnFEMI');
    expect(sealed.toString('latin1')).not.toContain('AKIAEXAMPLE');
    if (process.platform !== 'win32') expect(statSync(join(dir, SEALED_FILE)).mode & 0o777).toBe(0o600);
    expect(vault.read()).toBe(credentials);
    expect(vault.handover()).toEqual({ type: 'keepsake:credentials', content: credentials });
  });

  it("moves the engine's plaintext file into the vault", () => {
    const dir = home();
    writeFileSync(join(dir, PLAIN_FILE), credentials, { mode: 0o600 });
    const vault = new CredentialVault(keychain(), dir, 'win32');
    expect(vault.sealPlaintext()).toBe(true);
    expect(existsSync(join(dir, PLAIN_FILE))).toBe(false);
    expect(vault.read()).toBe(credentials);
    expect(vault.sealPlaintext()).toBe(false);
  });

  it('refuses what is not a credentials file, leaving the plaintext where it was', () => {
    const dir = home();
    const vault = new CredentialVault(keychain(), dir, 'darwin');
    for (const bad of ['not json', '{}', '{"version":2,"secrets":{}}', '{"version":1,"secrets":{"x":{}}}'])
      expect(() => vault.store(bad), bad).toThrow(VaultError);
    writeFileSync(join(dir, PLAIN_FILE), '{"version": 1}', { mode: 0o600 });
    expect(() => vault.sealPlaintext()).toThrow(VaultError);
    expect(existsSync(join(dir, PLAIN_FILE))).toBe(true);
    expect(existsSync(join(dir, SEALED_FILE))).toBe(false);
  });

  it('refuses to work without a real keychain (Linux without a secret service)', () => {
    expect(new CredentialVault(keychain({ available: false }), home(), 'darwin').available()).toBe(false);
    expect(new CredentialVault(keychain({ backend: 'basic_text' }), home(), 'linux').available()).toBe(false);
    expect(new CredentialVault(keychain({ backend: 'kwallet6' }), home(), 'linux').available()).toBe(true);
    expect(new CredentialVault(keychain({ backend: 'basic_text' }), home(), 'darwin').available()).toBe(true);
    const vault = new CredentialVault(keychain({ backend: 'basic_text' }), home(), 'linux');
    expect(() => vault.store(credentials)).toThrow(/keychain is not available/);
  });

  it("says so when the sealed file cannot be decrypted with this user's keychain", () => {
    const dir = home();
    new CredentialVault(keychain(), dir, 'darwin').store(credentials);
    const otherKeychain = new CredentialVault(keychain(), dir, 'darwin');
    expect(() => otherKeychain.read()).toThrow(/cannot be decrypted/);
  });
});
