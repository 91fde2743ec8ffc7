import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/cli.js';
import { generateWedding, randomBytesFor, type CorpusFile } from './testing/corpus.js';
import { makeTestHome, withTestEngine, type TestHome } from './testing/home.js';
import { badObjects, hashTree, sha256, vaultContents } from './testing/inspect.js';

// Backup then restore through the Engine with real files, a real database and two real vault folders.
describe('backup and restore', { timeout: 180_000 }, () => {
  let h: TestHome;
  let dir: string;
  let files: CorpusFile[];
  let slug: string;
  let before: Record<string, string>;
  let firstSnapshot: string;

  beforeAll(async () => {
    h = await makeTestHome();
    dir = await h.wedding('2026-06-14 Smith & Jones');
    files = await generateWedding(dir, { seed: 11 });
    before = await hashTree(dir);
  });
  afterAll(() => h.remove());

  it('backs up a whole wedding to both vaults, each distinct content once', async () => {
    const report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.allProtected).toBe(true);
    expect(report.weddings).toHaveLength(1);
    const w = report.weddings[0]!;
    slug = w.wedding!.slug;
    expect(slug).toBe('2026-06-14-smith-jones');
    expect(w.files).toBe(files.length);
    expect(w.protected).toBe(files.length);
    expect(w.copies).toEqual({ A: files.length, B: files.length });
    const distinct = new Set(Object.values(before));
    for (const root of Object.values(h.vaults)) {
      const v = await vaultContents(root);
      expect(v.objects.map((k) => k.split('/')[2]).sort()).toEqual([...distinct].sort());
      expect(v.manifests).toHaveLength(1);
      expect(v.staging).toEqual([]);
      expect(await badObjects(root)).toEqual([]);
    }
  });

  it('restores the whole wedding byte-identical, with the files’ modification times', async () => {
    const target = join(h.root, 'restore-all');
    const progress: { done: number; total: number }[] = [];
    const r = await withTestEngine(h, (e) => {
      e.on('restore', (p) => progress.push(p));
      return e.restore({ wedding: slug, target });
    });
    firstSnapshot = r.snapshot.id;
    // One progress event per file, for the UI's live progress and ETA.
    expect(progress.map((p) => p.done)).toEqual(files.map((_, i) => i + 1));
    expect(progress.every((p) => p.total === files.length)).toBe(true);
    expect(r.failed).toEqual([]);
    expect(r.refused).toEqual([]);
    expect(r.restored).toBe(files.length);
    expect(r.bytes).toBe(files.reduce((n, f) => n + f.size, 0));
    expect(await hashTree(target)).toEqual(before);
    for (const f of files) {
      const [src, got] = await Promise.all([stat(f.path), stat(join(target, ...f.relPath.split('/')))]);
      // Manifests keep whole milliseconds (the source's sub-millisecond part is dropped) and utimes(2)
      // takes seconds as a double, so the two roundings together can reach just over 1 ms.
      expect(Math.abs(got.mtimeMs - src.mtimeMs)).toBeLessThan(2);
    }
  });

  it('restores a glob subset, and a folder by name, and nothing else', async () => {
    const raws = join(h.root, 'restore-raws');
    const r1 = await withTestEngine(h, (e) =>
      e.restore({ wedding: slug, target: raws, include: ['RAW/*.CR3'] }),
    );
    const wantRaws = Object.fromEntries(Object.entries(before).filter(([p]) => /^RAW\/.*\.CR3$/.test(p)));
    expect(Object.keys(wantRaws)).toHaveLength(3);
    expect(r1.restored).toBe(3);
    expect(await hashTree(raws)).toEqual(wantRaws);

    const mixed = join(h.root, 'restore-mixed');
    await withTestEngine(h, (e) =>
      e.restore({ wedding: slug, target: mixed, include: ['JPEG', '**/*.xmp'] }),
    );
    const wantMixed = Object.fromEntries(
      Object.entries(before).filter(([p]) => p.startsWith('JPEG/') || p.endsWith('.xmp')),
    );
    expect(Object.keys(wantMixed).length).toBe(3 + 3 + 2); // JPEGs, sidecars, the two XMP fixtures
    expect(await hashTree(mixed)).toEqual(wantMixed);
  });

  it('keeps files that exist in the target unless asked to overwrite', async () => {
    const target = join(h.root, 'restore-existing');
    await withTestEngine(h, (e) => e.restore({ wedding: slug, target, include: ['VIDEO/**'] }));
    const video = join(target, 'VIDEO', 'MVI_0001.MP4');
    await writeFile(video, 'edited by hand');
    const kept = await withTestEngine(h, (e) => e.restore({ wedding: slug, target, include: ['VIDEO/**'] }));
    expect(kept.existing).toEqual(['VIDEO/MVI_0001.MP4']);
    expect(kept.restored).toBe(0);
    expect((await hashTree(target))['VIDEO/MVI_0001.MP4']).toBe(sha256('edited by hand'));
    const replaced = await withTestEngine(h, (e) =>
      e.restore({ wedding: slug, target, include: ['VIDEO/**'], overwrite: true }),
    );
    expect(replaced.restored).toBe(1);
    expect((await hashTree(target))['VIDEO/MVI_0001.MP4']).toBe(before['VIDEO/MVI_0001.MP4']);
  });

  it('restores an earlier snapshot after files changed (point in time), and the latest one', async () => {
    // Change one RAW in place, add a JPEG, delete another JPEG; then back up again.
    const changed = files.find((f) => f.relPath === 'RAW/IMG_0002.CR3')!;
    await writeFile(changed.path, randomBytesFor('edited raw', 1_500_000));
    await writeFile(join(dir, 'JPEG', 'IMG_0099.JPG'), randomBytesFor('new jpeg', 700_000));
    await rm(join(dir, 'JPEG', 'IMG_0001.JPG'));
    const after = await hashTree(dir);
    expect(after['RAW/IMG_0002.CR3']).not.toBe(before['RAW/IMG_0002.CR3']);

    const report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.allProtected).toBe(true);
    for (const root of Object.values(h.vaults)) expect((await vaultContents(root)).manifests).toHaveLength(2);

    const old = join(h.root, 'restore-old');
    const r1 = await withTestEngine(h, (e) =>
      e.restore({ wedding: slug, target: old, snapshot: firstSnapshot }),
    );
    expect(r1.snapshot.id).toBe(firstSnapshot);
    expect(await hashTree(old)).toEqual(before);

    const latest = join(h.root, 'restore-latest');
    const r2 = await withTestEngine(h, (e) => e.restore({ wedding: slug, target: latest }));
    expect(r2.snapshot.id > firstSnapshot).toBe(true);
    expect(await hashTree(latest)).toEqual(after);
  });

  it('restores through the CLI, from the configured destinations and straight from a vault folder', async () => {
    const viaHome = join(h.root, 'cli-restore');
    const r1 = await runCli(h.home, [
      'restore',
      '--wedding',
      slug,
      '--to',
      viaHome,
      '--snapshot',
      firstSnapshot,
    ]);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/Restored \d+ file\(s\).*every file verified/);
    expect(await hashTree(viaHome)).toEqual(before);

    // A new computer: no config, only the drive.
    const viaVault = join(h.root, 'cli-restore-vault');
    const r2 = await runCli(join(h.root, 'no-home'), [
      'restore',
      '--wedding',
      slug,
      '--to',
      viaVault,
      '--vault',
      h.vaults.B!,
      '--path',
      'RAW/**',
    ]);
    expect(r2.code).toBe(0);
    const latest = await hashTree(dir);
    expect(await hashTree(viaVault)).toEqual(
      Object.fromEntries(Object.entries(latest).filter(([p]) => p.startsWith('RAW/'))),
    );
  });
});

