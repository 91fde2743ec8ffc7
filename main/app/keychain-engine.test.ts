import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../shared/model/notification.js';
import type { StatusReport } from '../../shared/model/status.js';
import { makeEncryptedHome } from '../engine/pipeline/testing/encrypted-home.js';
import { EngineProcess } from './engine-process.js';
import { engineInbox } from './engine-inbox.js';
import { KeychainVault } from './keychain-vault.js';
import { migratePlaintextSecrets } from './secret-migration.js';
import { SecretServer } from './secret-server.js';
import { engineBuild } from './testing/node-child.js';
import { fakeSafeStorage } from './testing/safe-storage.js';

// The shell's keychain path end to end: the real engine (its CLI built from the current source) in a
// child process, started as the shell starts it, backs up to an encrypted destination whose key it
// gets only by asking the shell over the process's message channel. Only safeStorage is replaced.
const base = mkdtempSync(join(tmpdir(), 'keepsake-keychain-engine-'));
let engine: EngineProcess | undefined;
afterAll(async () => {
  await engine?.stop();
  rmSync(base, { recursive: true, force: true });
});

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the engine under the shell', () => {
  it('backs up to an encrypted destination with the key moved into the keychain and asked for over the port', async () => {
    const h = await makeEncryptedHome({ encrypted: ['Sealed'] });
    const weddingDir = await h.wedding('2026-06-14 Smith & Jones');
    writeFileSync(join(weddingDir, 'IMG_0001.CR3'), randomBytes(64 * 1024));
    const vault = KeychainVault.forHome(fakeSafeStorage(), join(base, 'userData'), h.home, 'darwin');
    const moved = await migratePlaintextSecrets(h.home, vault);
    expect(moved.moved).toHaveLength(1);
    expect(existsSync(join(h.home, 'keys'))).toBe(false);

    const asked: string[] = [];
    const notified: Notification[] = [];
    const lines: string[] = [];
    const running = new EngineProcess({
      ...(await engineBuild()),
      env: { ...process.env, KEEPSAKE_HOME: h.home },
      tmpDir: base,
      log: (l) => lines.push(l),
      handover: () => ({ env: { KEEPSAKE_SHELL: '1', KEEPSAKE_SECRETS: 'shell' } }),
    });
    engine = running;
    const server = new SecretServer({
      vault: {
        get: (name) => (asked.push(name), vault.get(name)),
        put: (name, value) => vault.put(name, value),
        delete: (name) => vault.delete(name),
      },
      post: (m) => running.post(m),
    });
    running.on('message', engineInbox({ secrets: server, notify: (n) => notified.push(n) }));
    const conn = await running.start();
    const status = () =>
      fetch(`${conn.url}api/status`, { headers: { Authorization: `Bearer ${conn.secret}` } }).then(
        (r) => r.json() as Promise<StatusReport>,
      );
    const done = await until(
      'the photo protected',
      status,
      (s) => s.weddings.reduce((n, w) => n + w.protected, 0) === 1,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${lines.join('\n')}`);
    });
    expect(done.weddings.reduce((n, w) => n + w.failed, 0)).toBe(0);
    expect(asked).toContain(moved.moved[0]);
    // The key never went back to a file.
    expect(existsSync(join(h.home, 'keys'))).toBe(false);
    expect(notified).toEqual([]);
    await running.stop();
    await h.remove();
  }, 60_000);
});
