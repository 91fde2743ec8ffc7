import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock } from '../clock.js';
import { loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import type { Config } from '../config/schema.js';
import { Engine, type EngineOptions } from '../engine.js';
import { addDestination } from '../setup/destinations.js';
import { addFolder } from '../setup/folders.js';
import { runCli } from './cli.js';
import { randomBytesFor } from './corpus.js';

/** A throw-away Keepsake setup on disk: a home, a watched weddings folder and local vault folders. */
export interface TestHome {
  /** The temp folder holding everything below. */
  root: string;
  /** The Keepsake home (config, database, lock). */
  home: string;
  /** The watched weddings root: each sub-folder is a wedding. */
  weddings: string;
  /** Vault folder of each destination, by destination name. */
  vaults: Record<string, string>;
  /** A wedding folder under the weddings root (created). */
  wedding(name: string): Promise<string>;
  /** Opens the engine on this home (the usual snapshot delay: `backupOnce` writes them at its end). */
  open(opts?: Partial<EngineOptions>): Engine;
  /** Changes the config file (as `keepsake` would write it). */
  configure(change: (c: Config) => Config): void;
  remove(): Promise<void>;
}

export interface TestHomeOptions {
  /** Destination names, each a local vault folder (default `A` and `B`). */
  destinations?: string[];
  /** Files backed up at once (default 2). */
  concurrency?: number;
  /** Upload limit for all destinations together, bytes per second (default none). */
  bandwidthLimit?: number | null;
  /** Settle time after a change (default 0: tests change files on purpose). */
  stableMs?: number;
  /** Parent of the temp folder (default the OS temp folder). */
  parent?: string;
  /**
   * Whether the vault folders are on the laptop (default false: each stands for an external drive,
   * as its `drive-<name>` folder says, though a temp folder shares the photos' disk); `by-disk`:
   * not configured, decided by the disk as for a user who adds a folder.
   */
  vaultsOnLaptop?: boolean | 'by-disk';
  /** Where the vault folders are made (default inside the temp folder, on the photos' disk). */
  vaultParent?: string;
}

/** Creates a home with a weddings folder and two local vaults, configured as `keepsake` commands would. */
export async function makeTestHome(opts: TestHomeOptions = {}): Promise<TestHome> {
  const root = await mkdtemp(join(opts.parent ?? tmpdir(), 'keepsake-it-'));
  const home = join(root, 'home');
  const weddings = join(root, 'Weddings');
  await mkdir(weddings, { recursive: true });
  const names = opts.destinations ?? ['A', 'B'];
  const vaults: Record<string, string> = {};
  let config = addFolder(newConfig(), weddings, 'weddings');
  for (const name of names) {
    const drive = opts.vaultParent
      ? await mkdtemp(join(opts.vaultParent, `keepsake-drive-${name}-`))
      : join(root, `drive-${name}`);
    await mkdir(drive, { recursive: true });
    vaults[name] = join(drive, 'Keepsake');
    const onLaptop = opts.vaultsOnLaptop ?? false;
    config = await addDestination(
      config,
      {
        name,
        kind: 'local',
        path: vaults[name],
        enabled: true,
        ...(onLaptop === 'by-disk' ? {} : { onLaptop }),
      },
      systemClock,
    );
  }
  config = {
    ...config,
    watch: { stableMs: opts.stableMs ?? 0 },
    transfer: { concurrency: opts.concurrency ?? 2, bandwidthLimit: opts.bandwidthLimit ?? null },
  };
  saveConfig(home, config);
  return {
    root,
    home,
    weddings,
    vaults,
    async wedding(name) {
      const dir = join(weddings, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    open: (o = {}) => Engine.open({ home, ...o }),
    configure(change) {
      saveConfig(home, change(loadConfig(home)!));
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
      if (opts.vaultParent)
        for (const v of Object.values(vaults)) await rm(dirname(v), { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on an engine of `home`, always closing it (and releasing the home's lock). */
export async function withTestEngine<T>(
  h: TestHome,
  fn: (engine: Engine) => Promise<T>,
  opts?: Partial<EngineOptions>,
): Promise<T> {
  const engine = h.open(opts);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * A home with vault `A` and one wedding of one 10 KB photo (its bytes from `seed`), backed up once
 * through the CLI: the starting point of tests of what commands do to an existing setup.
 */
export async function makeBackedUpHome(seed: string): Promise<TestHome> {
  const h = await makeTestHome({ destinations: ['A'] });
  const dir = await h.wedding('2026-06-14 Smith & Jones');
  await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor(seed, 10_000));
  const r = await runCli(h.home, ['backup', '--once']);
  if (r.code !== 0) throw new Error(`the first backup failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return h;
}
