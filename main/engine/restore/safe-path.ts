import { lstat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** Why a manifest path cannot be restored; the restore reports it and writes nothing for it. */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
}

/** Where a manifest path is restored: the file inside the target, and the relative name if it differs. */
export interface RestorePlace {
  full: string;
  /** Set when this platform cannot hold the stored name: the safe name it is restored under. */
  renamedAs?: string;
}

/** Characters Windows cannot hold in a file name (a backslash is its separator there, `:` its drive mark). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Windows forbids
const windowsForbidden = /[<>:"\\|?*\u0000-\u001f]/g;
const windowsReserved = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * One path segment as this platform can hold it. On Linux and macOS every byte but `/` and NUL is
 * allowed, so a name backed up there (`back\slash.jpg`) restores as it was; on Windows forbidden
 * characters become `_`, as do trailing dots and spaces, and reserved device names get a `_` prefix.
 */
export function segmentFor(segment: string, platform: NodeJS.Platform): string {
  if (platform !== 'win32') return segment;
  let s = segment.replace(windowsForbidden, '_').replace(/[. ]+$/, (m) => '_'.repeat(m.length));
  if (windowsReserved.test(s)) s = `_${s}`;
  return s;
}

/**
 * Maps a manifest path to a file inside `target`, whatever the manifest says: absolute paths, NUL
 * bytes, `.`/`..` segments and paths through existing symbolic links are refused, so a tampered
 * manifest can never write outside the restore folder. Only `/` separates segments: any other
 * character is part of a name, kept where the platform can hold it and replaced where it cannot
 * (then `renamedAs` says under which name), so whatever was backed up can be restored.
 */
export async function resolveInside(
  target: string,
  manifestPath: string,
  platform: NodeJS.Platform = process.platform,
): Promise<RestorePlace> {
  const root = resolve(target);
  if (manifestPath.includes('\0')) throw new UnsafePathError('contains a NUL byte');
  // Only `/` makes a stored path absolute: `C:` and `\` are name characters, replaced on Windows.
  if (manifestPath.startsWith('/')) throw new UnsafePathError('is an absolute path');
  const stored = manifestPath.split('/');
  if (stored.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UnsafePathError('has an empty, "." or ".." segment');
  }
  const parts = stored.map((p) => segmentFor(p, platform));
  const full = resolve(root, ...parts);
  if (!full.startsWith(root + sep)) throw new UnsafePathError('points outside the restore folder');
  // No existing component below the target may be a link (it could lead anywhere).
  let at = root;
  for (const part of parts) {
    at = join(at, part);
    const info = await lstat(at).catch(() => undefined);
    if (!info) break;
    if (info.isSymbolicLink()) throw new UnsafePathError(`goes through a symbolic link (${at})`);
  }
  const local = parts.join('/');
  return local === manifestPath ? { full } : { full, renamedAs: local };
}
