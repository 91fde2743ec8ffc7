import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlreadyRunningError, acquireLock, lockSocketPath } from './lock.js';

const base = mkdtempSync(join(tmpdir(), 'keepsake-lock-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A child process that holds the lock's socket as a Keepsake would, until it is killed. */
async function holder(lockPath: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(lockSocketPath(lockPath))}, () => console.log('ready'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((ok) => child.stdout.once('data', () => ok()));
  writeFileSync(lockPath, String(child.pid));
  return {
    pid: child.pid!,
    kill: () =>
      new Promise((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGKILL');
      }),
  };
}

describe('the home lock', () => {
  it('is not blocked by a lock file naming a live process that is not Keepsake (PID 1)', async () => {
    const lock = join(base, 'pid1.lock');
    writeFileSync(lock, '1');
    const release = await acquireLock(lock);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses while another process holds it, naming that process, and is taken over once it is killed', async () => {
    const lock = join(base, 'held.lock');
    const other = await holder(lock);
    const refused = await acquireLock(lock).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AlreadyRunningError);
    expect((refused as Error).message).toBe(
      `Keepsake is already running on this home (process ${other.pid}); stop it first.`,
    );
    await other.kill(); // kill -9: the socket file stays behind, but nothing listens on it
    const release = await acquireLock(lock);
    release();
  });

  it('is held once per home within one process too', async () => {
    const lock = join(base, 'twice.lock');
    const release = await acquireLock(lock);
    await expect(acquireLock(lock)).rejects.toBeInstanceOf(AlreadyRunningError);
    release();
    (await acquireLock(lock))();
  });

  it('listens in the temp folder when the home path is too long for a socket, and on a named pipe on Windows', () => {
    const long = join(base, 'x'.repeat(120), 'keepsake.lock');
    expect(lockSocketPath(long).startsWith(tmpdir())).toBe(true);
    expect(lockSocketPath(long)).toBe(lockSocketPath(long));
    expect(lockSocketPath(join(base, 'a.lock'), 'win32')).toMatch(/^\\\\\.\\pipe\\keepsake-[0-9a-f]{16}$/);
  });
});
