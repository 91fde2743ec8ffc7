/**
 * A studio over five years, priced by Keepsake's own cost model and optimizer (main/engine/cost,
 * main/engine/optimize) at the built-in list prices: 40 weddings a year of 100-250 GB, two cloud
 * copies (Amazon S3 and Backblaze B2), each wedding delivered 8 weeks after its day. It prints the
 * yearly bill of four ways to keep them:
 * - naive: every copy in its provider's hot class, forever;
 * - Keepsake today (without the optimizer): each copy in its destination's configured class, which
 *   here is the hot one, so the same bill as naive;
 * - Keepsake optimized: the optimizer's plan applied as each wedding cools (14 days after its last
 *   edit, the delivery) and turns cold (90 days after), with its one-time request and early-deletion
 *   charges;
 * - rclone to B2 by hand: one copy, on B2 only (half the copies: shown for scale, not as an equal).
 * Pure arithmetic on the model: no server is involved, so it needs no cold cache.
 */
import type { Temperature } from '../../shared/model/analysis.js';
import { monthlyCost, type CostTarget, type StoredReplica } from '../../main/engine/cost/model.js';
import { LIST_PRICES, type PriceBook } from '../../main/engine/cost/prices.js';
import { optimizationPlan } from '../../main/engine/optimize/plan.js';

export interface StudioSettings {
  years: number;
  weddingsPerYear: number;
  minGB: number;
  maxGB: number;
  /** Average stored object (a RAW, a JPEG, a clip). */
  objectMB: number;
  deliveredAfterDays: number;
}

export const defaultStudio: StudioSettings = {
  years: 5,
  weddingsPerYear: 40,
  minGB: 100,
  maxGB: 250,
  objectMB: 40,
  deliveredAfterDays: 56,
};

export interface StudioBill {
  settings: StudioSettings;
  /** USD per year, for each way of keeping the weddings. */
  years: { year: number; naive: number; today: number; optimized: number; rcloneB2: number }[];
  totals: { naive: number; today: number; optimized: number; rcloneB2: number };
  /** Optimized against naive over the five years, as a share. */
  saving: number;
  /** The classes the optimizer chose, in the order applied, with how many weddings. */
  moves: Record<string, number>;
}

const DAY = 86_400_000;
const MONTH_DAYS = 30;
const GiB = 2 ** 30;
const s3: CostTarget = {
  name: 'S3',
  kind: 's3',
  provider: 'aws',
  storageClass: 'STANDARD',
  region: 'us-east-1',
};
const b2: CostTarget = {
  name: 'B2',
  kind: 'b2',
  provider: 'b2',
  storageClass: 'STANDARD',
  region: 'us-west-004',
};

interface Wedding {
  day: number;
  objects: number;
  objectBytes: number;
  /** Class of the S3 copy from a day on. */
  s3Classes: { from: number; cls: string }[];
}

