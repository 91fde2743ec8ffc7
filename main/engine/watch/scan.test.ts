import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modulePath, runUnprivileged } from './testing/unprivileged.js';
import { BAD_NAME_MESSAGE, scanFolder, type ScanEntry, type ScannedFile } from './scan.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keepsake-scan-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

async function collect(dir: string, concurrency?: number): Promise<ScanEntry[]> {
  const all: ScanEntry[] = [];
  for await (const e of scanFolder(dir, concurrency === undefined ? {} : { concurrency })) all.push(e);
  return all;
}
const files = (entries: ScanEntry[]) =>
  entries.filter((e): e is ScannedFile => e.kind !== 'error').sort((a, b) => a.path.localeCompare(b.path));
const errors = (entries: ScanEntry[]) => entries.filter((e) => e.kind === 'error');

function put(rel: string, body = 'x'): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
  return path;
}

describe('scanFolder', () => {
  it('yields every file in nested folders with its stats', async () => {
    const a = put('2026-06-14 Smith & Jones/RAW/IMG_0001.CR3', 'raw bytes');
    const b = put('2026-06-14 Smith & Jones/IMG_0001.xmp', '<x/>');
    const c = put('top.jpg', '');
    const got = files(await collect(root));
    expect(got.map((e) => e.path)).toEqual([a, b, c].sort((x, y) => x.localeCompare(y)));
    const first = got.find((e) => e.path === a)!;
    const st = lstatSync(a);
    expect(first).toEqual({ kind: 'file', path: a, size: 9, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev });
    expect(got.find((e) => e.path === c)?.size).toBe(0);
  });

  it('skips ignored names and everything inside ignored folders', async () => {
    const keep = put('Wedding/IMG_0001.JPG');
    put('Wedding/.DS_Store');
    put('Wedding/._IMG_0001.JPG');
    put('Wedding/IMG_0002.JPG.part');
    put('Wedding/Thumbs.db');
    put('Lightroom/Catalog Previews.lrdata/0/A/preview.lrprev');
    const cat = put('Lightroom/Catalog.lrcat');
    put('Lightroom/Catalog.lrcat-wal');
    put('.git/objects/ab/cdef');
    put('.keepsake/state.db');
    expect(files(await collect(root)).map((e) => e.path)).toEqual([cat, keep]);
  });

  it('reports symlinks as symlinks and never follows them, so loops end', async () => {
    const target = put('real/IMG_0001.JPG', 'abc');
    symlinkSync(target, join(root, 'link-to-file.jpg'));
    symlinkSync(root, join(root, 'real', 'loop')); // a folder link back to the root
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    const got = files(await collect(root));
    expect(got.map((e) => [e.path, e.kind])).toEqual([
      [join(root, 'dangling'), 'symlink'],
      [join(root, 'link-to-file.jpg'), 'symlink'],
      [join(root, 'real', 'IMG_0001.JPG'), 'file'],
      [join(root, 'real', 'loop'), 'symlink'],
    ]);
    expect(got.find((e) => e.kind === 'symlink' && e.path.endsWith('loop'))?.size).toBe(root.length);
  });

  it('yields one error entry for a missing root, and for a root that is a file', async () => {
    const missing = join(root, 'unplugged');
    expect(await collect(missing)).toEqual([
      { kind: 'error', path: missing, code: 'ENOENT', message: expect.stringContaining(missing) },
    ]);
    const file = put('file.jpg');
    expect(await collect(file)).toEqual([
      { kind: 'error', path: file, code: 'ENOTDIR', message: `${file} is not a folder` },
    ]);
  });

  it('yields every entry exactly once past its read-ahead limit, at any concurrency', async () => {
    for (let d = 0; d < 5; d++) {
      const dir = join(root, `d${d}`);
      mkdirSync(dir);
      for (let i = 0; i < 1200; i++) writeFileSync(join(dir, `f${i}.jpg`), '');
    }
    for (const concurrency of [1, 64]) {
      const got = await collect(root, concurrency);
      expect(got).toHaveLength(6000);
      expect(new Set(got.map((e) => e.path)).size).toBe(6000);
    }
  });

  it('stops when the consumer stops, and throws when aborted', async () => {
    for (let i = 0; i < 100; i++) put(`f${i}.jpg`);
    let n = 0;
    for await (const _ of scanFolder(root)) if (++n === 3) break;
    expect(n).toBe(3);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(collect2(scanFolder(root, { signal: ac.signal }))).rejects.toThrow('stop');
  });

  it('keeps NFD names exactly as stored on disk', async () => {
    const nfd = 'Mu\u0308ller & Schmidt'.normalize('NFD');
    const path = put(join(nfd, 'IMG_0001.JPG'));
    const [entry] = files(await collect(root));
    expect(entry?.path).toBe(path);
    expect(entry?.path.includes('Mu\u0308ller')).toBe(true);
    expect(lstatSync(entry!.path).isFile()).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    'reports a name that is not valid UTF-8 instead of mangling it',
    async () => {
      const good = put('good.jpg');
      const bad = Buffer.concat([
        Buffer.from(root + '/IMG_'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('.jpg'),
      ]);
      writeFileSync(bad, 'x');
      const badDir = Buffer.concat([Buffer.from(root + '/Caf'), Buffer.from([0xe9])]);
      mkdirSync(badDir);
      writeFileSync(Buffer.concat([badDir, Buffer.from('/inside.jpg')]), 'x');
      const got = await collect(root);
      expect(files(got).map((e) => e.path)).toEqual([good]);
      expect(errors(got).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { kind: 'error', path: `${root}/Caf\uFFFD`, code: 'EBADNAME', message: BAD_NAME_MESSAGE },
        { kind: 'error', path: `${root}/IMG_\uFFFD\uFFFD.jpg`, code: 'EBADNAME', message: BAD_NAME_MESSAGE },
      ]);
    },
  );

  it('reads long paths, and reports paths past the system limit as errors', async () => {
    const segment = 'L'.repeat(200);
    // Built with relative mkdir steps in a shell, since the full path exceeds PATH_MAX on Linux.
    execFileSync('bash', [
      '-c',
      `cd "$1" && for i in $(seq 1 24); do mkdir "$2" && cd "$2" && [ $i -eq 10 ] && touch ok.jpg; true; done; touch deep.jpg`,
      'bash',
      root,
      segment,
    ]);
    const got = await collect(root);
    const okPath = join(root, ...Array<string>(10).fill(segment), 'ok.jpg');
    expect(files(got).map((e) => e.path)).toEqual([okPath]);
    expect(okPath.length).toBeGreaterThan(2000);
    const errs = errors(got);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.code === 'ENAMETOOLONG')).toBe(true);
    execFileSync('bash', ['-c', `cd "$1" && rm -rf "$2"`, 'bash', root, segment]);
  });

  it('reports an unreadable folder as an error entry and scans the rest', () => {
    put('open/a.jpg');
    put('locked/b.jpg');
    chmodSync(join(root, 'locked'), 0o000);
    chmodSync(root, 0o755);
    const script = `
      import { scanFolder } from ${JSON.stringify(modulePath('./scan.ts', import.meta.url))};
      const out = [];
      for await (const e of scanFolder(process.argv[1])) out.push(e);
      console.log(JSON.stringify(out));
    `;
    let stdout: string;
    try {
      stdout = runUnprivileged(script, [root]);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
    const got = JSON.parse(stdout) as ScanEntry[];
    expect(files(got).map((e) => e.path)).toEqual([join(root, 'open', 'a.jpg')]);
    expect(errors(got)).toEqual([
      {
        kind: 'error',
        path: join(root, 'locked'),
        code: 'EACCES',
        message: `cannot read folder ${join(root, 'locked')}: permission denied (EACCES)`,
      },
    ]);
  });
});

async function collect2(gen: AsyncGenerator<ScanEntry>): Promise<ScanEntry[]> {
  const all: ScanEntry[] = [];
  for await (const e of gen) all.push(e);
  return all;
}
