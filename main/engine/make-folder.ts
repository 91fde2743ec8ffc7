import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** A folder Keepsake was asked to create (or use) that cannot be one; the message says what to do. */
export class FolderError extends Error {
  override readonly name = 'FolderError';
}

const isDirAt = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;

/**
 * Creates a folder and its missing parents one level at a time, failing at once where a level cannot
 * be made. Node's recursive mkdir never returns on /proc (mkdir says ENOENT although the parent
 * exists, and it retries forever); an existing file in the way is a FolderError, not EEXIST.
 * Permission errors (EACCES, EPERM, EROFS) are thrown as the OS gives them, with their path.
 */
export async function makeFolder(path: string): Promise<void> {
  const full = resolve(path);
  const missing: string[] = [];
  let at = full;
  for (;;) {
    const info = await stat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (info) {
      if (!info.isDirectory())
        throw new FolderError(`${at} is a file, not a folder: choose a folder (or a new name) instead.`);
      break;
    }
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await isDirAt(dir))) continue;
      if (code === 'EEXIST' || code === 'ENOENT' || code === 'ENOTDIR')
        throw new FolderError(
          `Cannot create the folder ${dir}: ${dirname(dir)} does not accept new folders; choose a folder on a normal disk.`,
        );
      throw err;
    }
  }
}
