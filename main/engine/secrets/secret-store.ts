// The one interface the engine uses for what must stay secret on this computer when it runs under the
// desktop shell: cloud credentials and unlocked repository keys, as named text values.

/**
 * Named secrets kept outside the engine (the desktop shell's OS-keychain vault, reached over its
 * message port). Values are opaque text to the store; the engine encodes and checks them. The headless
 * engine does not use this: it keeps `credentials.json` and `keys/` (CredentialStore, FileKeyCache).
 */
export interface SecretStore {
  /** The value named `name`, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  /** Stores (or replaces) a value; resolves once it is durable. */
  put(name: string, value: string): Promise<void>;
  /** Forgets a value (a missing one is fine). */
  delete(name: string): Promise<void>;
  /** Where the values are kept, for messages (`the system keychain (Keepsake's desktop app)`). */
  readonly where: string;
}

/** A secret could not be read or written: the store refused, did not answer, or answered nonsense. */
export class SecretsError extends Error {
  override readonly name = 'SecretsError';
}

/** `credential/<destination name>` or `key/<key id>`: the only names a SecretStore holds. */
export const SECRET_NAME = /^(credential\/[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}|key\/[0-9a-f]{16})$/;

/** The name of a destination's stored credentials (a JSON `Secret`, config/credentials.ts). */
export function credentialSecretName(destination: string): string {
  return `credential/${destination}`;
}

/** The name of an unlocked repository key (a JSON-encoded `CachedKey`, see secret-key-cache.ts). */
export function keySecretName(keyId: string): string {
  return `key/${keyId}`;
}
