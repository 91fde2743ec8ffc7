import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import { isoAt } from '../clock.js';
import { ConfigError } from '../config/config-file.js';
import type { Config, DestinationConfig } from '../config/schema.js';
import type { CredentialStore, Secret } from '../config/credentials.js';
import { keyIdOf, type CachedKey, type KeyCache } from '../config/key-cache.js';
import {
  changePassphrase,
  createRepositoryKeys,
  exportRecovery,
  PASSPHRASE_KEY_FILE,
  recipientOf,
  RECOVERY_KEY_FILE,
  unlockWithPassphrase,
} from '../crypto/index.js';
import { DestinationError, isNotFound } from '../destinations/errors.js';
import type { Destination } from '../destinations/destination.js';
import { createDestination } from '../destinations/factory.js';
import { RepositoryKey, unlockRepositoryKey, type RepositorySecret } from '../repo/encryption.js';
import { makeFolder } from '../make-folder.js';
import { overlaps } from './overlap.js';
import { Repository } from '../repo/repository.js';

/** How a destination is encrypted when it is added (see addDestination). */
export interface EncryptionSetup {
  /** Where the unlocked key is kept, so backups run without the passphrase. */
  keys: KeyCache;
  /**
   * Supplies the passphrase, only when one is needed: `new` protects a new repository key (the first
   * encrypted destination; confirm it), `unlock` opens the key files of an existing encrypted repository.
   */
  passphrase: (purpose: 'new' | 'unlock') => Promise<string>;
  /** With a new key: also create a recovery key, handed over here once the repository is written. */
  onRecoveryKey?: (recoveryKey: string) => void;
  /** scrypt work factor of a new passphrase file (default age's 18, about a second; tests lower it). */
  scryptWorkFactor?: number;
}

/** Cloud destinations are encrypted unless the user opts out; local folders only when asked. */
export function encryptsByDefault(kind: DestinationConfig['kind']): boolean {
  return kind !== 'local';
}

export const MIN_PASSPHRASE_LENGTH = 12;

/** Refuses a new passphrase too short to resist guessing (scrypt slows guesses, it cannot stop them). */
export function checkNewPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new ConfigError(
      `the passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters (a few unrelated words are best)`,
    );
  }
}

/**
 * Adds a destination: checks the name is free, prepares a local folder (its parent must exist, so an
 * unplugged drive is noticed rather than a folder created on the laptop's disk), and creates the
 * repository marker there. With `encryption` the repository is encrypted (see addEncrypted); without,
 * it is plain, as it always was.
 */
export async function addDestination(
  config: Config,
  dest: DestinationConfig,
  clock: Clock,
  credentials?: { store: Pick<CredentialStore, 'set'>; secret: Secret },
  encryption?: EncryptionSetup,
): Promise<Config> {
  if (config.destinations.some((d) => d.name === dest.name))
    throw new ConfigError(`A destination named "${dest.name}" exists already.`);
  let cfg = dest;
  if (dest.kind === 'local') {
    const full = resolve(dest.path);
    for (const f of config.folders) {
      if (overlaps(full, f.path)) {
        throw new ConfigError(
          `${full} overlaps the watched folder ${f.path}: a backup must not watch itself.`,
        );
      }
    }
    // Two destinations in one folder would count one copy as two.
    for (const d of config.destinations) {
      if (d.kind === 'local' && overlaps(full, d.path)) {
        throw new ConfigError(
          `${full} overlaps the folder of destination "${d.name}" (${d.path}): each copy needs a place of its own.`,
        );
      }
    }
    if (!statSync(full, { throwIfNoEntry: false })) {
      if (!statSync(dirname(full), { throwIfNoEntry: false })) {
        throw new ConfigError(
          `Cannot create ${full}: ${dirname(full)} does not exist (is the drive plugged in?).`,
        );
      }
      await makeFolder(full);
    }
    cfg = { ...dest, path: full };
  }
  if (credentials && cfg.kind !== 'local') cfg = { ...cfg, credentials: 'stored' };
  const repo = new Repository(createDestination(cfg, credentials?.secret), config.installId);
  let recoveryKey: string | undefined;
  try {
    await repo.dest.check();
    if (encryption) {
      const added = await addEncrypted(config, repo, encryption, isoAt(clock.now()));
      cfg = { ...cfg, encryption: { keyId: added.keyId } };
      recoveryKey = added.recoveryKey;
    } else await repo.init(isoAt(clock.now()));
  } finally {
    await repo.dest.close();
  }
  // Only a destination that answered gets its secret stored.
  if (credentials) credentials.store.set(cfg.name, credentials.secret);
  if (recoveryKey) encryption?.onRecoveryKey?.(recoveryKey);
  return { ...config, destinations: [...config.destinations, cfg] };
}

