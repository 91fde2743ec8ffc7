import { chmod, readdir, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import { runCli, runCliJson, startCli } from '../testing/cli.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { hashTree, listFiles } from '../testing/inspect.js';
import { until } from '../testing/until.js';

// "Protected" is what a photographer relies on after a stolen laptop: each case below said protected
// (or exited 0) on f6d46b4 while the files could not have been restored from anywhere else.

let h: TestHome | undefined;
afterEach(async () => {
  await h?.remove();
  h = undefined;
});

async function weddingWithPhotos(home: TestHome, n = 3): Promise<string> {
  const dir = await home.wedding('2026-06-14 Smith & Jones');
  for (let i = 1; i <= n; i++)
    await writeFile(join(dir, `IMG_000${i}.CR3`), randomBytesFor(`photo ${i}`, 40_000 + i));
  return dir;
}

/**
 * A home whose wedding has three photos and a video that takes about ten seconds to upload under
 * its bandwidth limit: the photos are copied while the card is still being backed up.
 */
async function cardStillUploading(): Promise<TestHome> {
  const home = await makeTestHome({ destinations: ['A'], bandwidthLimit: 250_000, concurrency: 2 });
  const dir = await weddingWithPhotos(home);
  await writeFile(join(dir, 'MVI_0004.MP4'), randomBytesFor('video', 2_500_000));
  return home;
}

/** `restore --vault <vault> --wedding <slug> --to <target>` run as a user would; asserts it succeeded. */
async function restoreFromVault(home: TestHome, vault: string, slug: string, target: string) {
  const r = await runCli(home.home, ['restore', '--vault', vault, '--wedding', slug, '--to', target]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r;
}

const manifestsIn = async (vault: string) =>
  (await listFiles(join(vault, 'snapshots')).catch(() => [])).filter((f) => f.endsWith('.json'));

describe('protected means restorable from somewhere other than the laptop', { timeout: 180_000 }, () => {
  it('a copy stored before its manifest is not protected; kill -9 then start-up writes the manifest first', async () => {
    h = await cardStillUploading();
    // While the video uploads, `run` holds the photos' snapshot back (up to 30 s): the window the
    // issue measured, which a card dump in progress always has.
    const agent = await startCli(h.home, ['run']);
    await until(
      async () => (await listFiles(join(h!.vaults.A!, 'objects')).catch(() => [])).length >= 3,
      'objects',
    );
    const { json } = await runCliJson<StatusReport>(h.home, ['status']);
    expect(await manifestsIn(h.vaults.A!)).toEqual([]);
    expect(json.allProtected).toBe(false);
    const w = json.weddings[0]!;
    expect(w.protected).toBe(0);
    expect(w.awaitingManifest).toBe(3);
    agent.child.kill('SIGKILL');
    await agent.done;

    // The next start writes the missing manifest before anything else; then it restores by name.
    const again = await runCli(h.home, ['backup', '--once']);
    expect(again.code).toBe(0);
    expect((await manifestsIn(h.vaults.A!)).length).toBeGreaterThanOrEqual(1);
    const restored = join(h.root, 'restored');
    await restoreFromVault(h, h.vaults.A!, w.wedding!.slug, restored);
    expect(await readdir(restored)).toHaveLength(4);
  });

  it('a clean stop (Ctrl-C) writes the pending manifests before it exits', async () => {
    h = await cardStillUploading();
    const dir = join(h.weddings, '2026-06-14 Smith & Jones');
    const agent = await startCli(h.home, ['run']);
    await until(
      async () => (await listFiles(join(h!.vaults.A!, 'objects')).catch(() => [])).length >= 3,
      'objects',
    );
    expect(await manifestsIn(h.vaults.A!)).toEqual([]);
    agent.child.kill('SIGINT');
    const end = await agent.done;
    expect(end.code).toBe(0);
    expect(await manifestsIn(h.vaults.A!)).toHaveLength(1);
    const restored = join(h.root, 'restored');
    await restoreFromVault(h, h.vaults.A!, '2026-06-14-smith-jones', restored);
    // The photos that were copied are named by the manifest (the video too if it finished first).
    const original = await hashTree(dir);
    const back = await hashTree(restored);
    expect(Object.keys(back).filter((f) => f.startsWith('IMG_'))).toHaveLength(3);
    for (const [f, hash] of Object.entries(back)) expect(hash, f).toBe(original[f]);
  });

  it("a vault on the laptop's own disk is one copy on the laptop, not protection (exit 1, said in words)", async () => {
    h = await makeTestHome({ destinations: ['Vault'], vaultsOnLaptop: 'by-disk' });
    await weddingWithPhotos(h, 4);
    const r = await runCli(h.home, ['backup', '--once']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "4 files have 1 copy, on this laptop's disk: not yet safe from a lost or broken laptop",
    );
    expect(r.stdout).toContain('Not every file is protected yet.');
    const { json } = await runCliJson<StatusReport>(h.home, ['status']);
    expect(json.allProtected).toBe(false);
    expect(json.weddings[0]).toMatchObject({ files: 4, protected: 0, laptopOnly: 4, belowTarget: 4 });
    expect(json.weddings[0]!.restorable).toEqual({ Vault: 4 });
  });

  it('two destinations on the same disk as the photos are still only on the laptop', async () => {
    h = await makeTestHome({ destinations: ['A', 'B'], vaultsOnLaptop: 'by-disk' });
    await weddingWithPhotos(h);
    const { result, json } = await runCliJson<StatusReport>(h.home, ['backup', '--once']);
    expect(result.code).toBe(1);
    expect(json.weddings[0]).toMatchObject({ protected: 0, laptopOnly: 3 });
    expect(json.destinations.map((d) => d.onLaptop)).toEqual([true, true]);
  });

  it('a folder on another disk counts as off the laptop; laptopCounts makes the rule explicit', async () => {
    // /dev/shm is a separate file system (tmpfs) from the temp folder here and on CI.
    expect((await stat('/dev/shm')).dev).not.toBe((await stat(tmpdir())).dev);
    h = await makeTestHome({ destinations: ['Drive'], vaultsOnLaptop: 'by-disk', vaultParent: '/dev/shm' });
    await weddingWithPhotos(h);
    const { result, json } = await runCliJson<StatusReport>(h.home, ['backup', '--once']);
    expect(result.code).toBe(0);
    expect(json.weddings[0]).toMatchObject({ protected: 3, laptopOnly: 0 });
    expect(json.destinations[0]!.onLaptop).toBe(false);
    await h.remove();

    h = await makeTestHome({ destinations: ['Vault'], vaultsOnLaptop: 'by-disk' });
    h.configure((c) => ({ ...c, protection: { ...c.protection, laptopCounts: true } }));
    await weddingWithPhotos(h);
    const counted = await runCli(h.home, ['backup', '--once']);
    expect(counted.code).toBe(0);
    expect(counted.stdout).toContain('copies on this laptop count: protection.laptopCounts is true');
  });
});

describe('a watched folder that cannot be read is a failure', { timeout: 120_000 }, () => {
  it('moved away: backup --once exits 1 and status shows it unavailable', async () => {
    h = await makeTestHome();
    await weddingWithPhotos(h);
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);
    await rename(h.weddings, `${h.weddings}-moved`);
    const r = await runCli(h.home, ['backup', '--once']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`The watched folder ${h.weddings} is missing`);
    expect(r.stdout).not.toContain('All files are protected');
    const { json } = await runCliJson<StatusReport>(h.home, ['status']);
    expect(json.allProtected).toBe(false);
    expect(json.folders).toEqual([
      expect.objectContaining({
        path: h.weddings,
        available: false,
        problem: expect.stringContaining('missing'),
      }),
    ]);
  });

  it('unreadable (chmod 000, as an unprivileged user): exit 1 with the reason', async () => {
    h = await makeTestHome();
    await chmod(h.weddings, 0o000);
    try {
      const r = await runCli(h.home, ['backup', '--once'], { unprivileged: true });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`The watched folder ${h.weddings} cannot be read (permission denied)`);
      expect(r.stdout).not.toContain('All files are protected');
    } finally {
      await chmod(h.weddings, 0o755);
    }
  });
});

