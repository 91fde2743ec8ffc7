import { lstat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

/** Why a manifest path cannot be restored; the restore reports it and writes nothing for it. */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
}

/**
 * Maps a manifest path to a file inside `target`, whatever the manifest says: absolute paths, drive
 * letters, backslashes, `.`/`..` segments, NUL bytes and paths through existing symbolic links are
 * refused, so a tampered manifest can never write outside the restore folder.
 */
export async function resolveInside(target: string, manifestPath: string): Promise<string> {
  const root = resolve(target);
  if (manifestPath.includes('\0')) throw new UnsafePathError('contains a NUL byte');
  if (manifestPath.includes('\\')) throw new UnsafePathError('contains a backslash');
  if (isAbsolute(manifestPath) || /^[A-Za-z]:/.test(manifestPath))
    throw new UnsafePathError('is an absolute path');
  const parts = manifestPath.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UnsafePathError('has an empty, "." or ".." segment');
  }
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
  return full;
}
