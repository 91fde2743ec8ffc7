import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { monthlyCost, project } from './model.js';
import { LIST_PRICES } from './prices.js';
import { costReport, storedReplicas } from './report.js';
import {
  DAY,
  GiB,
  NOW,
  fillStore,
  scenarioConfig,
  scenarioReplicas,
  scenarioTargets,
} from './testing/scenario.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-cost-'));
  dirs.push(dir);
  return Store.open(join(dir, 'keepsake.db'));
}

describe('cost report from a real store', () => {
  it('matches the pure model on the same replicas and the hand-calculated totals', () => {
    const store = openStore();
    const ids = fillStore(store);
    try {
      const report = costReport(store, scenarioConfig(), NOW);
      const pure = monthlyCost(
        {
          destinations: scenarioTargets(),
          replicas: scenarioReplicas().map((r) => ({ ...r, weddingId: ids[r.weddingId as 1 | 2 | 3] })),
        },
        LIST_PRICES,
        NOW,
      );
      expect(report.monthlyTotal).toBe(pure.total);
      expect(report.monthlyTotal).toBe(7082003);
      expect(report.destinations).toEqual(
        pure.destinations.map(({ byWedding: _b, unattributed: _u, ...d }) => d),
      );
      expect(report.classes).toEqual(pure.classes);
      expect(report.projection).toEqual(project(pure, LIST_PRICES));
      expect(report.baseline).toMatchObject({ monthly: 782001, monthlySaving: 782001 - 7082003 });
      expect(report.baseline.projection.total).toBe(12 * 782001);
      // Weddings in the store's order (date, newest first) with their names.
      expect(report.weddings.map((w) => [w.wedding?.couple, w.monthly])).toEqual([
        ['Cruz & Diaz', 40002],
        ['Smith & Jones', 2826401],
        ['Lee & Park', 4215600],
      ]);
      expect(report.weddings.reduce((s, w) => s + w.monthly, 0) + report.unattributed).toBe(
        report.monthlyTotal,
      );
      expect(report.generatedAt).toBe('2026-06-14T12:00:00.000Z');
      expect(report.prices.map((p) => p.provider).sort()).toEqual(['aws', 'gcs', 'wasabi']);
      expect(report.prices.every((p) => !p.overridden && /^https:\/\//.test(p.source) && p.asOf)).toBe(true);
    } finally {
      store.close();
    }
  });

  it('counts only stored replicas, and charges a shared object to the wedding that had it first', () => {
    const store = openStore();
    const ids = fillStore(store);
    try {
      const before = costReport(store, scenarioConfig(), NOW);
      // Wedding 3's 10 GiB object is found corrupt at cold: it no longer counts there.
      store.objects.markBad('d'.repeat(64), 'cold', 'corrupt', NOW);
      // The same 6 GiB content as wedding 2's file shows up later in wedding 1's folder.
      const folder = store.folders.list()[0]!;
      const stat = { size: 6 * GiB, mtimeMs: NOW, ino: '999', dev: '1' };
      const { file } = store.files.seen(
        {
          path: '/photos/weddings/w1/COPY.CR3',
          folderId: folder.id,
          weddingId: ids[1],
          relPath: 'COPY.CR3',
          stat,
        },
        NOW,
      );
      store.files.setHash(file.id, 'c'.repeat(64), stat, NOW);
      const after = costReport(store, scenarioConfig(), NOW);
      const w = (r: typeof after, id: number) => r.weddings.find((x) => x.wedding?.id === id)!;
      expect(w(after, ids[3]).byDestination.cold).toBeUndefined();
      expect(w(after, ids[3]).monthly).toBe(2);
      expect(after.monthlyTotal).toBe(before.monthlyTotal - 40000);
      // Wedding 2 indexed it first: it keeps the whole charge; wedding 1 pays nothing more.
      expect(w(after, ids[2]).monthly).toBe(w(before, ids[2]).monthly);
      expect(w(after, ids[1]).monthly).toBe(w(before, ids[1]).monthly);
      // Once wedding 2's file is gone from disk, its stored copy is still wedding 2's.
      store.files.markDeleted('/photos/weddings/w2/IMG_2.CR3', NOW);
      expect(w(costReport(store, scenarioConfig(), NOW), ids[2]).monthly).toBe(w(before, ids[2]).monthly);
    } finally {
      store.close();
    }
  });

  it('lists files in no wedding, weddings with nothing stored, and stores no longer configured', () => {
    const store = openStore();
    try {
      const folder = store.folders.add('/photos/import', 'import', NOW);
      const empty = store.weddings.create(
        { slugBase: 'new', couple: 'New & Couple', date: null, source: 'user' },
        NOW,
      );
      const stat = { size: 2 * GiB, mtimeMs: NOW, ino: '1', dev: '1' };
      const { file } = store.files.seen(
        { path: '/photos/import/a.jpg', folderId: folder.id, weddingId: null, relPath: 'a.jpg', stat },
        NOW,
      );
      store.objects.ensure('f'.repeat(64), 2 * GiB, null, NOW);
      store.files.setHash(file.id, 'f'.repeat(64), stat, NOW);
      store.objects.markStored('f'.repeat(64), 'cold', NOW - DAY);
      store.objects.markStored('f'.repeat(64), 'gone', NOW - DAY);
      const r = costReport(store, scenarioConfig(), NOW);
      expect(r.weddings).toEqual([
        {
          wedding: { id: empty.id, slug: 'new', couple: 'New & Couple', date: null },
          objects: 0,
          bytes: 0,
          monthly: 0,
          byDestination: {},
        },
        // 2 GiB at Coldline: 8000; Wasabi stores nothing, so its $6.99 minimum belongs to no wedding.
        { wedding: null, objects: 1, bytes: 2 * GiB, monthly: 8000, byDestination: { cold: 8000 } },
      ]);
      expect(r.unattributed).toBe(6990000);
      expect(r.monthlyTotal).toBe(6998000);
      expect(r.notes.join('\n')).toMatch(/stored at "gone", which is no longer configured: not costed/);
    } finally {
      store.close();
    }
  });

  it("takes the config's price overrides, and says the prices are no longer list prices", () => {
    const store = openStore();
    fillStore(store);
    try {
      const config = {
        ...scenarioConfig(),
        priceOverrides: { gcs: { classes: { COLDLINE: { storagePerGBMonth: 0.002 } } } },
      };
      const r = costReport(store, config, NOW);
      // cold halves: 56000 -> 28000.
      expect(r.destinations.find((d) => d.name === 'cold')!.monthly.total).toBe(28000);
      expect(r.monthlyTotal).toBe(7082003 - 28000);
      expect(r.prices.find((p) => p.provider === 'gcs')!.overridden).toBe(true);
      expect(r.notes.join()).toMatch(/Google Cloud Storage include your overrides/);
      expect(() =>
        costReport(store, { ...config, priceOverrides: { gcs: { egressPerGB: -1 } } }, NOW),
      ).toThrow(/priceOverrides\.gcs\.egressPerGB/);
    } finally {
      store.close();
    }
  });

  it('reads replicas lazily from the database', () => {
    const store = openStore();
    fillStore(store);
    try {
      const rows = [...storedReplicas(store)];
      expect(rows).toHaveLength(scenarioReplicas().length);
      expect(rows[0]).toEqual({
        destination: expect.any(String),
        bytes: expect.any(Number),
        storedAtMs: expect.any(Number),
        weddingId: expect.any(Number),
        storageClass: null, // in its destination's class: the optimizer has not moved it
      });
    } finally {
      store.close();
    }
  });
});
