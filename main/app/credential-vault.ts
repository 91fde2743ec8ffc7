import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CredentialsMessage } from './engine-messages.js';

/** The parts of Electron's safeStorage the vault uses (the OS keychain: Keychain, DPAPI, libsecret/kwallet). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store backs the key. */
  getSelectedStorageBackend?(): string;
}

/** The engine's plaintext credentials file (main/engine/config/credentials.ts). */
export const PLAIN_FILE = 'credentials.json';
/** The same content, encrypted with the OS keychain's key. */
export const SEALED_FILE = 'credentials.json.safe';

/** The shape of the engine's credentials file; each secret's own fields are the engine's to check. */
const credentialsFile = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.looseObject({ kind: z.string() })),
});

/** The vault cannot do what was asked; the message says why (no keychain, unreadable, not credentials). */
export class VaultError extends Error {
  override readonly name = 'VaultError';
}

/**
 * Keeps the engine's credentials file encrypted at rest with safeStorage while the desktop shell runs
 * the engine: `credentials.json.safe` in the engine's home instead of the plaintext `credentials.json`.
 * The shell hands the decrypted content to the engine's process by message (`handover()`) and seals
 * what the engine sends back when credentials change (`store()`). See docs/DESKTOP.md for the engine's
 * side of this exchange.
 */
export class CredentialVault {
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly home: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  private get sealedPath(): string {
    return join(this.home, SEALED_FILE);
  }

  private get plainPath(): string {
    return join(this.home, PLAIN_FILE);
  }

  /**
   * True when the OS keychain can protect the key. On Linux without a secret service, Electron falls
   * back to a hard-coded key ("basic_text"), which protects nothing: the vault refuses it.
   */
  available(): boolean {
    if (!this.safe.isEncryptionAvailable()) return false;
    if (this.platform !== 'linux') return true;
    const backend = this.safe.getSelectedStorageBackend?.() ?? 'unknown';
    return backend !== 'basic_text' && backend !== 'unknown';
  }

  /** True when sealed credentials exist. */
  hasSealed(): boolean {
    return existsSync(this.sealedPath);
  }

  /** The sealed credentials, decrypted; null when there are none. */
  read(): string | null {
    if (!this.hasSealed()) return null;
    this.mustBeAvailable();
    let content: string;
    try {
      content = this.safe.decryptString(readFileSync(this.sealedPath));
    } catch (err) {
      throw new VaultError(
        `${this.sealedPath} cannot be decrypted with this user's keychain (${(err as Error).message}); add the destinations' credentials again.`,
      );
    }
    return content;
  }

  /** Seals `content` (a credentials file's text, checked) in place of what was sealed before. */
  store(content: string): void {
    this.mustBeAvailable();
    checkCredentials(content);
    const tmp = `${this.sealedPath}.${process.pid}.tmp`;
    writeFileSync(tmp, this.safe.encryptString(content), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.sealedPath);
  }

  /**
   * Moves an existing plaintext credentials file into the vault: seals it, checks the sealed copy
   * reads back the same, then deletes the plaintext. Returns false when there was none.
   */
  sealPlaintext(): boolean {
    if (!existsSync(this.plainPath)) return false;
    const content = readFileSync(this.plainPath, 'utf8');
    this.store(content);
    if (this.read() !== content) throw new VaultError('the sealed credentials did not read back the same');
    rmSync(this.plainPath);
    return true;
  }

  /** The message handing the decrypted credentials to the engine's process, or undefined when there are none. */
  handover(): CredentialsMessage | undefined {
    const content = this.read();
    return content === null ? undefined : { type: 'keepsake:credentials', content };
  }

  private mustBeAvailable(): void {
    if (!this.available())
      throw new VaultError("the system keychain is not available, so credentials can't be kept encrypted");
  }
}

function checkCredentials(content: string): void {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new VaultError('not a credentials file: not JSON');
  }
  if (!credentialsFile.safeParse(json).success) throw new VaultError('not a Keepsake credentials file');
}