/** `repo`'s destination as an encrypted repository with the cached key `key`. */
function withKey(repo: Repository, key: CachedKey): Repository {
  return new Repository(repo.dest, repo.installId, {
    encryption: { keyId: key.keyId, unlock: () => RepositoryKey.from(key.identity) },
  });
}

/**
 * Makes `repo` an encrypted repository and returns its key id:
 * - it already is one (a destination added again, or another computer's): its own key, from the
 *   cache or unlocked with the passphrase from its keys/passphrase.age;
 * - it is empty: the key of this installation's other encrypted destinations (from the cache), or,
 *   for the first one, a new key protected by a new passphrase (and a recovery key when asked).
 * A repository that exists unencrypted is refused: it is never converted in place.
 */
async function addEncrypted(
  config: Config,
  repo: Repository,
  enc: EncryptionSetup,
  nowIso: string,
): Promise<{ keyId: string; recoveryKey?: string }> {
  const marker = await repo.marker();
  if (marker?.encryption) {
    const keyId = keyIdOf(marker.encryption.recipient);
    const cached =
      (await enc.keys.get(keyId)) ?? (await unlockRepository(repo, await enc.passphrase('unlock'), enc.keys));
    if (cached.keyId !== keyId) {
      throw new DestinationError(
        'permanent',
        repo.name,
        `${PASSPHRASE_KEY_FILE} holds another key than the repository is encrypted to`,
      );
    }
    await withKey(repo, cached).open();
    return { keyId };
  }
  if (marker) {
    throw new ConfigError(
      `${repo.name} already holds an unencrypted Keepsake repository, which cannot be encrypted in place: add it with --no-encrypt, or use an empty folder, bucket or prefix for an encrypted one.`,
    );
  }
  const shared = config.destinations.find((d) => d.encryption)?.encryption?.keyId;
  let key: CachedKey;
  let recoveryKey: string | undefined;
  if (shared) {
    const cached = await enc.keys.get(shared);
    const other = config.destinations.find((d) => d.encryption?.keyId === shared)!.name;
    if (!cached?.passphraseFile) {
      throw new ConfigError(
        `the key of your encrypted destinations is not on this computer (${enc.keys.where}): run \`keepsake key unlock --destination ${other}\` first.`,
      );
    }
    key = cached;
  } else {
    const passphrase = await enc.passphrase('new');
    checkNewPassphrase(passphrase);
    const created = await createRepositoryKeys(passphrase, {
      withRecovery: enc.onRecoveryKey !== undefined,
      ...(enc.scryptWorkFactor ? { scryptWorkFactor: enc.scryptWorkFactor } : {}),
    });
    key = {
      keyId: keyIdOf(created.recipient),
      identity: created.identity,
      recipient: created.recipient,
      passphraseFile: created.passphraseFile,
      ...(created.recoveryFile ? { recoveryFile: created.recoveryFile } : {}),
    };
    recoveryKey = created.recoveryKey;
    await enc.keys.put(key);
  }
  try {
    await withKey(repo, key).init(nowIso, {
      passphrase: key.passphraseFile!,
      ...(key.recoveryFile ? { recovery: key.recoveryFile } : {}),
    });
  } catch (err) {
    // A new key that protects nothing is not kept.
    if (!shared) await enc.keys.delete(key.keyId).catch(() => undefined);
    throw err;
  }
  return { keyId: key.keyId, ...(recoveryKey ? { recoveryKey } : {}) };
}

/**
 * Opens an encrypted repository's keys/passphrase.age with `passphrase` and caches the key (with
 * copies of its key files). A wrong passphrase is a WrongPassphraseError and nothing is cached.
 */
async function unlockRepository(repo: Repository, passphrase: string, keys: KeyCache): Promise<CachedKey> {
  const marker = await repo.marker();
  if (!marker?.encryption)
    throw new DestinationError('permanent', repo.name, 'no encrypted Keepsake repository here');
  const passphraseFile = await repo.readKeyFile(PASSPHRASE_KEY_FILE);
  const identity = await unlockWithPassphrase(passphraseFile, passphrase);
  const recipient = await recipientOf(identity);
  if (recipient !== marker.encryption.recipient) {
    throw new DestinationError(
      'permanent',
      repo.name,
      `${PASSPHRASE_KEY_FILE} holds another key than the repository is encrypted to`,
    );
  }
  const recoveryFile = await repo.readKeyFile(RECOVERY_KEY_FILE).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  const key: CachedKey = {
    keyId: keyIdOf(recipient),
    identity,
    recipient,
    passphraseFile,
    ...(recoveryFile ? { recoveryFile } : {}),
  };
  await keys.put(key);
  return key;
}

