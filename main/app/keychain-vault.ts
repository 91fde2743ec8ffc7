import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The parts of Electron's safeStorage the vault uses (the OS keychain: Keychain, DPAPI, libsecret/kwallet). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store backs the key (`basic_text` is a hard-coded key: no protection). */
  getSelectedStorageBackend?(): string;
}

/** The vault cannot do what was asked; the message says why (no keychain, unreadable, damaged). */
export class VaultError extends Error {
  override readonly name = 'VaultError';
}

/** Where the vaults live in the app's userData: one file per Keepsake home. */
export const VAULT_DIR = 'Secrets';

const vaultFile = z.strictObject({
  version: z.literal(1),
  /** The Keepsake home these secrets belong to (their names are that home's destinations and keys). */
  home: z.string(),
  /** Name -> safeStorage.encryptString(value), base64. */
  secrets: z.record(z.string(), z.base64()),
});
type VaultFile = z.infer<typeof vaultFile>;

/**
 * The desktop app's keeper of the engine's secrets (cloud credentials, unlocked repository keys):
 * named values, each encrypted with Electron's safeStorage (a key held by the OS keychain), in a
 * file of the app's userData, owner-only. It refuses to work without a real keychain rather than
 * write values anyone could decrypt: Linux's `basic_text` fallback is refused.
 */
export class KeychainVault {
  /** The vault of Keepsake home `home` in the app's `userData` folder. */
  static forHome(
    safe: SafeStorageLike,
    userData: string,
    home: string,
    platform: NodeJS.Platform = process.platform,
  ): KeychainVault {
    const id = createHash('sha256').update(resolve(home)).digest('hex').slice(0, 16);
    return new KeychainVault(safe, join(userData, VAULT_DIR, `${id}.json`), resolve(home), platform);
  }

  constructor(
    private readonly safe: SafeStorageLike,
    /** The vault's file. */
    readonly path: string,
    private readonly home: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /**
   * True when the OS keychain can protect the values. On Linux without a secret service (no GNOME
   * Keyring, KWallet or other libsecret provider), Electron falls back to a hard-coded key
   * ("basic_text"), which protects nothing: the vault refuses it.
   */
  available(): boolean {
    if (!this.safe.isEncryptionAvailable()) return false;
    if (this.platform !== 'linux') return true;
    const backend = this.safe.getSelectedStorageBackend?.() ?? 'unknown';
    return backend !== 'basic_text' && backend !== 'unknown';
  }

  /** Why the vault cannot be used, for the user; undefined when it can. */
  unavailableReason(): string | undefined {
    if (this.available()) return undefined;
    return this.platform === 'linux'
      ? 'no system keyring answers (install and unlock GNOME Keyring or KWallet, then restart Keepsake)'
      : 'the system keychain is not available to Keepsake';
  }

  /** The names of the values kept (not secret: destination names and key ids). */
  names(): string[] {
    return Object.keys(this.load().secrets).sort();
  }

  /** The value named `name`, decrypted; undefined when there is none. */
  get(name: string): string | undefined {
    const sealed = this.load().secrets[name];
    if (sealed === undefined) return undefined;
    this.mustBeAvailable();
    try {
      return this.safe.decryptString(Buffer.from(sealed, 'base64'));
    } catch (err) {
      throw new VaultError(
        `${name} cannot be decrypted with this user's keychain (${(err as Error).message}); add it again.`,
      );
    }
  }

  /** Encrypts and keeps `value` as `name`, replacing what was there; durable when it returns. */
  put(name: string, value: string): void {
    this.mustBeAvailable();
    const file = this.load();
    file.secrets[name] = this.safe.encryptString(value).toString('base64');
    this.save(file);
  }

  /** Forgets `name` (a missing one is fine). */
  delete(name: string): void {
    const file = this.load();
    if (!(name in file.secrets)) return;
    delete file.secrets[name];
    this.save(file);
  }

  private mustBeAvailable(): void {
    const why = this.unavailableReason();
    if (why) throw new VaultError(`secrets cannot be kept encrypted: ${why}`);
  }

  private load(): VaultFile {
    if (!existsSync(this.path)) return { version: 1, home: this.home, secrets: {} };
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      json = undefined;
    }
    const parsed = vaultFile.safeParse(json);
    if (!parsed.success) throw new VaultError(`${this.path} is not a Keepsake keychain vault`);
    if (parsed.data.home !== this.home)
      throw new VaultError(`${this.path} holds the secrets of another Keepsake home (${parsed.data.home})`);
    return parsed.data;
  }

  /** Writes atomically (temp file + rename), owner-only from the start, in an owner-only folder. */
  private save(file: VaultFile): void {
    const dir = join(this.path, '..');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
