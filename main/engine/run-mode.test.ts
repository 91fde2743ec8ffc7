import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { newConfig, saveConfig } from './config/config-file.js';
import { Engine } from './engine.js';
import { addDestination } from './setup/destinations.js';
import { addFolder } from './setup/folders.js';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the engine in watch mode: `ready` once the first scan is done, `stop` as Ctrl-C does. */
function startRun(engine: Engine): { ready: Promise<void>; stop: () => Promise<void> } {
  const abort = new AbortController();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const running = engine.run(abort.signal, ready);
  return {
    ready: isReady,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

describe('keepsake run (watch mode)', () => {
  it('protects a wedding folder that appears while running, on both destinations, and stops cleanly', async () => {
    const base = mkdtempSync(join(tmpdir(), 'keepsake-run-'));
    const root = join(base, 'Weddings');
    mkdirSync(root);
    let config = addFolder(newConfig(), root, 'weddings');
    config = await addDestination(
      config,
      { name: 'SSD', kind: 'local', path: join(base, 'ssd'), enabled: true, onLaptop: false },
      systemClock,
    );
    config = await addDestination(
      config,
      { name: 'NAS', kind: 'local', path: join(base, 'nas'), enabled: true, onLaptop: false },
      systemClock,
    );
    config = { ...config, watch: { stableMs: 300 } };
    saveConfig(join(base, 'home'), config);
    const engine = Engine.open({ home: join(base, 'home'), snapshotDelayMs: 200 });
    const run = startRun(engine);
    try {
      await run.ready;
      const wedding = join(root, 'Smith-Jones 2026-06-14', 'RAW');
      mkdirSync(wedding, { recursive: true });
      for (let i = 1; i <= 3; i++) writeFileSync(join(wedding, `IMG_000${i}.CR3`), randomBytes(200_000));
      const status = await until('the wedding to be protected', async () => {
        const s = await engine.status();
        const w = s.weddings.find((x) => x.wedding?.slug === '2026-06-14-smith-jones');
        return w && w.files === 3 && w.protected === 3 ? s : undefined;
      });
      expect(status.weddings[0]!.copies).toEqual({ SSD: 3, NAS: 3 });
      await until('snapshots on both destinations', () =>
        ['ssd', 'nas'].every((d) => {
          try {
            return readdirSync(join(base, d, 'snapshots', '2026-06-14-smith-jones')).length > 0;
          } catch {
            return false;
          }
        }),
      );
    } finally {
      await run.stop();
      await engine.close();
    }
    // After a clean stop nothing is left running in the queue.
    const again = Engine.open({ home: join(base, 'home') });
    try {
      expect(again.store.queue.counts().running).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('writes the snapshot as soon as the last upload finishes, not after the 30 s debounce', async () => {
    const base = mkdtempSync(join(tmpdir(), 'keepsake-run-'));
    const root = join(base, 'Weddings');
    mkdirSync(join(root, 'Lee-Park 2026-07-04'), { recursive: true });
    let config = addFolder(newConfig(), root, 'weddings');
    config = await addDestination(
      config,
      { name: 'NAS', kind: 'local', path: join(base, 'nas'), enabled: true, onLaptop: false },
      systemClock,
    );
    saveConfig(join(base, 'home'), { ...config, watch: { stableMs: 200 } });
    const engine = Engine.open({ home: join(base, 'home') });
    const run = startRun(engine);
    try {
      await run.ready;
      writeFileSync(join(root, 'Lee-Park 2026-07-04', 'IMG_0001.CR3'), randomBytes(100_000));
      const started = performance.now();
      const s = await until(
        'the photo protected (named by a stored snapshot)',
        async () => {
          const st = await engine.status();
          return st.weddings[0]?.restorable?.['NAS'] === 1 ? st : undefined;
        },
        20_000,
      );
      expect(s.weddings[0]!.awaitingManifest).toBe(0);
      // Well inside the 30 s debounce, which only applies while other uploads are still under way.
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await run.stop();
      await engine.close();
    }
  });
});
