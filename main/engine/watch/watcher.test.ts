import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modulePath, runUnprivileged } from './testing/unprivileged.js';
import { FolderWatcher, type FolderWatcherEvents } from './watcher.js';

const STABLE_MS = 400;

let root: string;
let watcher: FolderWatcher | undefined;
type Logged = {
  [K in keyof FolderWatcherEvents]: { event: K; at: number } & FolderWatcherEvents[K];
}[keyof FolderWatcherEvents];
let log: Logged[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keepsake-watch-'));
  log = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(root, { recursive: true, force: true });
});

/** Starts a watcher on `roots` that records every event with its time. */
async function start(roots: string[] = [root]): Promise<FolderWatcher> {
  watcher = new FolderWatcher(roots, { stableMs: STABLE_MS, pollMs: 50 });
  watcher.on('file', (e) => log.push({ event: 'file', at: Date.now(), ...e }));
  watcher.on('removed', (e) => log.push({ event: 'removed', at: Date.now(), ...e }));
  watcher.on('error', (e) => log.push({ event: 'error', at: Date.now(), ...e }));
  await watcher.ready();
  return watcher;
}

/** Waits until `pred` holds on the event log, failing after `ms`. */
async function until(pred: (events: Logged[]) => boolean, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred(log)) {
    if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(log)}`);
    await sleep(20);
  }
}
const filesAt = (path: string) => log.filter((e) => e.event === 'file' && e.path === path);

describe('FolderWatcher', () => {
  it('reports a file written in slow chunks once, after it is complete', async () => {
    await start();
    const path = join(root, 'IMG_0001.CR3');
    const chunk = Buffer.alloc(64 * 1024, 7);
    writeFileSync(path, chunk);
    for (let i = 1; i < 6; i++) {
      await sleep(STABLE_MS / 2); // pauses shorter than stableMs: still an import in progress
      appendFileSync(path, chunk);
    }
    const completedAt = Date.now();
    await until(() => filesAt(path).length > 0);
    await sleep(STABLE_MS * 2);
    const reported = filesAt(path);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ event: 'file', kind: 'file', path, size: 6 * chunk.length });
    expect(reported[0]!.at).toBeGreaterThanOrEqual(completedAt + STABLE_MS - 50);
  });

  it('does not report files that were there before it started, only later changes', async () => {
    const old = join(root, 'old.jpg');
    writeFileSync(old, 'old');
    await start();
    const marker = join(root, 'marker.jpg');
    writeFileSync(marker, 'm');
    await until(() => filesAt(marker).length === 1);
    expect(filesAt(old)).toHaveLength(0);
    appendFileSync(old, ' edited');
    await until(() => filesAt(old).length === 1);
    expect(filesAt(old)[0]).toMatchObject({ size: 10 });
  });

  it('never reports ignored names or anything in ignored folders', async () => {
    await start();
    for (const name of [
      '.DS_Store',
      '._IMG_0001.JPG',
      'IMG_0002.JPG.part',
      'Thumbs.db',
      'Catalog.lrcat-wal',
    ]) {
      writeFileSync(join(root, name), 'x');
    }
    mkdirSync(join(root, 'Catalog Previews.lrdata', '0'), { recursive: true });
    writeFileSync(join(root, 'Catalog Previews.lrdata', '0', 'p.lrprev'), 'x');
    mkdirSync(join(root, '.keepsake'));
    writeFileSync(join(root, '.keepsake', 'state.db'), 'x');
    const marker = join(root, 'IMG_0001.JPG');
    writeFileSync(marker, 'x');
    await until(() => filesAt(marker).length === 1);
    await sleep(STABLE_MS);
    expect(log.map((e) => e.path)).toEqual([marker]);
  });

  it('reports removed files and folders', async () => {
    mkdirSync(join(root, 'day1'));
    writeFileSync(join(root, 'day1', 'a.jpg'), 'a');
    writeFileSync(join(root, 'b.jpg'), 'b');
    await start();
    unlinkSync(join(root, 'b.jpg'));
    await until((l) => l.some((e) => e.event === 'removed' && e.path === join(root, 'b.jpg')));
    rmSync(join(root, 'day1'), { recursive: true });
    await until((l) => l.some((e) => e.event === 'removed' && e.path === join(root, 'day1')));
    expect(log).toContainEqual(
      expect.objectContaining({ event: 'removed', path: join(root, 'b.jpg'), folder: false }),
    );
    expect(log).toContainEqual(
      expect.objectContaining({ event: 'removed', path: join(root, 'day1'), folder: true }),
    );
    expect(log.filter((e) => e.event === 'file')).toHaveLength(0);
  });

  it('reports the files of a new sub-folder, and a symlink as a symlink without following it', async () => {
    await start();
    const deep = join(root, '2026-06-14 Smith & Jones', 'RAW');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'IMG_0001.CR3'), 'raw');
    writeFileSync(join(root, '2026-06-14 Smith & Jones', 'IMG_0001.JPG'), 'jpeg');
    symlinkSync(root, join(deep, 'loop'));
    await until((l) => l.filter((e) => e.event === 'file').length === 3);
    await sleep(STABLE_MS);
    const files = log.filter((e) => e.event === 'file').map((e) => [e.path, e.kind]);
    expect(files.sort()).toEqual(
      [
        [join(deep, 'IMG_0001.CR3'), 'file'],
        [join(deep, 'loop'), 'symlink'],
        [join(root, '2026-06-14 Smith & Jones', 'IMG_0001.JPG'), 'file'],
      ].sort(),
    );
  });

  it('adds and removes roots at runtime', async () => {
    const second = mkdtempSync(join(tmpdir(), 'keepsake-watch2-'));
    try {
      const w = await start([]);
      expect(w.roots()).toEqual([]);
      await w.addRoot(root);
      await w.addRoot(second);
      expect(w.roots().sort()).toEqual([root, second].sort());
      writeFileSync(join(second, 'a.jpg'), 'a');
      await until(() => filesAt(join(second, 'a.jpg')).length === 1);
      await w.removeRoot(second);
      expect(w.roots()).toEqual([root]);
      writeFileSync(join(second, 'b.jpg'), 'b');
      const marker = join(root, 'marker.jpg');
      writeFileSync(marker, 'm');
      await until(() => filesAt(marker).length === 1);
      await sleep(STABLE_MS);
      expect(filesAt(join(second, 'b.jpg'))).toHaveLength(0);
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('drops a file deleted before it settled, and emits nothing after close', async () => {
    const w = await start();
    const gone = join(root, 'gone.jpg');
    writeFileSync(gone, 'x');
    await sleep(100);
    unlinkSync(gone);
    const late = join(root, 'late.jpg');
    writeFileSync(late, 'x');
    await sleep(100);
    await w.close();
    await sleep(STABLE_MS * 2);
    expect(log.filter((e) => e.event === 'file')).toEqual([]);
  });

  it('reports folders it may not read as errors, at start and when they appear', () => {
    mkdirSync(join(root, 'locked'));
    chmodSync(join(root, 'locked'), 0o000);
    chmodSync(root, 0o777);
    // Root ignores permissions, so the watcher runs in a child process as an unprivileged user.
    const script = `
      import { mkdirSync } from 'node:fs';
      import { FolderWatcher } from ${JSON.stringify(modulePath('./watcher.ts', import.meta.url))};
      const root = process.argv[1];
      const w = new FolderWatcher([root], { stableMs: 100 });
      const events = [];
      w.on('error', (e) => events.push(e));
      await w.ready();
      mkdirSync(root + '/later', { mode: 0 });
      await new Promise((r) => setTimeout(r, 1000));
      await w.close();
      console.log(JSON.stringify(events));
    `;
    let stdout: string;
    try {
      stdout = runUnprivileged(script, [root]);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
    const events = JSON.parse(stdout) as FolderWatcherEvents['error'][];
    expect(events.map((e) => [e.path, e.code]).sort()).toEqual([
      [join(root, 'later'), 'EACCES'],
      [join(root, 'locked'), 'EACCES'],
    ]);
    expect(events[0]?.message).toContain('cannot watch');
  });
});
