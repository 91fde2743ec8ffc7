import { FSWatcher } from 'chokidar';
import { lstat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { isIgnoredPath } from './ignore.js';

/** A file (or symlink, never followed) that has been stable for `stableMs`: safe to back up. */
export interface WatchedFile {
  kind: 'file' | 'symlink';
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** A file or folder that disappeared; for a folder, everything that was under it is gone too. */
export interface WatchRemoved {
  path: string;
  folder: boolean;
}

/** Something the watcher could not read or watch, e.g. `EACCES` on a sub-folder. */
export interface WatchError {
  path: string;
  code: string;
  message: string;
}

/** The watcher's events and what each listener receives. */
export interface FolderWatcherEvents {
  file: WatchedFile;
  removed: WatchRemoved;
  error: WatchError;
}

export interface FolderWatcherOptions {
  /** A file is reported once its size and mtime have not changed for this long. Default 2000. */
  stableMs?: number;
  /** How often a settling file is re-checked. Default `min(250, stableMs / 4)`. */
  pollMs?: number;
  /** Poll the file system instead of native events: for network shares where events do not arrive. */
  usePolling?: boolean;
  /** Time source for the stability check. Default the system clock. */
  clock?: Clock;
}

type Listener<K extends keyof FolderWatcherEvents> = (event: FolderWatcherEvents[K]) => void;

/** One watched root: its chokidar instance and the promise of its first full directory walk. */
interface RootWatch {
  fsw: FSWatcher;
  ready: Promise<void>;
}

/**
 * Watches root folders for files to back up (chokidar; symlinks reported, never followed; names in
 * ignore.ts never reported). Files already there are not reported (`ignoreInitial`): the start-up
 * reconcile scan covers them. A file is reported only after its size and mtime have stayed the same
 * for `stableMs`, so a card import in progress is not taken half-written; a file that changes again
 * later is reported again.
 *
 * Integration order, so nothing is lost: add the root here first and await `addRoot`, then run
 * `scanFolder` on it; a file may then be reported by both, so de-duplicate by path (and size/mtime).
 */
export class FolderWatcher {
  private readonly stableMs: number;
  private readonly pollMs: number;
  private readonly usePolling: boolean;
  private readonly clock: Clock;
  private readonly watches = new Map<string, RootWatch>();
  /** Files waiting to be stable, with the time of their last seen change. */
  private readonly settling = new Map<string, { changedAt: number; size: number; mtimeMs: number } | null>();
  private readonly stop = new AbortController();
  private readonly listeners: { [K in keyof FolderWatcherEvents]: Set<Listener<K>> } = {
    file: new Set(),
    removed: new Set(),
    error: new Set(),
  };

  constructor(roots: readonly string[] = [], opts: FolderWatcherOptions = {}) {
    this.stableMs = opts.stableMs ?? 2000;
    this.pollMs = opts.pollMs ?? Math.max(10, Math.min(250, this.stableMs / 4));
    this.usePolling = opts.usePolling ?? false;
    this.clock = opts.clock ?? systemClock;
    for (const root of roots) void this.addRoot(root);
  }

  /** Starts watching `root`; resolves once its existing folders are watched (so a scan may start). */
  addRoot(root: string): Promise<void> {
    const top = resolve(root);
    const existing = this.watches.get(top);
    if (existing) return existing.ready;
    if (this.stop.signal.aborted) return Promise.reject(new Error('FolderWatcher is closed'));
    const fsw = new FSWatcher({
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: this.usePolling,
      ignored: (path: string) => isIgnoredPath(relative(top, path)),
    });
    const ready = new Promise<void>((done) => fsw.once('ready', () => done()));
    fsw.on('add', (path) => this.changed(path));
    fsw.on('change', (path) => this.changed(path));
    fsw.on('unlink', (path) => this.removed(path, false));
    fsw.on('unlinkDir', (path) => this.removed(path, true));
    fsw.on('error', (err) => this.failed(top, err));
    fsw.add(top);
    this.watches.set(top, { fsw, ready });
    return ready;
  }

  /** Stops watching `root`; files under it still settling are dropped. */
  async removeRoot(root: string): Promise<void> {
    const top = resolve(root);
    const watch = this.watches.get(top);
    if (!watch) return;
    this.watches.delete(top);
    for (const path of [...this.settling.keys()]) if (isInside(top, path)) this.settling.delete(path);
    await watch.fsw.close();
  }

  /** The roots being watched, resolved to absolute paths. */
  roots(): string[] {
    return [...this.watches.keys()];
  }

  /** Resolves when every root added so far is being watched. */
  async ready(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.ready));
  }

  on<K extends keyof FolderWatcherEvents>(event: K, listener: Listener<K>): this {
    this.listeners[event].add(listener);
    return this;
  }

  off<K extends keyof FolderWatcherEvents>(event: K, listener: Listener<K>): this {
    this.listeners[event].delete(listener);
    return this;
  }

  /** Stops all watching and stability checks; no event is emitted afterwards. */
  async close(): Promise<void> {
    this.stop.abort(new Error('FolderWatcher closed'));
    this.settling.clear();
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map((w) => w.fsw.close()));
  }

  private emit<K extends keyof FolderWatcherEvents>(event: K, payload: FolderWatcherEvents[K]): void {
    if (this.stop.signal.aborted) return;
    for (const listener of this.listeners[event]) listener(payload);
  }

  /** An add or change event: (re)start the stability check of `path`. */
  private changed(path: string): void {
    const pending = this.settling.has(path);
    this.settling.set(path, null); // null: changed just now, stats to be read on the next check
    if (!pending) void this.settle(path);
  }

  /** Re-checks `path` every `pollMs` until size and mtime held still for `stableMs`, then reports it. */
  private async settle(path: string): Promise<void> {
    const signal = this.stop.signal;
    for (;;) {
      try {
        await this.clock.sleep(this.pollMs, signal);
      } catch {
        return; // closed
      }
      if (!this.settling.has(path)) return; // removed, or its root was
      let st;
      try {
        st = await lstat(path);
      } catch (err) {
        this.settling.delete(path);
        const e = err as NodeJS.ErrnoException;
        if (e.code !== 'ENOENT') this.failed(path, e);
        return;
      }
      if (!this.settling.has(path)) return;
      const now = this.clock.now();
      const seen = this.settling.get(path);
      if (!seen || seen.size !== st.size || seen.mtimeMs !== st.mtimeMs) {
        this.settling.set(path, { changedAt: now, size: st.size, mtimeMs: st.mtimeMs });
        continue;
      }
      if (now - seen.changedAt < this.stableMs) continue;
      this.settling.delete(path);
      if (!st.isFile() && !st.isSymbolicLink()) return;
      const kind = st.isFile() ? 'file' : 'symlink';
      this.emit('file', { kind, path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev });
      return;
    }
  }

  private removed(path: string, folder: boolean): void {
    this.settling.delete(path);
    if (folder) for (const p of [...this.settling.keys()]) if (isInside(path, p)) this.settling.delete(p);
    this.emit('removed', { path, folder });
  }

  private failed(fallbackPath: string, err: unknown): void {
    const e = err as NodeJS.ErrnoException;
    const path = e.path ?? fallbackPath;
    const code = e.code ?? 'EIO';
    this.emit('error', { path, code, message: `cannot watch ${path}: ${e.message ?? String(err)}` });
  }
}

/** True if `path` is strictly inside `folder`. */
function isInside(folder: string, path: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
