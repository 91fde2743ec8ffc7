import { cp, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../shared/model/status.js';
import type { Engine } from './engine.js';
import { generateWedding, randomBytesFor } from './testing/corpus.js';
import { makeTestHome, type TestHome } from './testing/home.js';
import { badObjects, hashTree, listFiles, sha256, vaultContents } from './testing/inspect.js';

/** One `backup --once` with what it cost: bytes read from disk, bytes and puts sent to each destination. */
interface Run {
  report: StatusReport;
  read: number;
  bytesPut: Record<string, number>;
  puts: Record<string, number>;
}

async function backup(h: TestHome): Promise<Run> {
  const engine: Engine = h.open();
  let read = 0;
  engine.on('read', (n) => (read += n));
  try {
    const report = await engine.backupOnce();
    const bytesPut: Record<string, number> = {};
    const puts: Record<string, number> = {};
    for (const [name, m] of engine.metrics) {
      bytesPut[name] = m.bytesPut;
      puts[name] = m.calls.put.calls;
    }
    return { report, read, bytesPut, puts };
  } finally {
    await engine.close();
  }
}

/** Sizes of the manifests in a vault that are not in `known` (the ones a run wrote). */
async function newManifestBytes(root: string, known: string[]): Promise<{ count: number; bytes: number }> {
  const fresh = (await vaultContents(root)).manifests.filter((m) => !known.includes(m));
  let bytes = 0;
  for (const m of fresh) bytes += (await stat(join(root, ...m.split('/')))).size;
  return { count: fresh.length, bytes };
}

/** Size of the one device index in a vault (`devices/<id>.json`). */
async function deviceIndexBytes(root: string): Promise<number> {
  const [index, ...more] = await readdir(join(root, 'devices'));
  if (!index || more.length) throw new Error(`expected one device index in ${root}`);
  return (await stat(join(root, 'devices', index))).size;
}

// Known content is never sent twice: renames and moves are recognised by inode, copies by hash.
describe('renames, moves and duplicate imports', () => {
  let h: TestHome;
  let w1: string;

  beforeAll(async () => {
    h = await makeTestHome();
    w1 = await h.wedding('2026-06-14 Smith & Jones');
    await generateWedding(w1, { seed: 21 });
    const first = await backup(h);
    expect(first.report.allProtected).toBe(true);
    expect(first.read).toBeGreaterThan(0);
  });
  afterAll(() => h.remove());

  it('a rename or a move inside the watched folders reads and uploads nothing', async () => {
    const before = await hashTree(w1);
    const vaultsBefore = await Promise.all(Object.values(h.vaults).map((v) => vaultContents(v)));
    const w2 = await h.wedding('2026-07-01 Doe & Roe');
    await rename(join(w1, 'RAW', 'IMG_0001.CR3'), join(w1, 'RAW', 'Ceremony_first_kiss.CR3'));
    await mkdir(join(w1, 'Selects'));
    await rename(join(w1, 'JPEG', 'IMG_0002.JPG'), join(w1, 'Selects', 'IMG_0002.JPG'));
    await mkdir(join(w1, 'Film'));
    await rename(join(w1, 'VIDEO'), join(w1, 'Film', 'VIDEO'));
    // Moved to another wedding folder: another wedding, same content.
    await rename(join(w1, 'JPEG', 'IMG_0003.JPG'), join(w2, 'IMG_0003.JPG'));

    const run = await backup(h);
    expect(run.report.allProtected).toBe(true);
    expect(run.read).toBe(0);
    const names = Object.keys(h.vaults);
    for (const [i, name] of names.entries()) {
      const root = h.vaults[name]!;
      const now = await vaultContents(root);
      expect(now.objects).toEqual(vaultsBefore[i]!.objects);
      // What was sent: only the new manifests (one per wedding that changed), nothing else.
      const fresh = await newManifestBytes(root, vaultsBefore[i]!.manifests);
      expect(fresh.count).toBe(2);
      expect(now.all.length).toBe(vaultsBefore[i]!.all.length + fresh.count);
      // ...and this device's index for the studio view, rewritten once for the run.
      expect(run.bytesPut[name]).toBe(fresh.bytes + (await deviceIndexBytes(root)));
      expect(run.puts[name]).toBe(3);
    }

    // The new snapshots name the files where they are now.
    const target = join(h.root, 'after-rename');
    const e = h.open();
    try {
      const slug1 = run.report.weddings.find((w) => w.wedding?.couple === 'Smith & Jones')!.wedding!.slug;
      const slug2 = run.report.weddings.find((w) => w.wedding?.couple === 'Doe & Roe')!.wedding!.slug;
      await e.restore({ wedding: slug1, target: join(target, '1') });
      await e.restore({ wedding: slug2, target: join(target, '2') });
    } finally {
      await e.close();
    }
    const restored = await hashTree(join(target, '1'));
    expect(restored).toEqual(await hashTree(w1));
    expect(restored['RAW/Ceremony_first_kiss.CR3']).toBe(before['RAW/IMG_0001.CR3']);
    expect(restored['Film/VIDEO/MVI_0001.MP4']).toBe(before['VIDEO/MVI_0001.MP4']);
    expect(restored['RAW/IMG_0001.CR3']).toBeUndefined();
    expect(await hashTree(join(target, '2'))).toEqual({ 'IMG_0003.JPG': before['JPEG/IMG_0003.JPG'] });
  });

  it('a duplicate import (the same files copied into another wedding) stores nothing new', async () => {
    const copy = await h.wedding('2026-08-01 Second Card');
    await cp(w1, copy, { recursive: true });
    const copied = await hashTree(copy);
    let copiedBytes = 0;
    for (const rel of await listFiles(copy)) copiedBytes += (await stat(join(copy, ...rel.split('/')))).size;
    const vaultsBefore = await Promise.all(Object.values(h.vaults).map((v) => vaultContents(v)));

    const run = await backup(h);
    expect(run.report.allProtected).toBe(true);
    // Each copy is read exactly once, to hash it; no byte is sent but the new wedding's manifest.
    expect(run.read).toBe(copiedBytes);
    for (const [i, name] of Object.keys(h.vaults).entries()) {
      const root = h.vaults[name]!;
      expect((await vaultContents(root)).objects).toEqual(vaultsBefore[i]!.objects);
      const fresh = await newManifestBytes(root, vaultsBefore[i]!.manifests);
      expect(fresh.count).toBe(1);
      expect(run.bytesPut[name]).toBe(fresh.bytes + (await deviceIndexBytes(root)));
    }
    const slug = run.report.weddings.find((w) => w.wedding?.couple === 'Second Card')!.wedding!.slug;
    const target = join(h.root, 'copy-restored');
    const e = h.open();
    try {
      const r = await e.restore({ wedding: slug, target });
      expect(r.failed).toEqual([]);
    } finally {
      await e.close();
    }
    expect(await hashTree(target)).toEqual(copied);
  });

  it('identical new files in one run are stored once, with no staging left behind', async () => {
    const w = await h.wedding('2026-08-15 Five Copies');
    const data = randomBytesFor('five copies', 1_000_000);
    for (const n of [1, 2, 3, 4, 5]) await writeFile(join(w, `copy-${n}.CR3`), data);
    const before = await Promise.all(Object.values(h.vaults).map((v) => vaultContents(v)));
    const run = await backup(h);
    expect(run.report.allProtected).toBe(true);
    expect(run.report.weddings.find((x) => x.wedding?.couple === 'Five Copies')!.protected).toBe(5);
    for (const [i, root] of Object.values(h.vaults).entries()) {
      const v = await vaultContents(root);
      expect(v.objects.length).toBe(before[i]!.objects.length + 1);
      expect(v.objects).toContain(`objects/${sha256(data).slice(0, 2)}/${sha256(data)}`);
      expect(v.staging).toEqual([]);
      expect(v.tmp).toEqual([]);
      expect(await badObjects(root)).toEqual([]);
    }
  });

  it('content of the same size as a stored object but different bytes is stored, not taken for a copy', async () => {
    const existing = (await stat(join(w1, 'RAW', 'IMG_0002.CR3'))).size;
    const w = await h.wedding('2026-09-09 Same Size');
    const data = randomBytesFor('same size, other bytes', existing);
    await writeFile(join(w, 'other.CR3'), data);
    const run = await backup(h);
    expect(run.report.allProtected).toBe(true);
    // Hashed once to rule out a copy, then read once more to send it.
    expect(run.read).toBe(2 * existing);
    for (const root of Object.values(h.vaults)) {
      const v = await vaultContents(root);
      expect(v.objects).toContain(`objects/${sha256(data).slice(0, 2)}/${sha256(data)}`);
      expect(await badObjects(root)).toEqual([]);
    }
  });
});
