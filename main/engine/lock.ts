import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Another Keepsake process already works on this home. */
export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
}

/** Longest Unix socket path every platform takes (macOS allows 104 bytes). */
const MAX_SOCKET_PATH = 100;

/**
 * Where the lock of `lockPath` listens: a Unix socket beside it, or in the temp folder when that
 * path is too long; a named pipe on Windows.
 */
export function lockSocketPath(lockPath: string, platform: NodeJS.Platform = process.platform): string {
  const id = createHash('sha256').update(resolve(lockPath)).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\keepsake-${id}`;
  const beside = `${lockPath}.sock`;
  return Buffer.byteLength(beside) < MAX_SOCKET_PATH ? beside : join(tmpdir(), `keepsake-${id}.sock`);
}

function listen(path: string): Promise<Server> {
  return new Promise((ok, fail) => {
    const server = createServer((socket) => socket.end());
    server.once('error', fail);
    server.listen(path, () => {
      server.off('error', fail);
      server.unref();
      ok(server);
    });
  });
}

/** Whether a process is listening on the socket: the kernel answers for it even while it is busy. */
function answers(path: string): Promise<boolean> {
  return new Promise((ok) => {
    const socket = createConnection(path);
    socket.once('connect', () => (socket.destroy(), ok(true)));
    socket.once('error', () => ok(false));
  });
}

function holderPid(lockPath: string): string {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) ? ` (process ${pid})` : '';
  } catch {
    return '';
  }
}

/**
 * Takes the single-process lock of a home and returns its release function. The lock is a socket
 * the holder listens on, so the operating system releases it when the holder exits, however it
 * exits: a lock left by a crash or a kill -9 is taken over, and a pid that now belongs to another
 * program never blocks Keepsake. The file at `lockPath` names the holder's pid for people.
 */
export async function acquireLock(lockPath: string): Promise<() => void> {
  const socketPath = lockSocketPath(lockPath);
  for (let attempt = 0; attempt < 2; attempt++) {
    let server: Server;
    try {
      server = await listen(socketPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (await answers(socketPath)) {
        throw new AlreadyRunningError(
          `Keepsake is already running on this home${holderPid(lockPath)}; stop it first.`,
        );
      }
      // A socket file left by a holder that died: nothing listens on it any more.
      if (process.platform !== 'win32') rmSync(socketPath, { force: true });
      continue;
    }
    writeFileSync(lockPath, String(process.pid), { mode: 0o600 });
    return () => {
      server.close();
      rmSync(lockPath, { force: true });
      if (process.platform !== 'win32') rmSync(socketPath, { force: true });
    };
  }
  throw new AlreadyRunningError(`cannot take the lock ${lockPath}`);
}
