import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainVault, VaultError } from './keychain-vault.js';
import { fakeSafeStorage } from './testing/safe-storage.js';

const base = mkdtempSync(join(tmpdir(), 'keepsake-vault-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
const userData = () => mkdtempSync(join(base, `userData${n++}-`));
const home = '/home/ana/.local/share/keepsake';
const secret = '{"kind":"s3","accessKeyId":"AKIAEXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG"}';

describe('the keychain vault', () => {
  it("keeps each value encrypted with safeStorage in the app's userData, owner-only, and reads it back", () => {
    const dir = userData();
    const vault = KeychainVault.forHome(fakeSafeStorage(), dir, home, 'darwin');
    expect(vault.path.startsWith(join(dir, 'Secrets'))).toBe(true);
    expect(vault.get('credential/B2')).toBeUndefined();
    vault.put('credential/B2', secret);
    vault.put('key/0123456789abcdef', 'AGE-SECRET-KEY-1QQQ');
    const raw = readFileSync(vault.path, 'utf8');
    for (const plain of ['wJalrXUtnFEMI', 'AKIAEXAMPLE', 'AGE-SECRET-KEY']) expect(raw).not.toContain(plain);
    if (process.platform !== 'win32') {
      expect(statSync(vault.path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'Secrets')).mode & 0o777).toBe(0o700);
    }
    expect(vault.get('credential/B2')).toBe(secret);
    expect(vault.names()).toEqual(['credential/B2', 'key/0123456789abcdef']);
    vault.delete('credential/B2');
    vault.delete('credential/B2');
    expect(vault.names()).toEqual(['key/0123456789abcdef']);
  });

  it('keeps the secrets of each Keepsake home apart', () => {
    const dir = userData();
    const safe = fakeSafeStorage();
    const a = KeychainVault.forHome(safe, dir, home, 'darwin');
    const b = KeychainVault.forHome(safe, dir, '/Volumes/Studio/keepsake', 'darwin');
    a.put('credential/B2', secret);
    expect(b.path).not.toBe(a.path);
    expect(b.get('credential/B2')).toBeUndefined();
    // A vault file copied under another home's name is refused, not used.
    writeFileSync(b.path, readFileSync(a.path));
    expect(() => b.get('credential/B2')).toThrow(/another Keepsake home/);
  });

  it('refuses to work without a real keychain (Linux without a secret service: basic_text)', () => {
    const forSafe = (opts: { available?: boolean; backend?: string }, platform: NodeJS.Platform) =>
      KeychainVault.forHome(fakeSafeStorage(opts), userData(), home, platform);
    expect(forSafe({ available: false }, 'darwin').available()).toBe(false);
    expect(forSafe({ backend: 'basic_text' }, 'linux').available()).toBe(false);
    expect(forSafe({ backend: 'kwallet6' }, 'linux').available()).toBe(true);
    expect(forSafe({ backend: 'basic_text' }, 'darwin').available()).toBe(true);
    const vault = forSafe({ backend: 'basic_text' }, 'linux');
    expect(vault.unavailableReason()).toMatch(/no system keyring answers/);
    expect(() => vault.put('credential/B2', secret)).toThrow(VaultError);
    expect(() => vault.put('credential/B2', secret)).toThrow(/cannot be kept encrypted: no system keyring/);
  });

  it("says so when a value cannot be decrypted with this user's keychain, or the file is not a vault", () => {
    const dir = userData();
    KeychainVault.forHome(fakeSafeStorage(), dir, home, 'darwin').put('credential/B2', secret);
    const other = KeychainVault.forHome(fakeSafeStorage(), dir, home, 'darwin');
    expect(() => other.get('credential/B2')).toThrow(/cannot be decrypted with this user's keychain/);
    writeFileSync(other.path, '{"version":1}');
    expect(() => other.get('credential/B2')).toThrow(/not a Keepsake keychain vault/);
  });
});
