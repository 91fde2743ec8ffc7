import { isUtf8 } from 'node:buffer';
import { lstat, readdir, stat, type Dirent, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { isIgnoredName } from './ignore.js';

/** A regular file or a symbolic link found by the scan (a link is reported, never followed). */
export interface ScannedFile {
  kind: 'file' | 'symlink';
  /** Absolute path: the resolved root joined with the names read from disk, not normalized. */
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** Something the scan could not read; reported in place of the entry, the scan goes on. */
export interface ScanError {
  kind: 'error';
  /** For `EBADNAME` the name is shown with U+FFFD in place of its invalid bytes: display only. */
  path: string;
  /** The system error code (`EACCES`, `ENAMETOOLONG`, ...), or `EBADNAME`, `ENOTDIR`. */
  code: string;
  message: string;
}

export type ScanEntry = ScannedFile | ScanError;

export interface ScanOptions {
  /** How many `readdir`/`lstat` calls are in flight at once. Default 48. */
  concurrency?: number;
  /** Stops the scan: the generator throws the signal's reason at its next step. */
  signal?: AbortSignal;
}

/** Entries read ahead of the consumer before the walk pauses, so a slow consumer bounds memory. */
const HIGH_WATER = 4096;

export const BAD_NAME_MESSAGE = 'file name is not valid UTF-8; rename it to back it up';

/**
 * Walks `root` for the start-up reconcile scan, yielding every file and symlink whose path has no
 * ignored name (ignore.ts), in no particular order. Symlinks are never followed, so loops cannot
 * happen; unreadable folders and files, names that are not valid UTF-8 and a missing root become
 * `error` entries instead of exceptions. Only the root itself is resolved through a symlink.
 */
export async function* scanFolder(
  root: string,
  opts: ScanOptions = {},
): AsyncGenerator<ScanEntry, void, undefined> {
  const limit = Math.max(1, opts.concurrency ?? 48);
  const signal = opts.signal;
  const top = resolve(root);

  const rootStat = await new Promise<{ err: NodeJS.ErrnoException | null; st: Stats }>((done) =>
    stat(top, (err, st) => done({ err, st })),
  );
  if (rootStat.err) {
    yield errorEntry(top, rootStat.err, 'folder');
    return;
  }
  if (!rootStat.st.isDirectory()) {
    yield { kind: 'error', path: top, code: 'ENOTDIR', message: `${top} is not a folder` };
    return;
  }

  /** Folders still to read: a stack, so the walk is depth-first and the queue stays short. */
  const dirs: string[] = [top];
  /** Entries still to lstat; `unknown` when the directory listing did not say what they are. */
  const toStat: { path: string; unknown: boolean }[] = [];
  let out: ScanEntry[] = [];
  let inFlight = 0;
  let stopped = false;
  let wake: (() => void) | undefined;

  const settle = () => {
    inFlight--;
    pump();
    const w = wake;
    wake = undefined;
    w?.();
  };

  const onDir = (dir: string, err: NodeJS.ErrnoException | null, entries: Dirent<Buffer>[]) => {
    if (err) {
      out.push(errorEntry(dir, err, 'folder'));
      return;
    }
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const entry of entries) {
      const raw = entry.name;
      const name = raw.toString('utf8');
      if (name.includes('\uFFFD') && !isUtf8(raw)) {
        out.push({ kind: 'error', path: prefix + name, code: 'EBADNAME', message: BAD_NAME_MESSAGE });
        continue;
      }
      if (isIgnoredName(name)) continue;
      const path = prefix + name;
      if (entry.isDirectory()) dirs.push(path);
      else if (entry.isFile() || entry.isSymbolicLink()) toStat.push({ path, unknown: false });
      else if (!entry.isFIFO() && !entry.isSocket() && !entry.isBlockDevice() && !entry.isCharacterDevice()) {
        toStat.push({ path, unknown: true });
      }
      // FIFOs, sockets and devices hold no data to back up.
    }
  };

  const onStat = (path: string, unknown: boolean, err: NodeJS.ErrnoException | null, st: Stats) => {
    if (err) {
      // Gone between listing and lstat: nothing to report, the watcher sees the removal.
      if (err.code !== 'ENOENT') out.push(errorEntry(path, err, 'file'));
      return;
    }
    if (st.isSymbolicLink() || st.isFile()) {
      const kind = st.isFile() ? 'file' : 'symlink';
      out.push({ kind, path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev });
    } else if (unknown && st.isDirectory()) {
      dirs.push(path);
    }
  };

  const pump = () => {
    while (!stopped && inFlight < limit && out.length < HIGH_WATER) {
      const job = toStat.pop();
      if (job) {
        inFlight++;
        lstat(job.path, (err, st) => {
          onStat(job.path, job.unknown, err, st);
          settle();
        });
        continue;
      }
      const dir = dirs.pop();
      if (dir === undefined) return;
      inFlight++;
      readdir(dir, { withFileTypes: true, encoding: 'buffer' }, (err, entries) => {
        onDir(dir, err, entries);
        settle();
      });
    }
  };

  try {
    pump();
    for (;;) {
      signal?.throwIfAborted();
      if (out.length > 0) {
        const batch = out;
        out = [];
        pump();
        for (const entry of batch) yield entry;
        continue;
      }
      if (inFlight === 0) {
        pump();
        if (inFlight === 0 && out.length === 0) return;
        continue;
      }
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stopped = true;
  }
}

/** An error entry with a message a photographer can act on. */
function errorEntry(path: string, err: NodeJS.ErrnoException, what: 'folder' | 'file'): ScanError {
  const code = err.code ?? 'EIO';
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'not found',
    ENOTDIR: 'not a folder',
    ENAMETOOLONG: 'path too long',
    ELOOP: 'too many symbolic links',
    EIO: 'input/output error (is the drive failing or unplugged?)',
  };
  const reason = reasons[code] ?? err.message;
  return { kind: 'error', path, code, message: `cannot read ${what} ${path}: ${reason} (${code})` };
}
