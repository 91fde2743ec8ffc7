import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EngineProcess } from './engine-process.js';
import { claimSingleInstance, quitCleanly } from './lifecycle.js';
import { engineBuild } from './testing/node-child.js';

/** Electron's `app`: events, the single-instance lock, and quit requests that emit before-quit. */
class FakeApp extends EventEmitter {
  quits = 0;
  quitted = false;
  constructor(private readonly lock = true) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  /** Like app.quit(): before-quit may hold it with preventDefault. */
  quit(): void {
    this.quits++;
    const event = { preventDefault: vi.fn() };
    this.emit('before-quit', event);
    if (event.preventDefault.mock.calls.length === 0) this.quitted = true;
  }
}

const base = mkdtempSync(join(tmpdir(), 'keepsake-shell-life-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('single instance', () => {
  it('a second launch quits at once and the first one shows its window', () => {
    const second = new FakeApp(false);
    expect(claimSingleInstance(second, vi.fn())).toBe(false);
    expect(second.quitted).toBe(true);

    const first = new FakeApp(true);
    const show = vi.fn();
    expect(claimSingleInstance(first, show)).toBe(true);
    first.emit('second-instance', {}, ['/Applications/Keepsake.app/Contents/MacOS/Keepsake'], '/');
    first.emit('activate');
    expect(show).toHaveBeenCalledTimes(2);
    // Closing the last window does not quit: Keepsake lives on in the tray.
    expect(first.listenerCount('window-all-closed')).toBe(1);
    expect(first.quitted).toBe(false);
  });
});

describe('quitting', () => {
  it('holds the quit until the real engine has stopped cleanly, then quits', async () => {
    const home = join(base, 'home');
    const lines: string[] = [];
    const engine = new EngineProcess({
      ...(await engineBuild()),
      env: { ...process.env, KEEPSAKE_HOME: home },
      tmpDir: base,
      log: (l) => lines.push(l),
    });
    await engine.start();
    const app = new FakeApp();
    const stopped: Awaited<ReturnType<EngineProcess['stop']>>[] = [];
    const isQuitting = quitCleanly(app, async () => stopped.push(await engine.stop()));
    expect(isQuitting()).toBe(false);

    app.quit(); // Cmd-Q, the tray's Quit, ...
    expect(app.quitted).toBe(false); // held while the engine stops
    expect(isQuitting()).toBe(true);
    app.quit(); // pressed again meanwhile: still held, the engine is stopped once
    expect(app.quitted).toBe(false);
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 30_000 });
    expect(stopped).toEqual([{ code: 0, forced: false }]);
    expect(lines).toContain('Stopped cleanly.');
    expect(existsSync(join(home, 'keepsake.lock'))).toBe(false);
    expect(app.quits).toBe(3); // two held requests, then the shell's own quit
  });

  it('delays a system shutdown the same way, and quits even if stopping failed', async () => {
    const app = new FakeApp();
    const power = new EventEmitter();
    quitCleanly(app, async () => Promise.reject(new Error('engine gone')), power);
    const event = { preventDefault: vi.fn() };
    power.emit('shutdown', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    // Electron's typings say the event may be missing: still handled.
    const other = new FakeApp();
    const otherPower = new EventEmitter();
    quitCleanly(other, async () => undefined, otherPower);
    otherPower.emit('shutdown');
    await vi.waitFor(() => expect(other.quitted).toBe(true));
  });
});