/**
 * A repository found on a destination without any config (`keepsake restore --vault DIR` on a new
 * computer): plain as is, or, when its marker says it is encrypted, unlocked from its own key files
 * with what `secret` gives (asked only then; a string is the passphrase). Nothing is cached or written.
 */
export async function openRepositoryAt(
  dest: Destination,
  installId: string,
  secret: () => Promise<string | RepositorySecret>,
): Promise<Repository> {
  const probe = new Repository(dest, installId);
  const marker = await probe.marker();
  if (!marker?.encryption) {
    await probe.open();
    return probe;
  }
  const given = await secret();
  const key = await unlockRepositoryKey(
    marker.encryption,
    typeof given === 'string' ? { passphrase: given } : given,
    (name) => probe.readKeyFile(name),
    dest.name,
  );
  const repo = new Repository(dest, installId, {
    encryption: { keyId: keyIdOf(marker.encryption.recipient), unlock: () => Promise.resolve(key) },
  });
  await repo.open();
  return repo;
}

/** What the key commands need besides the config: the key cache and each destination's secret. */
export interface KeyContext {
  config: Config;
  keys: KeyCache;
  secretOf: (destination: string) => Secret | undefined;
  /** scrypt work factor of a new passphrase file (default age's 18). */
  scryptWorkFactor?: number;
}

/** Runs `fn` on a configured encrypted destination's repository (unwrapped), closing it after. */
async function onEncrypted<T>(
  ctx: KeyContext,
  name: string,
  fn: (repo: Repository, keyId: string) => Promise<T>,
): Promise<T> {
  const d = ctx.config.destinations.find((x) => x.name === name);
  if (!d) throw new ConfigError(`No destination named "${name}".`);
  if (!d.encryption) throw new ConfigError(`${name} is not encrypted: it has no key or passphrase.`);
  const repo = new Repository(
    createDestination(d, d.kind !== 'local' && d.credentials === 'stored' ? ctx.secretOf(d.name) : undefined),
    ctx.config.installId,
  );
  try {
    return await fn(repo, d.encryption.keyId);
  } finally {
    await repo.dest.close();
  }
}

/** `keepsake key unlock`: puts an encrypted destination's key back in the cache, with its passphrase. */
export async function unlockDestination(ctx: KeyContext, name: string, passphrase: string): Promise<string> {
  return onEncrypted(ctx, name, async (repo, keyId) => {
    const key = await unlockRepository(repo, passphrase, ctx.keys);
    if (key.keyId !== keyId) {
      await ctx.keys.delete(key.keyId);
      throw new DestinationError(
        'permanent',
        name,
        `the repository's key is ${key.keyId}, but the config expects ${keyId}`,
      );
    }
    return keyId;
  });
}

/** The outcome of rewriting a key file on every destination that shares a key. */
export interface KeyFileUpdate {
  /** Destinations whose key file was replaced (the named one first). */
  updated: string[];
  /** Destinations sharing the key that could not be updated, with the reason. */
  failed: { destination: string; reason: string }[];
}

/**
 * Opens `name`'s keys/passphrase.age with `passphrase` and returns the identity (checked against the
 * config's key id). WrongPassphraseError when the passphrase is wrong; nothing is changed.
 */
async function unlockNamed(ctx: KeyContext, name: string, passphrase: string) {
  return onEncrypted(ctx, name, async (repo, keyId) => {
    const passphraseFile = await repo.readKeyFile(PASSPHRASE_KEY_FILE);
    const identity = await unlockWithPassphrase(passphraseFile, passphrase);
    const recipient = await recipientOf(identity);
    if (keyIdOf(recipient) !== keyId) {
      throw new DestinationError(
        'permanent',
        name,
        `${PASSPHRASE_KEY_FILE} holds key ${keyIdOf(recipient)}, not ${keyId}`,
      );
    }
    return { identity, recipient, keyId, passphraseFile };
  });
}

/**
 * Writes `file` as key file `which` to `name`, then to every other destination using the same key,
 * after checking each repository is encrypted to that key. A failure on `name` is thrown (nothing
 * else is written); failures elsewhere are reported.
 */
async function writeEverywhere(
  ctx: KeyContext,
  name: string,
  keyId: string,
  recipient: string,
  which: string,
  file: Uint8Array,
): Promise<KeyFileUpdate> {
  const result: KeyFileUpdate = { updated: [], failed: [] };
  const sharing = ctx.config.destinations.filter((d) => d.encryption?.keyId === keyId && d.name !== name);
  for (const target of [name, ...sharing.map((d) => d.name)]) {
    try {
      await onEncrypted(ctx, target, async (repo) => {
        const marker = await repo.marker();
        if (marker?.encryption?.recipient !== recipient) {
          throw new DestinationError('permanent', target, 'the repository here is not encrypted to this key');
        }
        await repo.replaceKeyFile(which, file);
      });
      result.updated.push(target);
    } catch (err) {
      if (target === name) throw err;
      result.failed.push({ destination: target, reason: (err as Error).message });
    }
  }
  return result;
}

