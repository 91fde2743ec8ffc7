import { chmodSync, existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CREDENTIALS_FILE,
  credentialSecretName,
  encodeCachedKey,
  FileKeyCache,
  KEYS_DIR,
  keySecretName,
  SECRET_NAME,
  secretSchema,
} from './engine-boundary.js';
import type { KeychainVault } from './keychain-vault.js';

/** What a migration did: the secrets moved, and what it left in place (or warns of) and why. */
export interface MigrationResult {
  /** Names moved into the vault (`credential/B2`, `key/0123456789abcdef`). */
  moved: string[];
  /** One sentence each, for the user and the log; never a secret's value. */
  problems: string[];
}

const KEY_FILE = /^([0-9a-f]{16})\.key$/;

/** True when the home holds secrets in plain files (the headless engine's credentials.json or keys/). */
export function plaintextSecretsExist(home: string): boolean {
  if (existsSync(join(home, CREDENTIALS_FILE))) return true;
  return keyFiles(home).length > 0;
}

/**
 * Moves the plaintext secrets of the Keepsake home into the keychain vault: each credential of
 * `credentials.json` and each cached repository key of `keys/` is put in the vault and read back, and
 * only then is its file deleted. Anything that cannot be read or moved stays where it was, with a
 * problem saying why. A file other users could read is moved too (the exposure ends), with a warning
 * to rotate what it held.
 */
export async function migratePlaintextSecrets(
  home: string,
  vault: Pick<KeychainVault, 'get' | 'put'>,
): Promise<MigrationResult> {
  const result: MigrationResult = { moved: [], problems: [] };
  migrateCredentials(home, vault, result);
  await migrateKeys(home, vault, result);
  return result;
}

function migrateCredentials(
  home: string,
  vault: Pick<KeychainVault, 'get' | 'put'>,
  result: MigrationResult,
): void {
  const path = join(home, CREDENTIALS_FILE);
  if (!existsSync(path)) return;
  exposed(path, result);
  let secrets: Record<string, unknown>;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; secrets?: unknown };
    if (json.version !== 1 || typeof json.secrets !== 'object' || json.secrets === null) throw new Error();
    secrets = json.secrets as Record<string, unknown>;
  } catch {
    result.problems.push(`${path} is not a Keepsake credentials file; it was left where it is.`);
    return;
  }
  let all = true;
  for (const [destination, raw] of Object.entries(secrets)) {
    const name = credentialSecretName(destination);
    const secret = secretSchema.safeParse(raw);
    if (!SECRET_NAME.test(name) || !secret.success) {
      result.problems.push(
        `the credentials of "${destination}" in ${path} are not valid; the file was left where it is.`,
      );
      all = false;
      continue;
    }
    if (!move(name, JSON.stringify(secret.data), vault, result)) all = false;
  }
  if (all) rmSync(path);
}

async function migrateKeys(
  home: string,
  vault: Pick<KeychainVault, 'get' | 'put'>,
  result: MigrationResult,
): Promise<void> {
  const ids = keyFiles(home);
  if (ids.length === 0) return;
  const cache = new FileKeyCache(home);
  for (const keyId of ids) {
    const path = join(cache.where, `${keyId}.key`);
    if (exposed(path, result)) chmodSync(path, 0o600); // FileKeyCache refuses to read it otherwise
    let value: string;
    try {
      const key = await cache.get(keyId);
      if (!key) continue; // removed meanwhile
      value = encodeCachedKey(key);
    } catch (err) {
      result.problems.push(`${path} was left where it is: ${(err as Error).message}`);
      continue;
    }
    if (move(keySecretName(keyId), value, vault, result)) await cache.delete(keyId);
  }
  try {
    if (readdirSync(cache.where).length === 0) rmdirSync(cache.where);
  } catch {
    // Not empty or already gone: either way nothing to do.
  }
}

/** Puts one value in the vault and checks it reads back the same; says so in `result`. */
function move(
  name: string,
  value: string,
  vault: Pick<KeychainVault, 'get' | 'put'>,
  result: MigrationResult,
): boolean {
  try {
    vault.put(name, value);
    if (vault.get(name) !== value) throw new Error('it did not read back the same');
  } catch (err) {
    result.problems.push(`${name} could not be moved into the keychain: ${(err as Error).message}`);
    return false;
  }
  result.moved.push(name);
  return true;
}

/** True (with a warning in `result`) when other users could read `path`. */
function exposed(path: string, result: MigrationResult): boolean {
  if (process.platform === 'win32' || (statSync(path).mode & 0o077) === 0) return false;
  result.problems.push(
    `${path} was readable by other users before it was moved into the keychain: consider rotating what it held.`,
  );
  return true;
}

function keyFiles(home: string): string[] {
  try {
    return readdirSync(join(home, KEYS_DIR))
      .map((f) => KEY_FILE.exec(f)?.[1])
      .filter((id): id is string => id !== undefined)
      .sort();
  } catch {
    return [];
  }
}
