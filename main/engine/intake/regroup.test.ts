import { copyFile, mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../shared/model/status.js';
import type { WeddingSaved } from '../../../shared/api/contract.js';
import { handleApi } from '../api/routes.js';
import { repoRoot } from '../testing/corpus.js';
import { runCli, runCliJson } from '../testing/cli.js';
import { makeTestHome, withTestEngine, type TestHome } from '../testing/home.js';
import { hashTree } from '../testing/inspect.js';

const CAMERA = join(repoRoot, '..', 'shared', 'fixtures', 'camera');
/** Real camera files and the capture time each one's EXIF holds (see the fixtures' README). */
const SHOTS = {
  'Canon.jpg': '2003-12-04T06:46:52',
  'Sony.jpg': '2003-12-18T13:51:33',
  'NikonD70.jpg': '2005-01-14T08:57:59',
} as const;

/** The files' modification time, in seconds. */
const CARD_TIME = 1_750_000_000;

/** Cards dumped into an import folder before any wedding exists. */
async function dumpCards(h: TestHome): Promise<string> {
  const cards = join(h.root, 'Card Imports');
  const dcim = join(cards, 'DCIM', '100CANON');
  await mkdir(dcim, { recursive: true });
  for (const name of Object.keys(SHOTS)) {
    await copyFile(join(CAMERA, name), join(dcim, name));
    await utimes(join(dcim, name), CARD_TIME, CARD_TIME); // whole seconds: exactly restorable below
  }
  h.configure((c) => ({ ...c, folders: [...c.folders, { path: cards, kind: 'import' }] }));
  return dcim;
}

/** Which wedding (slug, `unassigned`) each file name is in, from the index. */
async function placement(h: TestHome): Promise<Record<string, string>> {
  return withTestEngine(h, async (e) => {
    const out: Record<string, string> = {};
    for (const w of [...e.store.weddings.list().map((w) => w.id), null])
      for (const f of e.store.files.ofWedding(w))
        out[f.relPath.split('/').pop()!] = w === null ? 'unassigned' : e.store.weddings.byId(w)!.slug;
    return out;
  });
}

/**
 * Overwrites a file with zeros, keeping its size, inode and time: the index still believes it, and a
 * date found now can only have come from the index, not from reading the file again.
 */
async function blankInPlace(path: string): Promise<void> {
  const before = await stat(path);
  await writeFile(path, Buffer.alloc(before.size));
  await utimes(path, CARD_TIME, CARD_TIME);
  const after = await stat(path);
  expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
}

describe('weddings find their photos whenever they are created', { timeout: 180_000 }, () => {
  let h: TestHome;
  afterEach(() => h.remove());

  it('a wedding created after its import gets the indexed loose files of its day at once, from the index', async () => {
    h = await makeTestHome();
    const dcim = await dumpCards(h);
    const first = await withTestEngine(h, (e) => e.backupOnce());
    expect(first.weddings).toHaveLength(0);
    expect(first.unassigned?.files).toBe(3);
    await blankInPlace(join(dcim, 'Canon.jpg'));

    const { json } = await runCliJson<{ slug: string; fromImports: number }>(h.home, [
      'weddings',
      'add',
      '--couple',
      'Smith & Jones',
      '--date',
      '2003-12-04',
    ]);
    expect(json.fromImports).toBe(1);
    expect(await placement(h)).toEqual({
      'Canon.jpg': json.slug,
      'Sony.jpg': 'unassigned',
      'NikonD70.jpg': 'unassigned',
    });
    // Both snapshots were queued: the next backup writes them; the wedding restores with its photo.
    const after = await withTestEngine(h, (e) => e.backupOnce());
    const w = after.weddings.find((x) => x.wedding?.slug === json.slug)!;
    expect(w.files).toBe(1);
    expect(w.awaitingManifest).toBe(0);
    expect(w.restorable).toEqual({ A: 1, B: 1 });
    expect(after.unassigned?.files).toBe(2);
    const target = join(h.root, 'restored');
    await withTestEngine(h, (e) => e.restore({ wedding: json.slug, target }));
    expect(Object.keys(await hashTree(target))).toEqual(['Card Imports/DCIM/100CANON/Canon.jpg']);
  });

  it('prints what the imports gave the new wedding', async () => {
    h = await makeTestHome();
    await dumpCards(h);
    await withTestEngine(h, (e) => e.backupOnce());
    const r = await runCli(h.home, ['weddings', 'add', '--couple', 'A & B', '--date', '2003-12-18']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 file from your imports was added to this wedding.');
  });

  it('a date change moves files between weddings, and both snapshots follow', async () => {
    h = await makeTestHome();
    await dumpCards(h);
    const [a, b] = await withTestEngine(h, async (e) => {
      await e.backupOnce();
      const a = e.addWedding({ couple: 'A', date: '2003-12-04', folders: [], slug: 'a' });
      const b = e.addWedding({ couple: 'B', date: '2003-12-18', folders: [], slug: 'b' });
      expect([a.added, b.added]).toEqual([1, 1]);
      return [a.id, b.id] as const;
    });
    expect(await placement(h)).toEqual({ 'Canon.jpg': 'a', 'Sony.jpg': 'b', 'NikonD70.jpg': 'unassigned' });
    await withTestEngine(h, (e) => e.backupOnce());

    // Swap the dates: on the way, both weddings on 2003-12-18 cannot be told apart (unassigned).
    await withTestEngine(h, async (e) => {
      expect(e.changeWedding(a, { date: '2003-12-18' })).toEqual({ id: a, added: 0, moved: 2 });
      expect(e.store.files.ofWedding(null)).toHaveLength(3);
      expect(e.changeWedding(b, { date: '2003-12-04' })).toEqual({ id: b, added: 1, moved: 2 });
    });
    expect(await placement(h)).toEqual({ 'Canon.jpg': 'b', 'Sony.jpg': 'a', 'NikonD70.jpg': 'unassigned' });

    const report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.allProtected).toBe(true);
    for (const slug of ['a', 'b']) {
      const w = report.weddings.find((x) => x.wedding?.slug === slug)!;
      expect(w.files).toBe(1);
      expect(w.restorable).toEqual({ A: 1, B: 1 });
    }
    for (const [slug, name] of [
      ['a', 'Sony.jpg'],
      ['b', 'Canon.jpg'],
    ] as const) {
      const target = join(h.root, `restored-${slug}`);
      await withTestEngine(h, (e) => e.restore({ wedding: slug, target }));
      expect(Object.keys(await hashTree(target))).toEqual([`Card Imports/DCIM/100CANON/${name}`]);
    }
  });

  it('a moved day boundary sorts the indexed loose files again at the next start', async () => {
    h = await makeTestHome();
    await dumpCards(h);
    await withTestEngine(h, async (e) => {
      await e.backupOnce();
      // 06:46 on the 4th is the next morning only when the day starts after 06:46.
      expect(e.addWedding({ couple: 'Eve', date: '2003-12-03', folders: [], slug: 'eve' }).added).toBe(0);
    });
    h.configure((c) => ({ ...c, capture: { dayBoundaryHour: 7 } }));
    const report = await withTestEngine(h, (e) => e.backupOnce());
    expect(report.weddings.find((w) => w.wedding?.slug === 'eve')!.files).toBe(1);
    expect((await placement(h))['Canon.jpg']).toBe('eve');
  });

  it('a wedding folder made after the import takes the loose files of its day when it is first seen', async () => {
    h = await makeTestHome();
    await dumpCards(h);
    await withTestEngine(h, (e) => e.backupOnce());
    const dir = await h.wedding('2005-01-14 Nikon Couple');
    await writeFile(join(dir, 'notes.txt'), 'ceremony 14:00');
    const report = await runCliJson<StatusReport>(h.home, ['backup', '--once']);
    const w = report.json.weddings.find((x) => x.wedding?.slug === '2005-01-14-nikon-couple')!;
    expect(w.files).toBe(2);
    expect((await placement(h))['NikonD70.jpg']).toBe('2005-01-14-nikon-couple');
  });

  it('the API creates and re-dates a wedding and says how many imported files it got', async () => {
    h = await makeTestHome();
    await dumpCards(h);
    await withTestEngine(h, async (e) => {
      await e.backupOnce();
      const made = (await handleApi(e, 'POST', '/api/weddings', {
        couple: 'Sony Couple',
        date: '2003-12-18',
        folders: [],
      })) as WeddingSaved;
      expect(made.fromImports).toBe(1);
      const moved = (await handleApi(e, 'POST', `/api/weddings/${made.id}`, {
        date: '2005-01-14',
      })) as WeddingSaved;
      expect([moved.date, moved.fromImports]).toEqual(['2005-01-14', 1]);
      expect(e.store.files.ofWedding(made.id).map((f) => f.relPath)).toEqual([
        'Card Imports/DCIM/100CANON/NikonD70.jpg',
      ]);
      await expect(handleApi(e, 'POST', `/api/weddings/${made.id}`, { date: '14.01.2005' })).rejects.toThrow(
        /date/,
      );
    });
  });
});