// Two cards given to one wedding both hold IMG_0001.JPG: both must be in the snapshot and restorable.
describe('a wedding made of several card folders with the same file names', () => {
  let h: TestHome;
  afterAll(() => h.remove());

  it('keeps every file in the snapshot, the second under a numbered name, and restores both', async () => {
    h = await makeTestHome();
    const cards = join(h.root, 'Cards');
    h.configure((c) => ({ ...c, folders: [...c.folders, { path: cards, kind: 'import' }] }));
    const card1 = join(cards, 'EOS_R5', 'DCIM');
    const card2 = join(cards, 'EOS_R6', 'DCIM');
    const one = randomBytesFor('camera 1', 40_000);
    const two = randomBytesFor('camera 2', 40_001);
    await mkdir(card1, { recursive: true });
    await mkdir(card2, { recursive: true });
    await writeFile(join(card1, 'IMG_0001.JPG'), one);
    await writeFile(join(card2, 'IMG_0001.JPG'), two);
    const slug = await withTestEngine(h, async (e) => {
      await e.prepare();
      const { id } = e.addWedding({
        couple: 'X & Y',
        date: '2026-06-14',
        folders: [card1, card2],
        slug: 'x-y',
      });
      return e.store.weddings.byId(id)!.slug;
    });
    const report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.allProtected).toBe(true);
    expect(report.weddings.find((w) => w.wedding?.slug === slug)!.protected).toBe(2);
    const target = join(h.root, 'restored');
    const r = await withTestEngine(h, (e) => e.restore({ wedding: slug, target }));
    expect(r.restored).toBe(2);
    expect(await hashTree(target)).toEqual({ 'IMG_0001.JPG': sha256(one), 'IMG_0001 (2).JPG': sha256(two) });
  });
});
