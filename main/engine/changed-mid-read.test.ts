import Database from 'better-sqlite3';
import { appendFile, mkdir, open, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupOutcome } from './pipeline/backup-file.js';
import { databaseFile } from './config/home.js';
import { randomBytesFor } from './testing/corpus.js';
import { makeTestHome, type TestHome } from './testing/home.js';
import { badObjects, checkConsistency, sha256, vaultContents } from './testing/inspect.js';

const MiB = 1024 * 1024;

/**
 * Backs up with `change` applied to the file on the first chunk read from disk (one file per run,
 * one job at a time, uploads paced so the read takes about a second). Returns the file's outcomes.
 */
async function backupChangingMidRead(h: TestHome, path: string, change: () => Promise<void>) {
  const engine = h.open();
  const outcomes: BackupOutcome['kind'][] = [];
  let changing: Promise<void> | undefined;
  let read = 0;
  engine.on('read', (n) => {
    read += n;
    changing ??= change();
  });
  engine.on('file', (p, o) => p === path && outcomes.push(o.kind));
  try {
    const report = await engine.backupOnce();
    await changing;
    return { report, outcomes, read };
  } finally {
    await engine.close();
  }
}

/** Hashes the database records for `path` and every content object it knows. */
function recorded(h: TestHome, path: string): { hash: string | null; objects: string[] } {
  const db = new Database(databaseFile(h.home), { readonly: true });
  try {
    const row = db.prepare(`SELECT hash FROM files WHERE path = ?`).get(path) as { hash: string | null };
    const objects = (db.prepare(`SELECT hash FROM objects ORDER BY hash`).all() as { hash: string }[]).map(
      (r) => r.hash,
    );
    return { hash: row.hash, objects };
  } finally {
    db.close();
  }
}

// A file that changes while it is read must never be recorded with a hash of bytes it never had.
describe('a file changed while it is being backed up', () => {
  let h: TestHome;
  let dir: string;
  const finals = new Map<string, Buffer>();

  beforeAll(async () => {
    h = await makeTestHome({ concurrency: 1, bandwidthLimit: 12 * MiB });
    dir = await h.wedding('2026-06-14 Smith & Jones');
    await mkdir(join(dir, 'RAW'));
  });
  afterAll(() => h.remove());

  const cases: { name: string; change: (path: string) => Promise<void> }[] = [
    {
      name: 'appended to',
      change: (path) => appendFile(path, randomBytesFor('appended', 3 * MiB)),
    },
    {
      name: 'overwritten in place (same size)',
      change: async (path) => {
        const f = await open(path, 'r+');
        await f.write(randomBytesFor('overwrite', 64 * 1024), 0, 64 * 1024, 5 * MiB);
        await f.close();
      },
    },
    { name: 'truncated', change: (path) => truncate(path, 2 * MiB + 17) },
  ];

  for (const [i, c] of cases.entries()) {
    it(`${c.name}: the read is discarded and the final content is protected`, async () => {
      const path = join(dir, 'RAW', `IMG_00${i + 1}0.CR3`);
      const original = randomBytesFor(`original ${i}`, 6 * MiB);
      await writeFile(path, original);
      const run = await backupChangingMidRead(h, path, () => c.change(path));
      const final = await readFile(path);
      finals.set(path, final);
      expect(sha256(final)).not.toBe(sha256(original));

      // The attempt that saw the change dropped everything; a retry read the final bytes. Under load
      // the change can land only after a retry began, which then sees it too: one or more "changed".
      expect(run.outcomes.at(-1)).toBe('protected');
      expect(run.outcomes.slice(0, -1).length).toBeGreaterThan(0);
      expect(new Set(run.outcomes.slice(0, -1))).toEqual(new Set(['changed']));
      expect(run.read).toBeGreaterThan(final.length);
      expect(run.report.allProtected).toBe(true);

      const { hash, objects } = recorded(h, path);
      expect(hash).toBe(sha256(final));
      // Only the final contents of the files are known: no hash of a half-changed read was recorded.
      expect(objects).toEqual([...new Set([...finals.values()].map((b) => sha256(b)))].sort());
      for (const root of Object.values(h.vaults)) {
        const v = await vaultContents(root);
        expect(v.objects.map((k) => k.split('/')[2]).sort()).toEqual(objects);
        expect(v.staging).toEqual([]);
        expect(await badObjects(root)).toEqual([]);
      }
      expect(await checkConsistency(databaseFile(h.home), h.vaults)).toEqual([]);

      // And it restores with its final content.
      const target = join(h.root, `restore-${i}`);
      const engine = h.open();
      try {
        const slug = run.report.weddings[0]!.wedding!.slug;
        const r = await engine.restore({ wedding: slug, target, include: [`RAW/IMG_00${i + 1}0.CR3`] });
        expect(r.restored).toBe(1);
      } finally {
        await engine.close();
      }
      expect(sha256(await readFile(join(target, 'RAW', `IMG_00${i + 1}0.CR3`)))).toBe(sha256(final));
    });
  }
});
