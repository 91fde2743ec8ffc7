import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Another Keepsake process already works on this home. */
export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the single-process lock of a home (a file holding our pid). A lock left by a process that no
 * longer exists (a crash, a kill -9) is taken over. Returns the release function.
 */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
        throw new AlreadyRunningError(
          `Keepsake is already running on this home (process ${pid}); stop it first.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AlreadyRunningError(`cannot take the lock ${path}`);
}
