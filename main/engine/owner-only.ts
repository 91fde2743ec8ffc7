import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  writeSync,
} from 'node:fs';

/** A file Keepsake was asked to write its secrets to that it must not write to. */
export class UnsafeFileError extends Error {
  override readonly name = 'UnsafeFileError';
}

const posix = process.platform !== 'win32';

/**
 * Makes the home a folder only its owner can open (0700), creating it if missing: it holds the index
 * of every photo and the keys of encrypted destinations. Windows keeps the user profile's own ACL.
 */
export function ownerOnlyFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (posix) chmodSync(path, 0o700);
}

/** Makes an existing file readable by its owner only (0600); a missing one is left missing. */
export function ownerOnlyFile(path: string): void {
  if (!posix) return;
  try {
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Refuses a path that is a symbolic link: a secret written through it would land somewhere else. */
export function refuseSymlink(path: string): void {
  let link = false;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (link)
    throw new UnsafeFileError(
      `${path} is a symbolic link; Keepsake writes secrets only to a real file: give the path of a new or existing file instead.`,
    );
}

/** Writes a secret to `path`, owner-only (0600) even if the file existed, never through a symlink. */
export function writeOwnerOnly(path: string, data: string): void {
  refuseSymlink(path);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
  const fd = openSync(path, flags, 0o600);
  try {
    if (posix) fchmodSync(fd, 0o600);
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}
