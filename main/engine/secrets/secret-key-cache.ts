import { z } from 'zod';
import { recipientOf } from '../crypto/index.js';
import { keyIdOf, type CachedKey, type KeyCache } from '../config/key-cache.js';
import { keySecretName, SecretsError, type SecretStore } from './secret-store.js';

/** How a CachedKey is kept as one secret value: JSON, the key files' bytes in base64. */
const storedKeySchema = z.strictObject({
  identity: z.string().startsWith('AGE-SECRET-KEY-1'),
  recipient: z.string().startsWith('age1'),
  passphraseFile: z.base64().optional(),
  recoveryFile: z.base64().optional(),
});

/** A CachedKey as the text kept in a SecretStore (the shell's vault never looks inside). */
export function encodeCachedKey(key: CachedKey): string {
  return JSON.stringify({
    identity: key.identity,
    recipient: key.recipient,
    ...(key.passphraseFile ? { passphraseFile: Buffer.from(key.passphraseFile).toString('base64') } : {}),
    ...(key.recoveryFile ? { recoveryFile: Buffer.from(key.recoveryFile).toString('base64') } : {}),
  });
}

/**
 * The CachedKey `keyId` from its stored text, checked: the identity must be the key the id names
 * (as FileKeyCache checks its files), so a damaged or swapped entry is refused, never used.
 */
export async function decodeCachedKey(keyId: string, text: string): Promise<CachedKey> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = storedKeySchema.safeParse(json);
  const damaged = () =>
    new SecretsError(
      `the kept repository key ${keyId} is damaged; run \`keepsake key unlock\` to put it back`,
    );
  if (!parsed.success) throw damaged();
  const k = parsed.data;
  const recipient = await recipientOf(k.identity).catch(() => undefined);
  if (recipient !== k.recipient || keyIdOf(recipient) !== keyId) throw damaged();
  return {
    keyId,
    identity: k.identity,
    recipient,
    ...(k.passphraseFile ? { passphraseFile: new Uint8Array(Buffer.from(k.passphraseFile, 'base64')) } : {}),
    ...(k.recoveryFile ? { recoveryFile: new Uint8Array(Buffer.from(k.recoveryFile, 'base64')) } : {}),
  };
}

/**
 * Repository keys kept in a SecretStore (under the desktop shell: the OS keychain), one secret per
 * key (`key/<key id>`). The engine's EngineOptions.keys when it runs under the shell.
 */
export class SecretKeyCache implements KeyCache {
  constructor(private readonly secrets: SecretStore) {}

  get where(): string {
    return this.secrets.where;
  }

  async get(keyId: string): Promise<CachedKey | undefined> {
    const text = await this.secrets.get(keySecretName(keyId));
    return text === undefined ? undefined : decodeCachedKey(keyId, text);
  }

  async put(key: CachedKey): Promise<void> {
    if (keyIdOf(await recipientOf(key.identity)) !== key.keyId)
      throw new Error('key id does not match the key');
    await this.secrets.put(keySecretName(key.keyId), encodeCachedKey(key));
  }

  async delete(keyId: string): Promise<void> {
    await this.secrets.delete(keySecretName(keyId));
  }
}
