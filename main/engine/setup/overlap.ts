import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/**
 * The real path of a folder, symlinks resolved; for one not made yet, its nearest existing parent's
 * real path with the rest added, so `~/link-to-Weddings/vault` is seen inside `~/Weddings`.
 */
export function realFolder(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync.native(full);
  } catch {
    const parent = dirname(full);
    return parent === full ? full : join(realFolder(parent), basename(full));
  }
}

/** macOS and Windows disks ignore case by default: `~/weddings` and `~/Weddings` are one folder. */
const foldCase = process.platform === 'darwin' || process.platform === 'win32';

/**
 * Whether one folder holds the other, or both are one folder, comparing real paths: a backup inside
 * a watched folder would back itself up, and two destinations in one folder would count one copy twice.
 */
export function overlaps(a: string, b: string): boolean {
  const norm = (p: string) => (foldCase ? realFolder(p).toLowerCase() : realFolder(p));
  const [x, y] = [norm(a), norm(b)];
  const inside = (p: string, q: string) => p === q || p.startsWith(q.endsWith(sep) ? q : q + sep);
  return inside(x, y) || inside(y, x);
}
