import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recipientOf } from '../crypto/index.js';
import { ConfigError } from './errors.js';

/**
 * An unlocked repository key as Keepsake keeps it on this computer, so backups run without asking
 * for the passphrase. One key may serve several encrypted destinations (the first encrypted
 * destination creates it; later ones reuse it).
 */
export interface CachedKey {
  /** `keyIdOf(recipient)`: names the key in the config and in the cache. */
  keyId: string;
  /** The repository key, `AGE-SECRET-KEY-1…`. */
  identity: string;
  /** Its recipient, `age1…`. */
  recipient: string;
  /** A copy of the repository's keys/passphrase.age, written to each new destination using this key. */
  passphraseFile?: Uint8Array;
  /** A copy of keys/recovery.age, when a recovery key exists. */
  recoveryFile?: Uint8Array;
}

/**
 * Where unlocked repository keys live between runs. The headless engine uses FileKeyCache (owner-only
 * files in the home); the desktop shell can pass its own implementation backed by the OS keychain
 * (EngineOptions.keys). Implementations must never log or print a key.
 */
export interface KeyCache {
  get(keyId: string): Promise<CachedKey | undefined>;
  /** Stores (or replaces) a key; resolves once it is durable. */
  put(key: CachedKey): Promise<void>;
  /** Forgets a key (a missing one is fine): the passphrase is then needed again. */
  delete(keyId: string): Promise<void>;
  /** Where keys are kept, for messages (`/home/ana/.local/share/keepsake/keys`, `the macOS keychain`). */
  readonly where: string;
}

/** The id of a repository key: the first 16 hex digits of the SHA-256 of its recipient (public). */
export function keyIdOf(recipient: string): string {
  return createHash('sha256').update(recipient).digest('hex').slice(0, 16);
}

const KEY_ID = /^[0-9a-f]{16}$/;
export const KEYS_DIR = 'keys';

/**
 * The headless key cache: `<home>/keys/<key-id>.key`, an age identity file (so `age -d -i` reads it),
 * mode 0600 in a 0700 folder, beside copies of the repository's key files (`<key-id>.passphrase.age`,
 * `<key-id>.recovery.age`; encrypted, not secret). A key file readable by others is refused.
 */
export class FileKeyCache implements KeyCache {
  readonly where: string;

  constructor(home: string) {
    this.where = join(home, KEYS_DIR);
  }

  private file(keyId: string, suffix: string): string {
    if (!KEY_ID.test(keyId)) throw new ConfigError(`not a Keepsake key id: ${keyId}`);
    return join(this.where, `${keyId}${suffix}`);
  }

  async get(keyId: string): Promise<CachedKey | undefined> {
    const path = this.file(keyId, '.key');
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!info) return undefined;
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new ConfigError(
        `${path} is readable by other users; run \`chmod 600 ${path}\` (whoever read it can decrypt the backups of the destinations using this key).`,
      );
    }
    const lines = (await readFile(path, 'utf8'))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const identity = lines[0];
    if (lines.length !== 1 || !identity?.startsWith('AGE-SECRET-KEY-1')) {
      throw new ConfigError(`${path} is not a Keepsake key file; remove it and run \`keepsake key unlock\`.`);
    }
    const recipient = await recipientOf(identity);
    if (keyIdOf(recipient) !== keyId) {
      throw new ConfigError(
        `${path} holds another key than its name says; remove it and run \`keepsake key unlock\`.`,
      );
    }
    const optional = (suffix: string) =>
      readFile(this.file(keyId, suffix)).then(
        (b) => new Uint8Array(b),
        () => undefined,
      );
    const passphraseFile = await optional('.passphrase.age');
    const recoveryFile = await optional('.recovery.age');
    return {
      keyId,
      identity,
      recipient,
      ...(passphraseFile ? { passphraseFile } : {}),
      ...(recoveryFile ? { recoveryFile } : {}),
    };
  }

  async put(key: CachedKey): Promise<void> {
    if (keyIdOf(await recipientOf(key.identity)) !== key.keyId)
      throw new Error('key id does not match the key');
    await mkdir(this.where, { recursive: true, mode: 0o700 });
    await chmod(this.where, 0o700);
    const text =
      `# Keepsake repository key ${key.keyId}: decrypts every object and manifest of the encrypted\n` +
      `# destinations that use it. Cached so backups run without the passphrase; keep it owner-only.\n` +
      `# Deleting this file only means the passphrase is asked again (keepsake key unlock).\n` +
      `# public key: ${key.recipient}\n${key.identity}\n`;
    await this.write(this.file(key.keyId, '.key'), text);
    if (key.passphraseFile) await this.write(this.file(key.keyId, '.passphrase.age'), key.passphraseFile);
    if (key.recoveryFile) await this.write(this.file(key.keyId, '.recovery.age'), key.recoveryFile);
  }

  async delete(keyId: string): Promise<void> {
    for (const suffix of ['.key', '.passphrase.age', '.recovery.age'])
      await rm(this.file(keyId, suffix), { force: true });
  }

  /** Writes atomically (temp file + rename), owner-only from the start. */
  private async write(path: string, data: string | Uint8Array): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }
}
