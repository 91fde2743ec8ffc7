import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../shared/model/snapshot.js';
import type { StatusReport } from '../../shared/model/status.js';
import { databaseFile } from './config/home.js';
import { runCli } from './testing/cli.js';
import { generateWedding } from './testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from './testing/home.js';
import { badObjects, checkConsistency, hashTree, sha256, vaultContents } from './testing/inspect.js';

/** The vault holding the newest manifest of the only wedding (the one a restore reads), and its path. */
async function latestManifest(
  h: TestHome,
): Promise<{ name: string; root: string; key: string; file: string }> {
  let best: { name: string; root: string; key: string; file: string } | undefined;
  for (const [name, root] of Object.entries(h.vaults)) {
    for (const key of (await vaultContents(root)).manifests) {
      if (!best || key.split('/')[2]! > best.key.split('/')[2]!)
        best = { name, root, key, file: join(root, ...key.split('/')) };
    }
  }
  return best!;
}

function objectFile(root: string, hash: string): string {
  return join(root, 'objects', hash.slice(0, 2), hash);
}

describe('a vault tampered with or damaged', { timeout: 180_000 }, () => {
  let h: TestHome;
  let dir: string;
  let report: StatusReport;
  let source: Record<string, string>;
  let slug: string;

  beforeEach(async () => {
    h = await makeTestHome();
    dir = await h.wedding('2026-06-14 Smith & Jones');
    await generateWedding(dir, {
      seed: 77,
      rawCount: 2,
      jpegCount: 2,
      videoSize: 0,
      xmp: false,
      cameraFixtures: false,
    });
    source = await hashTree(dir);
    report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.allProtected).toBe(true);
    slug = report.weddings[0]!.wedding!.slug;
  });
  afterEach(() => h.remove());

  it('a manifest with unsafe paths and a changed hash: restore refuses and reports, verify names the manifest', async () => {
    const m = await latestManifest(h);
    const manifest = JSON.parse(await readFile(m.file, 'utf8')) as Manifest;
    const template = manifest.files.find((f) => f.path === 'RAW/IMG_0001.CR3')!;
    const escapeName = `keepsake-escape-${process.pid}`;
    const absolute = join(h.root, 'absolute-escape');
    const changed = sha256('not the original content');
    manifest.files.push(
      { ...template, path: `../../${escapeName}` },
      { ...template, path: absolute },
      { ...template, path: `JPEG/../../${escapeName}` },
    );
    const victim = manifest.files.find((f) => f.path === 'JPEG/IMG_0001.JPG')!;
    victim.sha256 = changed;
    victim.object = `objects/${changed.slice(0, 2)}/${changed}`;
    await writeFile(m.file, JSON.stringify(manifest, null, 1));

    const target = join(h.root, 'restore', 'here');
    const r = await runCli(h.home, ['restore', '--wedding', slug, '--to', target]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`REFUSED ../../${escapeName}: unsafe path: has an empty, "." or ".." segment`);
    expect(r.stdout).toContain(`REFUSED ${absolute}: unsafe path: is an absolute path`);
    expect(r.stdout).toContain(`REFUSED JPEG/../../${escapeName}: unsafe path`);
    expect(r.stdout).toMatch(/FAILED JPEG\/IMG_0001\.JPG: .*not found/);
    // Nothing was written outside the target, nor under the entry whose hash was changed.
    expect(existsSync(join(target, '..', '..', escapeName))).toBe(false);
    expect(existsSync(join(target, '..', escapeName))).toBe(false);
    expect(existsSync(absolute)).toBe(false);
    const restored = await hashTree(target);
    const { 'JPEG/IMG_0001.JPG': _gone, ...rest } = source;
    expect(restored).toEqual(rest);

    // verify compares every manifest with the SHA-256 recorded when it was written.
    const v = await withTestEngine(h, (e) => e.verify());
    expect(v.tamperedManifests).toEqual([{ destination: m.name, key: m.key }]);
    expect(v.corrupt).toEqual([]);
    const cli = await runCli(h.home, ['verify']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`MANIFEST CHANGED OR MISSING: ${m.key} on ${m.name}`);
  });

  it('a restore folder holding a link: nothing is written through it', async () => {
    const target = join(h.root, 'linked-restore');
    const outside = join(h.root, 'outside');
    await mkdir(target);
    await mkdir(outside);
    await symlink(outside, join(target, 'RAW'));
    const r = await withTestEngine(h, (e) => e.restore({ wedding: slug, target }));
    const raws = Object.keys(source).filter((p) => p.startsWith('RAW/'));
    expect(raws.length).toBe(2);
    expect(r.refused.map((x) => x.path).sort()).toEqual(raws.sort());
    for (const x of r.refused) expect(x.reason).toMatch(/unsafe path: goes through a symbolic link/);
    expect(await readdir(outside)).toEqual([]);
    expect(r.restored).toBe(Object.keys(source).length - raws.length);
  });

  it('a damaged and a missing object: restore reads the good copy; verify detects, re-sends, then is clean', async () => {
    const m = await latestManifest(h);
    const other = Object.keys(h.vaults).find((n) => n !== m.name)!;
    const damagedHash = source['RAW/IMG_0001.CR3']!;
    const missingHash = source['JPEG/IMG_0002.JPG']!;
    // Flip one byte in the middle of the object the restore would read first.
    const f = await open(objectFile(m.root, damagedHash), 'r+');
    const buf = Buffer.alloc(1);
    await f.read(buf, 0, 1, 1000);
    buf[0] = buf[0]! ^ 0xff;
    await f.write(buf, 0, 1, 1000);
    await f.close();
    await unlink(objectFile(h.vaults[other]!, missingHash));

    const target = join(h.root, 'restored-before-repair');
    const r = await withTestEngine(h, (e) => e.restore({ wedding: slug, target }));
    expect(r.failed).toEqual([]);
    expect(await hashTree(target)).toEqual(source);

    const first = await withTestEngine(h, (e) => e.verify());
    expect(first.corrupt).toEqual([{ destination: m.name, hash: damagedHash }]);
    expect(first.missing).toEqual([{ destination: other, hash: missingHash }]);
    expect(first.requeued).toBe(2);
    expect(first.unrepairable).toEqual([]);
    expect(first.tamperedManifests).toEqual([]);
    // Sent again from the originals on this computer.
    expect(await badObjects(m.root)).toEqual([]);
    expect(existsSync(objectFile(m.root, damagedHash))).toBe(true);
    expect(existsSync(objectFile(h.vaults[other]!, missingHash))).toBe(true);
    expect(await checkConsistency(databaseFile(h.home), h.vaults)).toEqual([]);

    const second = await withTestEngine(h, (e) => e.verify());
    const copies = Object.keys(source).length * Object.keys(h.vaults).length;
    expect(second).toMatchObject({ checked: copies, ok: copies, corrupt: [], missing: [], requeued: 0 });
    const cli = await runCli(h.home, ['verify']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`Checked ${copies} stored copies: ${copies} good, 0 missing, 0 damaged.`);
    const status = await withTestEngine(h, (e) => e.status());
    expect(status.allProtected).toBe(true);
  });

  it('a damaged object whose original is gone is reported as unrepairable, naming the good copies', async () => {
    const gone = 'JPEG/IMG_0001.JPG';
    const hash = source[gone]!;
    await rm(join(dir, ...gone.split('/')));
    expect((await withTestEngine(h, (e) => e.backupOnce())).allProtected).toBe(true);
    await writeFile(objectFile(h.vaults.A!, hash), 'overwritten by something else');
    const v = await withTestEngine(h, (e) => e.verify());
    expect(v.corrupt).toEqual([{ destination: 'A', hash }]);
    expect(v.unrepairable).toEqual([{ destination: 'A', hash, otherCopies: ['B'] }]);
    expect(v.requeued).toBe(0);
    // The damaged copy no longer counts: an earlier snapshot still restores it, from B.
    const first = (await vaultContents(h.vaults.A!)).manifests
      .sort()[0]!
      .split('/')[2]!
      .replace(/\.json$/, '');
    const target = join(h.root, 'restored-gone');
    const r = await withTestEngine(h, (e) =>
      e.restore({ wedding: slug, target, snapshot: first, include: [gone] }),
    );
    expect(r.failed).toEqual([]);
    expect(await hashTree(target)).toEqual({ [gone]: hash });
  });
});
