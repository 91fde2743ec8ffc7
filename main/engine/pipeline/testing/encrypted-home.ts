import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../clock.js';
import { loadConfig, newConfig, saveConfig } from '../../config/config-file.js';
import { FileKeyCache } from '../../config/key-cache.js';
import type { Config } from '../../config/schema.js';
import { Engine, type EngineOptions } from '../../engine.js';
import { addDestination, type EncryptionSetup } from '../../setup/destinations.js';
import { addFolder } from '../../setup/folders.js';

/** The passphrase of the test repositories. */
export const PASSPHRASE = 'correct horse battery staple';

/** Encryption of a test destination: the home's file key cache, PASSPHRASE, a fast scrypt. */
export function testEncryption(home: string, onRecoveryKey?: (key: string) => void): EncryptionSetup {
  return {
    keys: new FileKeyCache(home),
    passphrase: () => Promise.resolve(PASSPHRASE),
    scryptWorkFactor: 10,
    ...(onRecoveryKey ? { onRecoveryKey } : {}),
  };
}

/** A throw-away home with a weddings folder and local vaults, some encrypted (configured as the CLI does). */
export interface EncryptedHome {
  root: string;
  home: string;
  weddings: string;
  vaults: Record<string, string>;
  /** The recovery key made with the first encrypted destination. */
  recoveryKey: string | undefined;
  wedding(name: string): Promise<string>;
  open(opts?: Partial<EngineOptions>): Engine;
  configure(change: (c: Config) => Config): void;
  remove(): Promise<void>;
}

export async function makeEncryptedHome(opts: {
  encrypted: string[];
  plain?: string[];
}): Promise<EncryptedHome> {
  const root = await mkdtemp(join(tmpdir(), 'keepsake-enc-'));
  const home = join(root, 'home');
  const weddings = join(root, 'Weddings');
  await mkdir(weddings, { recursive: true });
  const vaults: Record<string, string> = {};
  let recoveryKey: string | undefined;
  let config = addFolder(newConfig(), weddings, 'weddings');
  for (const name of [...opts.encrypted, ...(opts.plain ?? [])]) {
    vaults[name] = join(root, `drive-${name}`);
    const encrypted = opts.encrypted.includes(name);
    config = await addDestination(
      config,
      { name, kind: 'local', path: vaults[name], enabled: true, onLaptop: false },
      systemClock,
      undefined,
      encrypted ? testEncryption(home, (k) => (recoveryKey = k)) : undefined,
    );
  }
  config = { ...config, watch: { stableMs: 0 } };
  saveConfig(home, config);
  return {
    root,
    home,
    weddings,
    vaults,
    recoveryKey,
    async wedding(name) {
      const dir = join(weddings, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    open: (o = {}) => Engine.open({ home, ...o }),
    configure(change) {
      saveConfig(home, change(loadConfig(home)!));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