describe('a damaged manifest on one destination', { timeout: 120_000 }, () => {
  it('restore falls back to the other manifests; verify writes it again; not protected there meanwhile', async () => {
    h = await makeTestHome();
    const dir = await weddingWithPhotos(h);
    expect((await runCli(h.home, ['backup', '--once'])).code).toBe(0);
    const [manifest] = await manifestsIn(h.vaults.A!);
    await truncate(join(h.vaults.A!, 'snapshots', manifest!), 40);

    const restored = join(h.root, 'restored');
    const r = await runCli(h.home, [
      'restore',
      '--wedding',
      '2026-06-14-smith-jones',
      '--from',
      'A',
      '--to',
      restored,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`is damaged`);
    expect(await hashTree(restored)).toEqual(await hashTree(dir));

    await withTestEngine(h, async (engine) => {
      const v = await engine.verify();
      expect(v.tamperedManifests).toHaveLength(1);
      expect(v.rewrittenManifests).toHaveLength(1);
      const s = await engine.status();
      expect(s.weddings[0]!.restorable).toEqual({ A: 3, B: 3 });
      expect(s.allProtected).toBe(true);
    });
    const again = join(h.root, 'from-A');
    await restoreFromVault(h, h.vaults.A!, '2026-06-14-smith-jones', again);
    expect(await hashTree(again)).toEqual(await hashTree(dir));
  });
});
