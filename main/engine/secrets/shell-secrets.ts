import { ConfigError, loadConfig } from '../config/config-file.js';
import { secretSchema, type Secret } from '../config/credentials.js';
import type { KeyCache } from '../config/key-cache.js';
import { PortSecretStore } from './port-secret-store.js';
import { SECRETS_ENV } from './protocol.js';
import { SecretKeyCache } from './secret-key-cache.js';
import { credentialSecretName, type SecretStore } from './secret-store.js';
import { parentChannel, type ShellChannel } from './shell-channel.js';

/** What the engine reads destination credentials through (CredentialStore headless). */
export interface CredentialReader {
  get(name: string): Secret | undefined;
}

/**
 * Credentials kept by the desktop shell: read from memory (loaded at start), written through to the
 * shell's vault. What a destination added under the shell should store its secret with, rather than
 * the plaintext credentials.json.
 */
export interface ShellCredentials extends CredentialReader {
  /** Keeps `secret` as the credentials of destination `name` (checked first). */
  set(name: string, secret: Secret): Promise<void>;
  /** Forgets the credentials of destination `name`. */
  delete(name: string): Promise<void>;
}

/** The engine's secrets when the desktop shell keeps them: EngineOptions.credentials and .keys. */
export interface ShellSecrets {
  credentials: ShellCredentials;
  keys: KeyCache;
}

/**
 * The stored credentials of every cloud destination of the home's config, read from `secrets` once
 * (the engine builds its destinations synchronously). A value that is not a credential is refused.
 */
export async function loadCredentials(home: string, secrets: SecretStore): Promise<ShellCredentials> {
  const config = loadConfig(home);
  const known = new Map<string, Secret>();
  for (const d of config?.destinations ?? []) {
    if (d.kind === 'local' || d.credentials !== 'stored') continue;
    let text: string | undefined;
    try {
      text = await secrets.get(credentialSecretName(d.name));
    } catch (err) {
      throw new ConfigError(`the credentials of "${d.name}" could not be read: ${(err as Error).message}`);
    }
    if (text === undefined) continue; // creating the destination says how to add them again
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = secretSchema.safeParse(json);
    if (!parsed.success)
      throw new ConfigError(
        `the credentials of "${d.name}" kept in ${secrets.where} are damaged; add them again with \`keepsake destinations add\`.`,
      );
    known.set(d.name, parsed.data);
  }
  return {
    get: (name) => known.get(name),
    set: async (name, secret) => {
      const checked = secretSchema.parse(secret);
      await secrets.put(credentialSecretName(name), JSON.stringify(checked));
      known.set(name, checked);
    },
    delete: async (name) => {
      await secrets.delete(credentialSecretName(name));
      known.delete(name);
    },
  };
}

/**
 * The engine's secrets as its environment asks: with `KEEPSAKE_SECRETS=shell` (set by the desktop shell
 * when its keychain vault works) credentials and keys come from the shell over the parent port;
 * otherwise undefined, and the engine keeps its owner-only files (credentials.json, keys/).
 */
export async function shellSecretsFor(
  home: string,
  env: NodeJS.ProcessEnv = process.env,
  channel: () => ShellChannel | undefined = () => parentChannel(),
): Promise<ShellSecrets | undefined> {
  const mode = env[SECRETS_ENV];
  if (mode === undefined || mode === '') return undefined;
  if (mode !== 'shell') throw new ConfigError(`${SECRETS_ENV}=${mode}: the only value it takes is "shell".`);
  const port = channel();
  if (!port)
    throw new ConfigError(
      `${SECRETS_ENV}=shell is set, but this process was not started by Keepsake's desktop app; unset it to use the owner-only files.`,
    );
  const secrets = new PortSecretStore(port);
  return { credentials: await loadCredentials(home, secrets), keys: new SecretKeyCache(secrets) };
}
