import type { SettingsUpdate } from '../../../shared/api/contract.js';
import type { Clock } from '../clock.js';
import { ConfigError } from '../config/config-file.js';
import { CredentialStore, type Secret } from '../config/credentials.js';
import type { KeyCache } from '../config/key-cache.js';
import type { Config, DestinationConfig, FolderConfig } from '../config/schema.js';
import { addDestination, removeDestination, type EncryptionSetup } from '../setup/destinations.js';
import { addFolder, removeFolder } from '../setup/folders.js';
import type { ConfigChange } from './engine-host.js';

/**
 * The config changes the window can make, as EngineHost.reconfigure takes them. Each reuses the setup
 * function the CLI command uses (`folders add`, `destinations add`, ...), so the checks are the same.
 */

/** `folders add`: a watched folder (it must exist and not overlap a destination or another folder). */
export function addFolderChange(path: string, kind: FolderConfig['kind']) {
  return (config: Config): ConfigChange<void> => ({
    config: addFolder(config, path, kind),
    result: undefined,
  });
}

/** `folders remove`: stops watching a folder; what was backed up stays where it is. */
export function removeFolderChange(path: string) {
  return (config: Config): ConfigChange<void> => ({ config: removeFolder(config, path), result: undefined });
}

/** A destination to add, as checked from what the user typed. */
export interface DestinationToAdd {
  config: DestinationConfig;
  /** Credentials to keep in the home's credential store (never in the config). */
  secret?: Secret;
  /** Encrypt its repository (the default for clouds). */
  encrypt: boolean;
  /** The passphrase of a new repository key, or of the encrypted repository found there. */
  passphrase?: string;
  /**
   * A connection test run once the destination is set up, before the config is saved (write, read
   * back, verify, delete a probe); it throws to refuse the destination.
   */
  test?: (dest: DestinationConfig, secret: Secret | undefined) => Promise<void>;
}

/** Where the keys of encrypted destinations are kept and how hard a new passphrase file is to guess. */
export interface KeySetup {
  home: string;
  clock: Clock;
  keys: KeyCache;
  /** scrypt work factor of a new passphrase file (default age's 18; tests lower it). */
  scryptWorkFactor?: number;
  /**
   * Where a new destination's credentials are kept when not in the home's credentials.json: the
   * desktop shell's keychain vault, so they are never written to a plain file there.
   */
  vault?: CredentialVault;
}

/** A credential keeper written to asynchronously (the shell's keychain over the engine's port). */
export interface CredentialVault {
  set(name: string, secret: Secret): Promise<void>;
  delete(name: string): Promise<void>;
}

/** What adding a destination gives back: its config, and a new key's recovery key (shown once). */
export interface DestinationAdded {
  added: DestinationConfig;
  recoveryKey?: string;
}

/**
 * `destinations add`: the name must be free, a local folder is created when its parent exists, the
 * destination must answer, and its repository marker is written (encrypted with the installation's
 * key, or a new key under `passphrase` with a recovery key); then `test` runs. A secret is stored only
 * once the destination answered, and forgotten again if the change is not applied.
 */
export function addDestinationChange(d: DestinationToAdd, setup: KeySetup) {
  return async (config: Config): Promise<ConfigChange<DestinationAdded>> => {
    // Under the shell the secret is only held here until the destination answered, then goes to the
    // keychain; headless it goes to the owner-only credentials.json as the CLI does.
    const vault = setup.vault;
    const file = vault ? undefined : new CredentialStore(setup.home);
    let held: Secret | undefined;
    const credentials = file ?? { set: (_name: string, secret: Secret) => void (held = secret) };
    let recoveryKey: string | undefined;
    const encryption: EncryptionSetup | undefined = d.encrypt
      ? {
          keys: setup.keys,
          passphrase: (purpose) => {
            if (d.passphrase) return Promise.resolve(d.passphrase);
            throw new ConfigError(
              purpose === 'new'
                ? `passphrase: choose one to encrypt ${d.config.name} (without it, or the recovery key, nobody can read these backups)`
                : `passphrase: ${d.config.name} already holds an encrypted Keepsake repository; give its passphrase to add it`,
            );
          },
          onRecoveryKey: (key) => (recoveryKey = key),
          ...(setup.scryptWorkFactor ? { scryptWorkFactor: setup.scryptWorkFactor } : {}),
        }
      : undefined;
    const next = await addDestination(
      config,
      d.config,
      setup.clock,
      d.secret ? { store: credentials, secret: d.secret } : undefined,
      encryption,
    );
    const added = next.destinations.at(-1)!;
    if (vault && held) await vault.set(added.name, held);
    const forget = () => (vault ? vault.delete(added.name) : file!.delete(added.name));
    try {
      await d.test?.(added, d.secret);
    } catch (err) {
      if (d.secret) await forget();
      throw err;
    }
    return {
      config: next,
      result: { added, ...(recoveryKey ? { recoveryKey } : {}) },
      ...(d.secret ? { rollback: forget } : {}),
    };
  };
}

/** Turns a destination on or off, or sets its region tags (an empty list removes them). */
export function updateDestinationChange(update: { name: string; enabled?: boolean; regionTags?: string[] }) {
  return (config: Config): ConfigChange<DestinationConfig> => {
    const found = config.destinations.find((d) => d.name === update.name);
    if (!found) throw new ConfigError(`No destination named "${update.name}".`);
    const { tags: _old, ...rest } = found;
    const tags = update.regionTags ?? found.tags ?? [];
    const changed = {
      ...rest,
      ...(update.enabled === undefined ? {} : { enabled: update.enabled }),
      ...(tags.length > 0 ? { tags } : {}),
    } as DestinationConfig;
    return {
      config: { ...config, destinations: config.destinations.map((d) => (d === found ? changed : d)) },
      result: changed,
    };
  };
}

/** `destinations remove`: stops backing up there (nothing stored is deleted); its stored secret goes. */
export function removeDestinationChange(home: string, name: string, vault?: CredentialVault) {
  return (config: Config): ConfigChange<void> => ({
    config: removeDestination(config, name),
    result: undefined,
    commit: () => (vault ? vault.delete(name) : new CredentialStore(home).delete(name)),
  });
}

/** The engine's credentials when they can also be written (the shell's keychain), else undefined. */
export function credentialVaultOf(credentials: unknown): CredentialVault | undefined {
  const c = credentials as Partial<CredentialVault> | undefined;
  return typeof c?.set === 'function' && typeof c.delete === 'function' ? (c as CredentialVault) : undefined;
}

/** The settings a person changes from the window, laid over the config (the schema checks them after). */
export function settingsChange(update: SettingsUpdate) {
  return (config: Config): ConfigChange<void> => {
    const p = update.policies ?? {};
    const policies = {
      critical: { ...config.policies.critical, ...p.critical },
      standard: { ...config.policies.standard, ...p.standard },
      archive: { ...config.policies.archive, ...p.archive },
    };
    return {
      config: {
        ...config,
        ...(update.protection ? { protection: { ...config.protection, ...update.protection } } : {}),
        transfer: {
          ...config.transfer,
          ...update.transfer,
          ...(update.bandwidthSchedule ? { bandwidthSchedule: update.bandwidthSchedule } : {}),
        },
        policies,
      },
      result: undefined,
    };
  };
}
