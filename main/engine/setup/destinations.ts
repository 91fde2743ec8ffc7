import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import { isoAt } from '../clock.js';
import { ConfigError } from '../config/config-file.js';
import type { Config, DestinationConfig } from '../config/schema.js';
import type { CredentialStore, Secret } from '../config/credentials.js';
import { createDestination } from '../destinations/factory.js';
import { Repository } from '../repo/repository.js';

/**
 * Adds a destination: checks the name is free, prepares a local folder (its parent must exist, so an
 * unplugged drive is noticed rather than a folder created on the laptop's disk), and creates the
 * repository marker there.
 */
export async function addDestination(
  config: Config,
  dest: DestinationConfig,
  clock: Clock,
  credentials?: { store: CredentialStore; secret: Secret },
): Promise<Config> {
  if (config.destinations.some((d) => d.name === dest.name))
    throw new ConfigError(`A destination named "${dest.name}" exists already.`);
  let cfg = dest;
  if (dest.kind === 'local') {
    const full = resolve(dest.path);
    const inside = (a: string, b: string) => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
    for (const f of config.folders) {
      if (inside(full, f.path) || inside(f.path, full)) {
        throw new ConfigError(
          `${full} overlaps the watched folder ${f.path}: a backup must not watch itself.`,
        );
      }
    }
    // Two destinations in one folder would count one copy as two.
    for (const d of config.destinations) {
      if (d.kind === 'local' && (inside(full, d.path) || inside(d.path, full))) {
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
      mkdirSync(full);
    }
    cfg = { ...dest, path: full };
  }
  if (credentials && cfg.kind !== 'local') cfg = { ...cfg, credentials: 'stored' };
  const repo = new Repository(createDestination(cfg, credentials?.secret), config.installId);
  try {
    await repo.dest.check();
    await repo.init(isoAt(clock.now()));
  } finally {
    await repo.dest.close();
  }
  // Only a destination that answered gets its secret stored.
  if (credentials) credentials.store.set(cfg.name, credentials.secret);
  return { ...config, destinations: [...config.destinations, cfg] };
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
