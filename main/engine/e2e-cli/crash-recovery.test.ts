import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import { databaseFile, lockFile } from '../config/home.js';
import { runCliJson, startCli, type CliResult, type RunningCli } from '../testing/cli.js';
import { generateWedding } from '../testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { badManifests, badObjects, checkConsistency, hashTree, vaultContents } from '../testing/inspect.js';

const MiB = 1024 * 1024;

/** Files (not folders) directly or deeply under `dir`, counted synchronously for tight polling. */
function countFiles(dir: string, nonEmpty = false): number {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) n += countFiles(full, nonEmpty);
    else if (e.isFile() && (!nonEmpty || statSync(full, { throwIfNoEntry: false })?.size)) n++;
  }
  return n;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Starts `backup --once` and SIGKILLs it as soon as `when` holds (polled every 2 ms). Returns how the
 * process ended; `killed` is false when it finished before the condition was seen.
 */
async function backupKilledWhen(
  h: TestHome,
  when: (pid: number) => boolean,
): Promise<CliResult & { killed: boolean }> {
  const run: RunningCli = await startCli(h.home, ['backup', '--once']);
  let finished = false;
  void run.done.then(() => (finished = true));
  let killed = false;
  while (!finished) {
    if (when(run.child.pid!)) {
      killed = run.child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const result = await run.done;
  return { ...result, killed: killed && result.signal === 'SIGKILL' };
}

/** What must hold at any moment, even right after a kill: nothing half-written under a final name. */
async function expectSoundAfterKill(h: TestHome): Promise<void> {
  for (const root of Object.values(h.vaults)) {
    expect(await badObjects(root)).toEqual([]);
    expect(await badManifests(root)).toEqual([]);
  }
  // Files already marked protected really are on both vaults, right after the kill.
  expect(await checkConsistency(databaseFile(h.home), h.vaults, { allowRunningJobs: true })).toEqual([]);
}

// SIGKILL of the real CLI process at several points of a backup, then `backup --once` again.
// (Child processes are slow on a loaded machine: each test may take a few minutes there.)
describe('crash recovery (SIGKILL during backup --once)', { timeout: 180_000 }, () => {
  let h: TestHome;
  const sources: Record<string, Record<string, string>> = {};
  let distinctObjects = 0;
  const landed: string[] = [];

  beforeAll(async () => {
    // ~40 MB in three weddings; uploads paced at 16 MB/s for both vaults together, so one full run
    // takes a few seconds and each kill point has a window to land in.
    h = await makeTestHome({ bandwidthLimit: 16 * MiB, concurrency: 2 });
    const weddings = ['2026-05-02 Ada & Bo', '2026-06-14 Smith & Jones', '2026-07-20 Cy & Di'];
    for (const [i, name] of weddings.entries()) {
      const dir = await h.wedding(name);
      await generateWedding(dir, {
        seed: 100 + i,
        rawCount: 4,
        jpegCount: 3,
        rawSize: [2 * MiB, 3 * MiB],
        jpegSize: [512 * 1024, 1 * MiB],
        videoSize: i === 0 ? 4 * MiB : 0,
        cameraFixtures: i === 0,
      });
      sources[name] = await hashTree(dir);
    }
    distinctObjects = new Set(Object.values(sources).flatMap((t) => Object.values(t))).size;
  });
  afterAll(async () => {
    console.log(`crash-recovery kill points: ${landed.join(' | ')}`);
    await h.remove();
  });

  it('is killed while the first file is being uploaded: no object is left half-written', async () => {
    // The local destination writes a put to `.tmp/` (then renames it); staging holds finished puts.
    const tmp = join(h.vaults.A!, '.tmp');
    const staging = join(h.vaults.A!, 'staging');
    const r = await backupKilledWhen(h, () => countFiles(tmp, true) > 0 || countFiles(staging) > 0);
    expect(r.killed).toBe(true);
    landed.push(`1: ${countFiles(join(h.vaults.B!, 'objects'))} objects on B`);
    await expectSoundAfterKill(h);
  });

  it('is killed after some objects reached the vaults', async () => {
    const objectsB = join(h.vaults.B!, 'objects');
    const start = countFiles(objectsB);
    const r = await backupKilledWhen(h, () => countFiles(objectsB) >= start + Math.ceil(distinctObjects / 3));
    expect(r.killed).toBe(true);
    const now = countFiles(objectsB);
    landed.push(`2: ${now} of ${distinctObjects} objects on B`);
    expect(now).toBeLessThan(distinctObjects);
    await expectSoundAfterKill(h);
  });

  it('is killed while snapshots are being written', async () => {
    const snapsA = join(h.vaults.A!, 'snapshots');
    const r = await backupKilledWhen(h, () => countFiles(snapsA) > 0);
    // Manifests are small and fast; the kill lands between the first and the last one almost always.
    // Either way the state must be sound, so a run that finished first is accepted but noted.
    landed.push(
      `3: ${r.killed ? 'killed' : `finished first (exit ${r.code})`} with ${countFiles(snapsA)} manifest(s) on A, ${countFiles(join(h.vaults.B!, 'snapshots'))} on B`,
    );
    if (!r.killed) expect(r.code).toBe(0);
    await expectSoundAfterKill(h);
  });

  it('is killed early in a run, once it holds the lock (start-up and scan)', async () => {
    const lock = lockFile(h.home);
    const r = await backupKilledWhen(h, (pid) => readIfExists(lock) === String(pid));
    expect(r.killed).toBe(true);
    await expectSoundAfterKill(h);
  });

  it('backup --once afterwards ends with everything protected, consistent and restorable', async () => {
    const { result, json } = await runCliJson<StatusReport & { run: { bytesRead: number } }>(h.home, [
      'backup',
      '--once',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(json.allProtected).toBe(true);
    expect(json.weddings.map((w) => w.protected)).toEqual(json.weddings.map((w) => w.files));
    expect(json.queue).toEqual({ queued: 0, running: 0, retrying: 0 });

    expect(await checkConsistency(databaseFile(h.home), h.vaults)).toEqual([]);
    for (const root of Object.values(h.vaults)) {
      const v = await vaultContents(root);
      expect(v.objects).toHaveLength(distinctObjects);
      expect(v.staging).toEqual([]);
      expect(await badObjects(root)).toEqual([]);
      expect(await badManifests(root)).toEqual([]);
      // The local destination's own temp files of puts cut by a kill (never under a final name).
      landed.push(`${root.split('/').at(-2)}: ${v.tmp.length} leftover .tmp part file(s)`);
    }

    // Every wedding restores byte-identical from its latest snapshot.
    await withTestEngine(h, async (engine) => {
      for (const w of json.weddings) {
        const target = join(h.root, 'restored', w.wedding!.slug);
        const r = await engine.restore({ wedding: w.wedding!.slug, target });
        expect(r.failed).toEqual([]);
        const name = Object.keys(sources).find((n) => n.endsWith(w.wedding!.couple))!;
        expect(await hashTree(target)).toEqual(sources[name]);
      }
    });

    // And a further run has nothing left to read or send.
    const again = await runCliJson<StatusReport & { run: { bytesRead: number } }>(h.home, [
      'backup',
      '--once',
    ]);
    expect(again.result.code).toBe(0);
    expect(again.json.run.bytesRead).toBe(0);
  });
});
