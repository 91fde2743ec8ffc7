import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDestination } from '../../destinations/local/local.js';

/**
 * A backup "drive" for health tests: a LocalDestination over a temporary folder that can really be
 * unplugged (its folder moved away, so every call fails the way a removed drive does) and plugged back.
 */
export async function makeDrive(name = 'drive'): Promise<{
  dest: LocalDestination;
  unplug(): Promise<void>;
  plugIn(): Promise<void>;
  cleanup(): Promise<void>;
}> {
  const base = await mkdtemp(join(tmpdir(), 'keepsake-health-'));
  const root = join(base, 'mount');
  const away = join(base, 'away');
  await mkdir(root);
  return {
    dest: new LocalDestination(name, root),
    unplug: () => rename(root, away),
    plugIn: () => rename(away, root),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}

/** Waits (in real time) until `cond` holds; fails after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets promise callbacks and queued I/O callbacks run, without moving any Clock. */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