/**
 * `keepsake key change-passphrase`: re-wraps keys/passphrase.age of `name` (and of the destinations
 * sharing its key) under `newPassphrase`. The key, and so every object, stays the same. A wrong old
 * passphrase is a WrongPassphraseError and nothing is changed.
 */
export async function changeDestinationPassphrase(
  ctx: KeyContext,
  name: string,
  oldPassphrase: string,
  newPassphrase: string,
): Promise<KeyFileUpdate> {
  checkNewPassphrase(newPassphrase);
  const { identity, recipient, keyId, passphraseFile } = await unlockNamed(ctx, name, oldPassphrase);
  const file = await changePassphrase(passphraseFile, oldPassphrase, newPassphrase, {
    ...(ctx.scryptWorkFactor ? { scryptWorkFactor: ctx.scryptWorkFactor } : {}),
  });
  const result = await writeEverywhere(ctx, name, keyId, recipient, PASSPHRASE_KEY_FILE, file);
  const cached = await ctx.keys.get(keyId);
  await ctx.keys.put({ ...(cached ?? { keyId, identity, recipient }), passphraseFile: file });
  return result;
}

/**
 * `keepsake key export-recovery`: a new recovery key for `name`'s repository key, after its passphrase
 * opened keys/passphrase.age; keys/recovery.age is replaced there (and on the destinations sharing the
 * key), so an earlier recovery key stops working. The recovery key is returned once, never stored.
 */
export async function exportDestinationRecovery(
  ctx: KeyContext,
  name: string,
  passphrase: string,
): Promise<KeyFileUpdate & { recoveryKey: string }> {
  const { identity, recipient, keyId } = await unlockNamed(ctx, name, passphrase);
  const { recoveryFile, recoveryKey } = await exportRecovery(identity);
  const result = await writeEverywhere(ctx, name, keyId, recipient, RECOVERY_KEY_FILE, recoveryFile);
  const cached = await ctx.keys.get(keyId);
  await ctx.keys.put({ ...(cached ?? { keyId, identity, recipient }), recoveryFile });
  return { ...result, recoveryKey };
}

export function removeDestination(config: Config, name: string): Config {
  if (!config.destinations.some((d) => d.name === name))
    throw new ConfigError(`No destination named "${name}".`);
  return { ...config, destinations: config.destinations.filter((d) => d.name !== name) };
}

export interface ProbeStep {
  step: 'reach' | 'write' | 'read' | 'verify' | 'delete';
  ok: boolean;
  message: string;
}

/** `destinations test`: writes, reads back, hashes and deletes a probe object, saying which step failed. */
export async function testDestination(dest: DestinationConfig, secret?: Secret): Promise<ProbeStep[]> {
  const d = createDestination(dest, secret);
  const steps: ProbeStep[] = [];
  const key = `keepsake-probe/${randomBytes(8).toString('hex')}`;
  const data = randomBytes(64 * 1024);
  const want = createHash('sha256').update(data).digest('hex');
  const run = async (step: ProbeStep['step'], fn: () => Promise<string>) => {
    try {
      steps.push({ step, ok: true, message: await fn() });
      return true;
    } catch (err) {
      steps.push({ step, ok: false, message: (err as Error).message });
      return false;
    }
  };
  try {
    const reached = await run('reach', async () => (await d.check(), 'reachable'));
    const wrote =
      reached &&
      (await run(
        'write',
        async () => (
          await d.put(key, Readable.from([data]), { size: data.length }),
          `wrote ${data.length} bytes`
        ),
      ));
    const read =
      wrote &&
      (await run('read', async () => {
        const chunks: Buffer[] = [];
        for await (const c of await d.get(key)) chunks.push(c as Buffer);
        const got = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
        if (got !== want) throw new Error('the probe read back differs from what was written');
        return 'read back identical bytes';
      }));
    if (read) {
      await run('verify', async () => {
        const digest = await d.digest(key);
        if (digest.sha256 && digest.sha256 !== want) throw new Error('the stored checksum differs');
        return `stored checksum confirmed (${Object.keys(digest).join(', ')})`;
      });
    }
  } finally {
    if (steps.some((s) => s.step === 'write' && s.ok))
      await run('delete', async () => (await d.remove(key), 'probe removed'));
    await d.close();
  }
  return steps;
}
