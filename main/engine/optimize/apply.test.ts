import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { newConfig, saveConfig } from '../config/config-file.js';
import { CredentialStore } from '../config/credentials.js';
import { costReport } from '../cost/report.js';
import type { Config } from '../config/schema.js';
import { azureHarness } from '../destinations/testing/azure-harness.js';
import { addAzurite, addGcsEmulator } from '../destinations/testing/emulator-destinations.js';
import { GcsEmulator } from '../destinations/testing/gcs-harness.js';
import { Engine } from '../engine.js';
import { addFolder } from '../setup/folders.js';

/**
 * The optimizer end to end against azurite and the GCS emulator, beside a NAS (a local folder): a
 * wedding backed up, then seen 200 days later (cold), is planned into colder classes, applied on the
 * servers, checked there, priced in its new classes by the cost report, audited, and still restores.
 */
describe('keepsake optimize --apply on real servers', { timeout: 120_000 }, () => {
  const azure = azureHarness();
  const gcs = new GcsEmulator();
  const base = mkdtempSync(join(tmpdir(), 'keepsake-optimize-'));
  const home = join(base, 'home');
  const wedding = join(base, 'Weddings', '2026-06-14 Garcia & Chen');
  const files: Record<string, Buffer> = {
    'IMG_0001.CR3': randomBytes(1_000_000),
    'IMG_0002.CR3': randomBytes(1_000_000),
    'IMG_0003.CR3': randomBytes(1_000_000),
  };

  beforeAll(async () => {
    await Promise.all([azure.setup!(), gcs.start()]);
    mkdirSync(wedding, { recursive: true });
    for (const [p, data] of Object.entries(files)) writeFileSync(join(wedding, p), data);
    const nas = join(base, 'nas');
    mkdirSync(nas); // a mounted share: there before Keepsake is
    const credentials = new CredentialStore(home);
    let config: Config = addFolder(newConfig(), join(base, 'Weddings'), 'weddings');
    config = {
      ...config,
      destinations: [
        { name: 'NAS', kind: 'local', path: nas, enabled: true, onLaptop: false },
      ] as Config['destinations'],
    };
    config = await addAzurite(config, azure, credentials);
    config = await addGcsEmulator(config, gcs);
    saveConfig(home, config);
    const engine = Engine.open({ home });
    try {
      const st = await engine.backupOnce();
      expect(st.allProtected, JSON.stringify({ w: st.weddings, p: st.problems, x: st.warnings })).toBe(true);
    } finally {
      await engine.close();
    }
  });

  afterAll(async () => {
    await Promise.all([azure.teardown!(), gcs.stop()]);
  });

  it('plans, applies and checks colder classes; the cost report and the audit trail follow; restore still works', async () => {
    const later = new ManualClock(Date.now() + 200 * 86_400_000);
    const engine = Engine.open({ home, clock: later });
    try {
      const plan = await engine.optimizationPlan();
      const w = plan.weddings.find((x) => x.label.includes('Garcia'))!;
      expect(w.temperature).toBe('cold');
      // The NAS stays readable at once, so Azure may go to Archive; GCS Archive is readable at once.
      expect(w.moves.map((m) => [m.destination, m.from, m.to]).sort()).toEqual([
        ['Azure', 'Hot', 'Archive'],
        ['GCS', 'STANDARD', 'ARCHIVE'],
      ]);
      expect(plan.monthly.optimized).toBeLessThan(plan.monthly.today);
      const before = costReport(engine.store, engine.config, later.now()).monthlyTotal;

      const { applied } = await engine.applyOptimization();
      expect(applied.map((a) => [a.destination, a.moved, a.failed])).toEqual(
        expect.arrayContaining([
          ['Azure', 3, 0],
          ['GCS', 3, 0],
        ]),
      );

      // The servers say so: each object reports its new class.
      const listed = async (name: string) => {
        const repo = engine.repos.find((r) => r.name === name)!;
        const classes: string[] = [];
        for await (const o of repo.dest.list('objects/')) classes.push(o.storageClass ?? '?');
        return classes;
      };
      expect(await listed('Azure')).toEqual(['Archive', 'Archive', 'Archive']);
      expect(await listed('GCS')).toEqual(['ARCHIVE', 'ARCHIVE', 'ARCHIVE']);

      // Priced in their new classes, and audited.
      const report = costReport(engine.store, engine.config, later.now());
      expect(report.destinations.map((d) => d.name)).toEqual(
        expect.arrayContaining(['Azure (Archive)', 'GCS (ARCHIVE)']),
      );
      expect(report.monthlyTotal).toBeLessThan(before);
      const audit = engine.audit.query({ kinds: ['storage-class'], limit: 10 });
      expect(audit.map((e) => e.subject).sort()).toEqual(['Hot to Archive', 'STANDARD to ARCHIVE']);

      // Nothing left to move, and the wedding still restores byte for byte (Azure's copies are archived).
      const again = await engine.optimizationPlan();
      expect(again.weddings.find((x) => x.label.includes('Garcia'))!.moves).toEqual([]);
      const target = join(base, 'restored');
      const r = await engine.restore({ wedding: '2026-06-14-garcia-chen', target });
      expect(r.restored).toBe(3);
      for (const [p, data] of Object.entries(files))
        expect(readFileSync(join(target, p)).equals(data)).toBe(true);
    } finally {
      await engine.close();
    }
  });
});
