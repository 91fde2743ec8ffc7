import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { PRIORITY } from '../policy/priority.js';
import { randomBytesFor } from '../testing/corpus.js';
import { makeTestHome, type TestHome } from '../testing/home.js';

const HOUR = 3_600_000;

/** Writes `count` files of a wedding folder; returns their paths. */
async function weddingFiles(h: TestHome, name: string, count: number): Promise<string[]> {
  const dir = await h.wedding(name);
  await mkdir(join(dir, 'RAW'));
  const paths: string[] = [];
  for (let i = 1; i <= count; i++) {
    const path = join(dir, 'RAW', `IMG_${1000 + i}.CR3`);
    await writeFile(path, randomBytesFor(`${name}/${i}`, 50_000 + i));
    paths.push(path);
  }
  return paths;
}

/**
 * Wedding-day critical work runs before older work queued earlier, through the real engine with one
 * upload at a time: an old wedding (200 days ago) is imported one day and only partly backed up; the
 * next day this week's wedding comes in, and every file of it is backed up before the rest of the old
 * one. Two vault folders on one disk are one provider, so the policies ask for 2 copies on 1 provider
 * here: the order is what is tested, not the spread.
 */
describe('critical first', () => {
  let h: TestHome;
  beforeEach(async () => {
    h = await makeTestHome({ destinations: ['A', 'B'], concurrency: 1 });
    h.configure((c) => ({
      ...c,
      protection: { copies: 'policy', laptopCounts: false },
      policies: {
        ...c.policies,
        critical: { ...c.policies.critical, distinctProviders: 1, offLaptopCopies: 0 },
        standard: { ...c.policies.standard, distinctProviders: 1 },
      },
    }));
  });
  afterEach(() => h.remove());

  it("this week's wedding is protected before an older wedding queued the day before", async () => {
    const clock = new ManualClock(Date.parse('2026-06-13T09:00:00Z'));
    const engine = h.open({ clock, utcOffsetMinutes: 0 });
    try {
      // Saturday: a wedding of 200 days ago is imported; 3 of its 12 files are backed up, then the
      // run stops. Its files came in that day, so it was critical then, and its jobs say so.
      const old = await weddingFiles(h, '2025-11-26 Old & Couple', 12);
      const stop = new AbortController();
      const saturday: string[] = [];
      engine.on('file', (path, o) => {
        if (o.kind === 'protected' && saturday.push(path) === 3) stop.abort();
      });
      await engine.backupOnce(stop.signal);
      engine.removeAllListeners('file');
      const oldId = engine.store.weddings.bySlug('2025-11-26-old-couple')!.id;
      const queuedPriorities = () =>
        engine.store.db
          .prepare(
            `SELECT f.wedding_id AS w, j.priority AS p, count(*) AS n FROM jobs j JOIN files f ON f.id = CAST(j.subject AS INTEGER)
             WHERE j.kind = 'upload' GROUP BY 1, 2 ORDER BY 1, 2`,
          )
          .all() as { w: number; p: number; n: number }[];
      expect(queuedPriorities()).toEqual([{ w: oldId, p: PRIORITY.critical, n: 9 }]);

      // Sunday: this week's wedding (on Tuesday) comes in while 9 old files still wait.
      clock.advance(25 * HOUR);
      const fresh = await weddingFiles(h, '2026-06-16 New & Couple', 6);
      await engine.scan();
      const newId = engine.store.weddings.bySlug('2026-06-16-new-couple')!.id;
      // The old wedding is standard today (22: 50 less one per week since), the new one critical.
      expect(queuedPriorities()).toEqual([
        { w: oldId, p: 22, n: 9 },
        { w: newId, p: PRIORITY.critical, n: 6 },
      ]);

      const order: string[] = [];
      const outcomes = new Set<string>();
      engine.on('file', (path, o) => {
        outcomes.add(o.kind);
        order.push(path);
      });
      const report = await engine.backupOnce();
      expect(saturday).toHaveLength(3);
      expect(outcomes).toEqual(new Set(['protected']));
      expect(order).toHaveLength(15);
      // Every critical file first, then the rest of the old wedding.
      expect(new Set(order.slice(0, 6))).toEqual(new Set(fresh));
      expect(new Set(order.slice(6))).toEqual(new Set(old.filter((p) => !saturday.includes(p))));

      // The audit trail tells the same order, and both weddings end protected under their policies.
      const backups = engine.audit
        .query({ kinds: ['backup'], since: clock.now() - HOUR, limit: 100, order: 'asc' })
        .map((e) => e.weddingId);
      expect(backups).toEqual([...Array<number>(6).fill(newId), ...Array<number>(9).fill(oldId)]);
      const byId = new Map(report.weddings.map((w) => [w.wedding!.id, w]));
      expect(byId.get(newId)).toMatchObject({ files: 6, protected: 6, belowTarget: 0 });
      expect(byId.get(newId)!.policy!.name).toBe('critical');
      expect(byId.get(newId)!.policy!.why).toMatch(/^critical: the wedding is in 2 days \(2026-06-16\)/);
      expect(byId.get(oldId)).toMatchObject({ files: 12, protected: 12, belowTarget: 0 });
      expect(byId.get(oldId)!.policy!.name).toBe('standard');
      expect(report.allProtected).toBe(true);
    } finally {
      await engine.close();
    }
  });
});
