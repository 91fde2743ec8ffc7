import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../engine/config/credentials.js';
import { FileKeyCache, keyIdOf, type CachedKey } from '../engine/config/key-cache.js';
import { decodeCachedKey } from '../engine/secrets/secret-key-cache.js';
import { KeychainVault } from './keychain-vault.js';
import { migratePlaintextSecrets, plaintextSecretsExist } from './secret-migration.js';
import { fakeSafeStorage } from './testing/safe-storage.js';

// The headless engine's own files (written by its CredentialStore and FileKeyCache) moved into the
// keychain vault, whose safeStorage is replaced at the module boundary.
const base = mkdtempSync(join(tmpdir(), 'keepsake-migrate-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const b2 = { kind: 's3', accessKeyId: '004abc', secretAccessKey: 'K004secretvalue' } as const;
const gcs = { kind: 'gcs', serviceAccount: { client_email: 'a@b.iam', private_key: '-----BEGIN' } } as const;

let n = 0;
async function headlessHome(): Promise<{ home: string; vault: KeychainVault; key: CachedKey }> {
  const root = mkdtempSync(join(base, `case${n++}-`));
  const home = join(root, 'home');
  const credentials = new CredentialStore(home);
  credentials.set('B2', b2);
  credentials.set('GCS', gcs);
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const key: CachedKey = {
    keyId: keyIdOf(recipient),
    identity,
    recipient,
    passphraseFile: new Uint8Array([97, 103, 101]),
    recoveryFile: new Uint8Array([1, 2, 3]),
  };
  await new FileKeyCache(home).put(key);
  const vault = KeychainVault.forHome(fakeSafeStorage(), join(root, 'userData'), home, 'darwin');
  return { home, vault, key };
}

describe('moving plaintext secrets into the keychain', () => {
  it('moves credentials.json and the cached keys into the vault, then deletes the files', async () => {
    const { home, vault, key } = await headlessHome();
    expect(plaintextSecretsExist(home)).toBe(true);
    const result = await migratePlaintextSecrets(home, vault);
    expect(result).toEqual({
      moved: ['credential/B2', 'credential/GCS', `key/${key.keyId}`],
      problems: [],
    });
    expect(existsSync(join(home, 'credentials.json'))).toBe(false);
    expect(existsSync(join(home, 'keys'))).toBe(false);
    expect(plaintextSecretsExist(home)).toBe(false);
    expect(JSON.parse(vault.get('credential/B2')!)).toEqual(b2);
    expect(JSON.parse(vault.get('credential/GCS')!)).toEqual(gcs);
    // What the engine reads back through its SecretKeyCache is the key as it was cached.
    expect(await decodeCachedKey(key.keyId, vault.get(`key/${key.keyId}`)!)).toEqual(key);
    const raw = readFileSync(vault.path, 'utf8');
    for (const plain of ['K004secretvalue', key.identity, 'BEGIN']) expect(raw).not.toContain(plain);
    // Nothing left: a second start moves nothing.
    expect(await migratePlaintextSecrets(home, vault)).toEqual({ moved: [], problems: [] });
  });

  it('leaves every file in place when the keychain cannot keep them', async () => {
    const { home, key } = await headlessHome();
    const locked = KeychainVault.forHome(
      fakeSafeStorage({ backend: 'basic_text' }),
      join(base, 'locked'),
      home,
      'linux',
    );
    const result = await migratePlaintextSecrets(home, locked);
    expect(result.moved).toEqual([]);
    expect(result.problems).toHaveLength(3);
    expect(result.problems[0]).toMatch(
      /credential\/B2 could not be moved into the keychain: .*no system keyring/,
    );
    expect(existsSync(join(home, 'credentials.json'))).toBe(true);
    expect(await new FileKeyCache(home).get(key.keyId)).toEqual(key);
  });

  it('keeps a file that is not what it should be, and warns of one others could read', async () => {
    const { home, vault, key } = await headlessHome();
    writeFileSync(join(home, 'credentials.json'), '{"version":1,"secrets":{"B2":{"kind":"s3"}}}', {
      mode: 0o600,
    });
    if (process.platform !== 'win32')
      chmodSync(join(new FileKeyCache(home).where, `${key.keyId}.key`), 0o644);
    const result = await migratePlaintextSecrets(home, vault);
    expect(result.moved).toEqual([`key/${key.keyId}`]);
    expect(result.problems[0]).toMatch(
      /credentials of "B2" in .* are not valid; the file was left where it is/,
    );
    expect(existsSync(join(home, 'credentials.json'))).toBe(true);
    if (process.platform !== 'win32')
      expect(result.problems[1]).toMatch(/was readable by other users .* consider rotating/);
    expect(readdirSync(home)).not.toContain('keys');

    writeFileSync(join(home, 'credentials.json'), 'not json', { mode: 0o600 });
    expect((await migratePlaintextSecrets(home, vault)).problems).toEqual([
      `${join(home, 'credentials.json')} is not a Keepsake credentials file; it was left where it is.`,
    ]);
  });
});
