import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { objectKey } from '../repo/layout.js';
import { listFiles } from '../testing/inspect.js';
import { ProtectionServers, threeDestinationHome, type ThreeDestinationHome } from './testing/servers.js';

/** The content hashes of a wedding's live files. */
function hashesOf(engine: Engine, slug: string): string[] {
  const id = engine.store.weddings.bySlug(slug)!.id;
  return engine.store.files
    .ofWedding(id)
    .filter((f) => f.state !== 'deleted')
    .map((f) => f.hash!);
}

/**
 * Finds the weddings (scan), flags `slug` as EU-resident with `settings` as the photographer would,
 * after the engine has already looked at its policy, then backs up once.
 */
async function backupWithResidency(
  engine: Engine,
  slug: string,
  settings: Parameters<Engine['store']['weddings']['setSettings']>[1],
) {
  await engine.prepare();
  await engine.scan();
  const id = engine.store.weddings.bySlug(slug)!.id;
  expect(engine.planner.policyOf(id).residency).toBeNull();
  engine.store.weddings.setSettings(id, settings);
  return engine.backupOnce();
}

/**
 * Residency through the real engine on S3 (s3rver), Azure (azurite) and a NAS folder: a wedding
 * flagged EU is only ever placed on destinations tagged EU, checked in the index and in the raw
 * bucket and folder contents; when the EU destinations cannot meet its policy it is reported below
 * target with the region named, and nothing is placed outside the region.
 */
describe('residency', () => {
  const servers = new ProtectionServers();
  let h: ThreeDestinationHome | undefined;
  beforeAll(() => servers.start());
  afterAll(() => servers.stop());
  afterEach(async () => {
    await h?.remove();
    h = undefined;
  });

  it('an EU wedding lands only on EU destinations, while another wedding uses S3', async () => {
    h = await threeDestinationHome(servers, { tags: { Azure: ['EU'], NAS: ['eu'] } });
    await h.wedding('2026-06-20 Dupont & Martin', 8, 60_000);
    await h.wedding('2026-06-21 Smith & Jones', 4, 60_000);
    const engine = h.open();
    try {
      const report = await backupWithResidency(engine, '2026-06-20-dupont-martin', { residency: 'EU' });
      expect(report.allProtected).toBe(true);
      const eu = report.weddings.find((w) => w.wedding!.slug === '2026-06-20-dupont-martin')!;
      expect(eu.policy).toMatchObject({ residency: 'EU' });
      expect(eu.policy!.why).toMatch(/only on destinations tagged EU/);
      expect(eu).toMatchObject({ files: 8, protected: 8, belowTarget: 0, shortfall: null });
      expect(eu.copies).toEqual({ S3: 0, Azure: 8, NAS: 8 });
      // The other wedding goes the cheapest way, which is S3 and the NAS: S3 was there to be used.
      const other = report.weddings.find((w) => w.wedding!.slug === '2026-06-21-smith-jones')!;
      expect(other.copies).toEqual({ S3: 4, Azure: 0, NAS: 4 });

      const euHashes = hashesOf(engine, '2026-06-20-dupont-martin');
      expect(euHashes).toHaveLength(8);
      for (const hash of euHashes) {
        expect(engine.store.objects.storedAt(hash).sort()).toEqual(['Azure', 'NAS']);
        expect(engine.store.placements.of(hash).map((p) => p.destination)).toEqual(['Azure', 'NAS']);
      }
      // Behind the engine's back: the bucket holds the other wedding's objects and none of the EU one's.
      const s3 = await servers.s3Keys(h.bucket);
      for (const hash of euHashes) expect(s3).not.toContain(objectKey(hash));
      expect(s3.filter((k) => k.includes('dupont-martin'))).toEqual([]);
      for (const hash of hashesOf(engine, '2026-06-21-smith-jones')) expect(s3).toContain(objectKey(hash));
      const azure = await servers.azureBlobs(h.container);
      const nas = await listFiles(h.nas);
      for (const hash of euHashes) {
        expect(azure).toContain(objectKey(hash));
        expect(nas).toContain(objectKey(hash));
      }
    } finally {
      await engine.close();
    }
  });

  it('with one EU destination and the standard policy (2 providers): below target, the region named, nothing placed elsewhere', async () => {
    h = await threeDestinationHome(servers, { tags: { Azure: ['EU'] } });
    await h.wedding('2026-06-20 Dupont & Martin', 5, 60_000);
    const engine = h.open();
    try {
      const report = await backupWithResidency(engine, '2026-06-20-dupont-martin', {
        residency: 'EU',
        override: { policy: 'standard' },
      });
      const w = report.weddings[0]!;
      expect(w.policy).toMatchObject({ name: 'standard', copies: 2, residency: 'EU' });
      expect(w).toMatchObject({ files: 5, protected: 0, pending: 5, belowTarget: 5 });
      expect(w.copies).toEqual({ S3: 0, Azure: 5, NAS: 0 });
      expect(w.shortfall).toMatch(/needs 2 copies on 2 different providers/);
      expect(w.shortfall).toMatch(
        /may only be on destinations tagged EU; not tagged EU, so not used: 'NAS', 'S3'/,
      );
      expect(report.allProtected).toBe(false);
      expect(report.warnings).toContainEqual(
        expect.stringMatching(/^Dupont & Martin cannot meet its policy: .*tagged EU/),
      );

      const hashes = hashesOf(engine, '2026-06-20-dupont-martin');
      expect(hashes).toHaveLength(5);
      for (const hash of hashes) {
        expect(engine.store.objects.storedAt(hash)).toEqual(['Azure']);
        expect(engine.store.placements.of(hash).map((p) => p.destination)).toEqual(['Azure']);
        expect(engine.planner.coverage(w.wedding!.id, hash)).toMatchObject({ met: false });
      }
      // Nothing of it in the bucket or on the NAS, not even a snapshot.
      const s3 = await servers.s3Keys(h.bucket);
      const nas = await listFiles(h.nas);
      for (const hash of hashes) {
        expect(s3).not.toContain(objectKey(hash));
        expect(nas).not.toContain(objectKey(hash));
      }
      expect([...s3, ...nas].filter((k) => k.startsWith('objects/') || k.includes('dupont-martin'))).toEqual(
        [],
      );
    } finally {
      await engine.close();
    }
  });
});