/** The yearly bills of the four ways (see the module comment). */
export function studioBill(
  settings: StudioSettings = defaultStudio,
  book: PriceBook = LIST_PRICES,
): StudioBill {
  const t0 = Date.parse('2027-01-01T00:00:00Z');
  const total = settings.years * settings.weddingsPerYear;
  const span = settings.maxGB - settings.minGB + 1;
  const weddings: Wedding[] = Array.from({ length: total }, (_, i) => {
    const gb = settings.minGB + ((i * 61) % span);
    const objects = Math.round((gb * 1024) / settings.objectMB);
    return {
      day: Math.floor((i * 365) / settings.weddingsPerYear),
      objects,
      objectBytes: Math.round((gb * GiB) / objects),
      s3Classes: [{ from: 0, cls: 'STANDARD' }],
    };
  });
  const oneTime = new Map<number, number>(); // month -> micro-dollars
  const moves: Record<string, number> = {};
  const replicasOf = (w: Wedding, destination: string, storedAtMs: number): StoredReplica[] =>
    Array.from({ length: w.objects }, () => ({
      destination,
      bytes: w.objectBytes,
      storedAtMs,
      weddingId: 1,
    }));

  // The optimizer, asked when each wedding cools and again when it turns cold.
  for (const w of weddings) {
    const lastEdit = w.day + settings.deliveredAfterDays;
    for (const [day, temperature] of [
      [lastEdit + 14, 'cooling'],
      [lastEdit + 90, 'cold'],
    ] as [number, Temperature][]) {
      const current = w.s3Classes[w.s3Classes.length - 1]!;
      const nowMs = t0 + day * DAY;
      const plan = optimizationPlan({
        weddings: [{ weddingId: 1, label: 'w', policy: 'archive', belowTarget: 0, temperature }],
        targets: [s3, b2],
        replicas: [
          ...replicasOf(w, 'S3', t0 + current.from * DAY).map((r) => ({ ...r, storageClass: current.cls })),
          ...replicasOf(w, 'B2', t0 + w.day * DAY),
        ],
        book,
        nowMs,
      })[0]!;
      for (const m of plan.moves) {
        w.s3Classes.push({ from: day, cls: m.to });
        const month = Math.floor(day / MONTH_DAYS);
        oneTime.set(month, (oneTime.get(month) ?? 0) + m.oneTime.total);
        moves[`${m.from} -> ${m.to}`] = (moves[`${m.from} -> ${m.to}`] ?? 0) + 1;
      }
    }
  }

  // The steady monthly charge of one wedding's copies in one class, cached by size and class.
  const cache = new Map<string, number>();
  const monthly = (w: Wedding, t: CostTarget, cls: string): number => {
    const key = `${t.name}/${cls}/${w.objects}/${w.objectBytes}`;
    let v = cache.get(key);
    if (v === undefined) {
      const d = monthlyCost(
        { destinations: [{ ...t, storageClass: cls }], replicas: replicasOf(w, t.name, 0) },
        book,
        400 * 365 * DAY,
      ).destinations[0]!;
      cache.set(key, (v = d.monthly.storage + d.monthly.objectOverhead));
    }
    return v;
  };
  const uploads = (w: Wedding, t: CostTarget) => {
    const p = book[t.provider as keyof PriceBook]!.classes[t.storageClass]!;
    return Math.round((w.objects * p.putPer1000 * 1e6) / 1000);
  };

  const years = Array.from({ length: settings.years }, (_, y) => ({
    year: y + 1,
    naive: 0,
    today: 0,
    optimized: 0,
    rcloneB2: 0,
  }));
  const months = settings.years * 12;
  for (let m = 0; m < months; m++) {
    const day = m * MONTH_DAYS;
    const yr = years[Math.min(settings.years - 1, Math.floor(m / 12))]!;
    let naive = 0;
    let optimized = oneTime.get(m) ?? 0;
    let rclone = 0;
    for (const w of weddings) {
      if (w.day >= day + MONTH_DAYS) continue;
      const fresh = w.day >= day; // uploaded this month: its requests are paid now
      const hot = monthly(w, s3, 'STANDARD') + monthly(w, b2, 'STANDARD');
      const cls = [...w.s3Classes].reverse().find((c) => c.from <= day)!.cls;
      const ups = fresh ? uploads(w, s3) + uploads(w, b2) : 0;
      naive += hot + ups;
      optimized += monthly(w, s3, cls) + monthly(w, b2, 'STANDARD') + ups;
      rclone += monthly(w, b2, 'STANDARD') + (fresh ? uploads(w, b2) : 0);
    }
    yr.naive += naive / 1e6;
    yr.today += naive / 1e6;
    yr.optimized += optimized / 1e6;
    yr.rcloneB2 += rclone / 1e6;
  }
  const sum = (k: 'naive' | 'today' | 'optimized' | 'rcloneB2') => years.reduce((n, y) => n + y[k], 0);
  const totals = {
    naive: sum('naive'),
    today: sum('today'),
    optimized: sum('optimized'),
    rcloneB2: sum('rcloneB2'),
  };
  return { settings, years, totals, saving: 1 - totals.optimized / totals.naive, moves };
}
