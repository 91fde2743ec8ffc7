import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { configPath, loadConfig, newConfig, saveConfig } from '../config/config-file.js';
import type { Engine } from '../engine.js';
import { addDestination } from '../setup/destinations.js';
import { addFolder } from '../setup/folders.js';
import { addFolderChange, settingsChange } from './config-changes.js';
import { EngineHost, ReconfigureError } from './engine-host.js';

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('EngineHost', { timeout: 60_000 }, () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** A home watching Weddings and backing up to Vault, its host running. */
  async function running(opts: { secrets?: () => Promise<undefined> } = {}) {
    const base = mkdtempSync(join(tmpdir(), 'keepsake-host-'));
    const home = join(base, 'home');
    const weddings = join(base, 'Weddings');
    mkdirSync(weddings);
    let config = addFolder(newConfig(), weddings, 'weddings');
    config = await addDestination(
      config,
      { name: 'Vault', kind: 'local', path: join(base, 'Vault'), enabled: true, onLaptop: false },
      systemClock,
    );
    saveConfig(home, { ...config, watch: { stableMs: 200 } });
    const host = await EngineHost.open({ home, snapshotDelayMs: 200, ...opts });
    const abort = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const run = host.run(abort.signal, ready);
    cleanup.push(() => rmSync(base, { recursive: true, force: true }));
    cleanup.push(async () => {
      abort.abort();
      await run;
      await host.close();
    });
    await isReady;
    return { base, home, weddings, host };
  }

  const protectedFiles = (host: EngineHost) =>
    host.use(async (e) => (await e.status()).weddings.reduce((n, w) => n + w.protected, 0));

  it('keeps the previous config and a running engine when the new engine cannot start', async () => {
    let failNext = false;
    const { base, home, weddings, host } = await running({
      secrets: () => {
        if (!failNext) return Promise.resolve(undefined);
        failNext = false;
        return Promise.reject(new Error('the keychain is locked'));
      },
    });
    const before = readFileSync(configPath(home), 'utf8');
    const first = host.engine;
    mkdirSync(join(base, 'Imports'));
    failNext = true;
    const err = await host
      .reconfigure(addFolderChange(join(base, 'Imports'), 'import'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReconfigureError);
    expect((err as Error).message).toMatch(/the keychain is locked.*previous settings are in use again/);
    expect(readFileSync(configPath(home), 'utf8')).toBe(before);
    expect(host.engine).not.toBe(first);
    expect(host.engine.config.folders.map((f) => f.path)).toEqual([weddings]);
    // The reopened engine runs: a new wedding file is protected.
    mkdirSync(join(weddings, '2026-06-14 Smith & Jones'));
    writeFileSync(join(weddings, '2026-06-14 Smith & Jones', 'IMG_0001.JPG'), randomBytes(50_000));
    await until('the file to be protected', async () =>
      (await protectedFiles(host)) === 1 ? true : undefined,
    );
  });

  it('lets a request finish on the engine it started with; requests made during a swap wait for the new one', async () => {
    const { home, host } = await running();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let usedBySlow: Engine | undefined;
    let openAtEnd = false;
    const slow = host.use(async (engine) => {
      usedBySlow = engine;
      await held;
      // Still open: the swap waited for this request before closing its engine.
      openAtEnd = engine.store.db.open;
    });
    await new Promise((r) => setTimeout(r, 50));
    const change = host.reconfigure(settingsChange({ transfer: { concurrency: 2 } }));
    await new Promise((r) => setTimeout(r, 300));
    const later = host.use((engine) => engine);
    let changed = false;
    void change.then(() => (changed = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(changed).toBe(false);
    release();
    await slow;
    await change;
    expect(openAtEnd).toBe(true);
    const next = await later;
    expect(next).not.toBe(usedBySlow);
    expect(next.config.transfer.concurrency).toBe(2);
    expect(loadConfig(home)!.transfer.concurrency).toBe(2);
    expect(usedBySlow!.store.db.open).toBe(false);
  });

  it('does not replace the engine for a change that changes nothing', async () => {
    const { weddings, host } = await running();
    const engine = host.engine;
    await host.reconfigure(addFolderChange(weddings, 'weddings'));
    expect(host.engine).toBe(engine);
  });
});
