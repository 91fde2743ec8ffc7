import { rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../shared/model/status.js';
import type { BackupOutcome } from './pipeline/backup-file.js';
import { randomBytesFor } from './testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from './testing/home.js';
import { hashTree, sha256, vaultContents } from './testing/inspect.js';
import { databaseFile } from './config/home.js';
import Database from 'better-sqlite3';

const MiB = 1024 * 1024;

/** One backup run with the outcome of every file job, in order. */
async function backup(h: TestHome, onFile?: (path: string, o: BackupOutcome) => void) {
  return withTestEngine(h, async (engine) => {
    const outcomes: { path: string; kind: string }[] = [];
    engine.on('file', (path, o) => {
      outcomes.push({ path, kind: o.kind });
      onFile?.(path, o);
    });
    const report = await engine.backupOnce();
    return { report, outcomes };
  });
}

async function restoreAll(h: TestHome, report: StatusReport, target: string) {
  return withTestEngine(h, async (engine) => {
    const slug = report.weddings[0]!.wedding!.slug;
    return engine.restore({ wedding: slug, target });
  });
}

/** The manifest paths of the newest snapshot of the only wedding, as stored in vault A. */
async function latestManifestPaths(h: TestHome): Promise<string[]> {
  const v = await vaultContents(h.vaults.A!);
  const latest = v.manifests.sort().at(-1)!;
  const m = JSON.parse(await readFile(join(h.vaults.A!, ...latest.split('/')), 'utf8')) as {
    files: { path: string }[];
  };
  return m.files.map((f) => f.path);
}

describe('bad input in the watched folders', () => {
  let h: TestHome;
  let dir: string;

  beforeEach(async () => {
    h = await makeTestHome();
    dir = await h.wedding('2026-06-14 Smith & Jones');
  });
  afterEach(() => h.remove());

  it('zero-byte files are backed up and restored as empty files', async () => {
    await writeFile(join(dir, 'empty.xmp'), '');
    await mkdir(join(dir, 'RAW'));
    await writeFile(join(dir, 'RAW', 'empty-too.CR3'), '');
    await writeFile(join(dir, 'RAW', 'IMG_0001.CR3'), randomBytesFor('raw', 300_000));
    const { report } = await backup(h);
    expect(report.allProtected).toBe(true);
    expect(report.weddings[0]!.protected).toBe(3);
    const empty = sha256('');
    for (const root of Object.values(h.vaults)) {
      expect((await vaultContents(root)).objects).toContain(`objects/${empty.slice(0, 2)}/${empty}`);
    }
    const target = join(h.root, 'restored');
    const r = await restoreAll(h, report, target);
    expect(r.failed).toEqual([]);
    expect(await hashTree(target)).toEqual(await hashTree(dir));
    expect((await stat(join(target, 'RAW', 'empty-too.CR3'))).size).toBe(0);
  });

  it('symbolic links and link loops are skipped and listed with the reason, never followed', async () => {
    await writeFile(join(dir, 'IMG_0001.JPG'), randomBytesFor('jpg', 200_000));
    await symlink('IMG_0001.JPG', join(dir, 'link-to-file.JPG'));
    await symlink('..', join(dir, 'link-to-parent'));
    await symlink('loop-b', join(dir, 'loop-a'));
    await symlink('loop-a', join(dir, 'loop-b'));
    await symlink('self', join(dir, 'self'));
    await symlink('/nonexistent/target.CR3', join(dir, 'dangling.CR3'));
    const links = ['link-to-file.JPG', 'link-to-parent', 'loop-a', 'loop-b', 'self', 'dangling.CR3'];

    const { report } = await backup(h);
    const w = report.weddings[0]!;
    expect(w.files).toBe(1 + links.length);
    expect(w.skipped).toBe(links.length);
    expect(w.protected).toBe(1);
    expect(report.allProtected).toBe(true);
    const listed = report.problems.filter((p) => p.state === 'skipped');
    expect(listed.map((p) => p.path).sort()).toEqual(links.map((l) => join(dir, l)).sort());
    for (const p of listed) expect(p.error).toMatch(/symbolic link: not followed/);
    // Only the real file is in the snapshot; links were not followed into the parent folder.
    expect(await latestManifestPaths(h)).toEqual(['IMG_0001.JPG']);
    for (const root of Object.values(h.vaults)) expect((await vaultContents(root)).objects).toHaveLength(1);
  });

  it('NFC and NFD spellings of a name are two files, both restored with the same bytes in the name', async () => {
    const nfc = 'Caf\u00e9 Ren\u00e9e.JPG';
    const nfd = nfc.normalize('NFD');
    expect(Buffer.from(nfc)).not.toEqual(Buffer.from(nfd));
    await writeFile(join(dir, nfc), randomBytesFor('nfc', 100_000));
    await writeFile(join(dir, nfd), randomBytesFor('nfd', 100_001));
    const { report } = await backup(h);
    expect(report.allProtected).toBe(true);
    expect(report.weddings[0]!.protected).toBe(2);
    expect((await latestManifestPaths(h)).sort()).toEqual([nfc, nfd].sort());

    const target = join(h.root, 'restored');
    const r = await restoreAll(h, report, target);
    expect(r.restored).toBe(2);
    const names = (await readdir(target, { encoding: 'buffer' })).map((b) => b.toString('hex')).sort();
    expect(names).toEqual([Buffer.from(nfc).toString('hex'), Buffer.from(nfd).toString('hex')].sort());
    expect(await hashTree(target)).toEqual(await hashTree(dir));
  });

  it('a name that is not valid UTF-8 is reported on every run, never mangled, and backed up once renamed', async () => {
    await writeFile(join(dir, 'good.JPG'), randomBytesFor('good', 50_000));
    const badName = Buffer.concat([Buffer.from('IMG_'), Buffer.from([0xff, 0xfe]), Buffer.from('.JPG')]);
    const badPath = Buffer.concat([Buffer.from(dir + '/'), badName]);
    const content = randomBytesFor('bad name', 70_000);
    writeFileSync(badPath, content);

    for (let run = 1; run <= 2; run++) {
      const { report } = await backup(h);
      expect(report.allProtected, `run ${run}`).toBe(false);
      const problem = report.problems.find((p) => /not valid UTF-8/.test(p.error));
      expect(problem, `run ${run}: ${JSON.stringify(report.problems)}`).toBeDefined();
      expect(problem!.path).toBe(`${dir}/IMG_\uFFFD\uFFFD.JPG`);
      expect(problem!.state).toBe('failed');
      // The file on disk is untouched and nothing was stored under a mangled name.
      expect(await readFile(badPath)).toEqual(content);
      expect(await latestManifestPaths(h)).toEqual(['good.JPG']);
    }
    await rename(badPath, join(dir, 'renamed.JPG'));
    const { report } = await backup(h);
    expect(report.allProtected).toBe(true);
    expect(report.problems).toEqual([]);
    expect((await latestManifestPaths(h)).sort()).toEqual(['good.JPG', 'renamed.JPG']);
  });

  it('very long paths (near PATH_MAX, names of 255 bytes) are backed up and restored', async () => {
    // Folders of 200-byte names down to a path of about 3,900 bytes, then a file with a 255-byte name.
    let deep = dir;
    while (deep.length < 3_600) deep = join(deep, 'd'.repeat(200));
    await mkdir(deep, { recursive: true });
    const longName = `${'n'.repeat(251)}.CR3`;
    expect(Buffer.byteLength(longName)).toBe(255);
    const file = join(deep, longName);
    expect(file.length).toBeGreaterThan(3_800);
    expect(file.length).toBeLessThan(4_096);
    await writeFile(file, randomBytesFor('long', 120_000));
    // And a 255-byte name near the top, with multi-byte characters.
    const wide = `${'\u00e9'.repeat(125)}.JPG`;
    expect(Buffer.byteLength(wide)).toBe(254);
    await writeFile(join(dir, wide), randomBytesFor('wide', 1234));

    const { report } = await backup(h);
    expect(report.problems).toEqual([]);
    expect(report.allProtected).toBe(true);
    expect(report.weddings[0]!.protected).toBe(2);
    // Restore under a root no longer than the wedding folder, so the restored paths fit too.
    const target = join(h.root, 'r');
    expect(target.length).toBeLessThanOrEqual(dir.length);
    const r = await restoreAll(h, report, target);
    expect(r.failed).toEqual([]);
    expect(r.restored).toBe(2);
    expect(await hashTree(target)).toEqual(await hashTree(dir));
  });

  it('a file that vanishes between the scan and its upload is marked deleted; the rest is protected', async () => {
    for (const n of [1, 2, 3, 4])
      await writeFile(join(dir, `IMG_000${n}.JPG`), randomBytesFor(`v${n}`, 100_000 + n));
    h.configure((c) => ({ ...c, transfer: { ...c.transfer, concurrency: 1 } }));
    let first: string | undefined;
    const { report, outcomes } = await backup(h, (path) => {
      if (first) return;
      first = path;
      // Once the first file is done, two of the others disappear before their turn.
      // (Synchronously, inside the event, so before the next job is claimed.)
      const others = [1, 2, 3, 4].map((x) => join(dir, `IMG_000${x}.JPG`)).filter((p) => p !== path);
      for (const p of others.slice(0, 2)) rmSync(p);
    });
    const vanished = outcomes.filter((o) => o.kind === 'vanished').map((o) => o.path);
    expect(vanished).toHaveLength(2);
    expect(outcomes.filter((o) => o.kind === 'protected')).toHaveLength(2);
    expect(report.allProtected).toBe(true);
    expect(report.weddings[0]!.files).toBe(2);
    const db = new Database(databaseFile(h.home), { readonly: true });
    try {
      for (const p of vanished) {
        expect((db.prepare(`SELECT state FROM files WHERE path = ?`).get(p) as { state: string }).state).toBe(
          'deleted',
        );
      }
    } finally {
      db.close();
    }
    for (const root of Object.values(h.vaults)) {
      const v = await vaultContents(root);
      expect(v.objects).toHaveLength(2);
      expect(v.staging).toEqual([]);
    }
    expect((await latestManifestPaths(h)).length).toBe(2);
  });

  it('a file deleted while it is being read is not recorded, and nothing of it stays in the vaults', async () => {
    h.configure((c) => ({ ...c, transfer: { concurrency: 1, bandwidthLimit: 8 * MiB } }));
    const keep = join(dir, 'keep.JPG');
    await writeFile(keep, randomBytesFor('keep', 100_000));
    const { report: first } = await backup(h);
    expect(first.allProtected).toBe(true);
    const doomed = join(dir, 'doomed.CR3');
    const data = randomBytesFor('doomed', 4 * MiB);
    await writeFile(doomed, data);
    const { report, outcomes } = await withTestEngine(h, async (engine) => {
      const seen: { path: string; kind: string }[] = [];
      let deleting: Promise<void> | undefined;
      engine.on('read', () => (deleting ??= unlink(doomed)));
      engine.on('file', (path, o) => seen.push({ path, kind: o.kind }));
      const r = await engine.backupOnce();
      await deleting;
      return { report: r, outcomes: seen };
    });
    expect(outcomes).toEqual([{ path: doomed, kind: 'vanished' }]);
    expect(report.allProtected).toBe(true);
    for (const root of Object.values(h.vaults)) {
      const v = await vaultContents(root);
      expect(v.objects).not.toContain(`objects/${sha256(data).slice(0, 2)}/${sha256(data)}`);
      expect(v.objects).toHaveLength(1);
      expect(v.staging).toEqual([]);
    }
  });
});
