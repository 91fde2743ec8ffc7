import { describe, expect, it } from 'vitest';
import type { CostTarget } from '../cost/model.js';
import { LIST_PRICES } from '../cost/prices.js';
import { optimizationPlan, type ClassedReplica, type PlanWedding } from './plan.js';

const GiB = 2 ** 30;
const DAY = 86_400_000;
const now = Date.parse('2027-03-01T12:00:00Z');

const s3: CostTarget = {
  name: 'S3',
  kind: 's3',
  provider: 'aws',
  storageClass: 'STANDARD',
  region: 'us-east-1',
};
const nas: CostTarget = {
  name: 'NAS',
  kind: 'local',
  provider: 'local',
  storageClass: 'local',
  region: null,
};

/** `n` objects of `bytes` at `destination`, stored `daysAgo` days ago, for wedding 1. */
function copies(
  destination: string,
  n: number,
  bytes: number,
  daysAgo: number,
  storageClass?: string,
): ClassedReplica[] {
  return Array.from({ length: n }, () => ({
    destination,
    bytes,
    storedAtMs: now - daysAgo * DAY,
    weddingId: 1,
    ...(storageClass ? { storageClass } : {}),
  }));
}

const wedding = (w: Partial<PlanWedding> = {}): PlanWedding => ({
  weddingId: 1,
  label: '2026-06-14 Smith & Jones',
  policy: 'archive',
  belowTarget: 0,
  temperature: 'cold',
  ...w,
});

function plan(w: PlanWedding, targets: CostTarget[], replicas: ClassedReplica[]) {
  return optimizationPlan({ weddings: [w], targets, replicas, book: LIST_PRICES, nowMs: now })[0]!;
}

// 100 objects of 1 GiB = 100 GiB. S3 list prices (us-east-1): Standard $0.023, Standard-IA $0.0125,
// Glacier IR $0.004, Deep Archive $0.00099 per GB-month; class-change requests $0.01 / $0.02 / $0.05
// per 1,000.
describe('the optimizer plan, against hand-computed examples', () => {
  it('a cold, delivered wedding with a NAS copy: its S3 copy goes to Deep Archive', () => {
    const p = plan(wedding(), [s3, nas], [...copies('S3', 100, GiB, 200), ...copies('NAS', 100, GiB, 200)]);
    expect(p.moves).toHaveLength(1);
    const m = p.moves[0]!;
    expect(m).toMatchObject({
      destination: 'S3',
      from: 'STANDARD',
      to: 'DEEP_ARCHIVE',
      objects: 100,
      readableAtOnce: false,
    });
    expect(m.monthlyNow).toBe(2_300_000); // 100 GiB x $0.023
    // 100 GiB x $0.00099 = $0.099, plus 40 KiB of index per object (32 at $0.00099, 8 at $0.023): 21 micro-dollars
    expect(m.monthlyAfter).toBe(99_000 + 3 + 18);
    expect(m.monthlySaving).toBe(2_300_000 - 99_021);
    expect(m.oneTime).toEqual({ requests: 5_000, earlyDeletion: 0, total: 5_000 }); // 100 x $0.05 / 1,000
    expect(m.breakEvenMonths).toBe(1);
  });

  it('without another readable copy it stops at Glacier Instant Retrieval', () => {
    const m = plan(wedding(), [s3], copies('S3', 100, GiB, 200)).moves[0]!;
    expect(m).toMatchObject({ to: 'GLACIER_IR', readableAtOnce: true, monthlyAfter: 400_000 });
    expect(m.oneTime.total).toBe(2_000);
  });

  it('a cooling wedding moves one step only: Standard-IA', () => {
    const m = plan(
      wedding({ temperature: 'cooling', policy: 'standard' }),
      [s3, nas],
      [...copies('S3', 100, GiB, 40), ...copies('NAS', 100, GiB, 40)],
    ).moves[0]!;
    expect(m).toMatchObject({ to: 'STANDARD_IA', monthlyAfter: 1_250_000, monthlySaving: 1_050_000 });
    expect(m.oneTime.total).toBe(1_000);
  });

  it('leaving a class early pays its remaining minimum days', () => {
    // In Standard-IA for 10 of its 30 days: per object 20 days x 1 GiB x $0.0125 / 30 = $0.0083333,
    // rounded per object to 8,333 micro-dollars (as the cost report's early-deletion figures), x 100.
    const m = plan(
      wedding(),
      [s3, nas],
      [...copies('S3', 100, GiB, 10, 'STANDARD_IA'), ...copies('NAS', 100, GiB, 10)],
    ).moves[0]!;
    expect(m).toMatchObject({ from: 'STANDARD_IA', to: 'DEEP_ARCHIVE' });
    expect(m.oneTime.earlyDeletion).toBe(833_300);
    expect(m.oneTime.total).toBe(833_300 + 5_000);
    expect(m.breakEvenMonths).toBe(1);
  });

  it('small sidecars are left alone: no colder class pays for itself within 12 months', () => {
    const p = plan(
      wedding(),
      [s3, nas],
      [...copies('S3', 1000, 4096, 200), ...copies('NAS', 1000, 4096, 200)],
    );
    expect(p.moves).toEqual([]);
    expect(p.reason).toMatch(/no colder class pays for itself within 12 months/);
  });

  it('never touches a critical wedding, one below target, or a hot one', () => {
    const stored = [...copies('S3', 100, GiB, 200), ...copies('NAS', 100, GiB, 200)];
    expect(plan(wedding({ policy: 'critical' }), [s3, nas], stored).reason).toMatch(/critical window/);
    expect(plan(wedding({ belowTarget: 3 }), [s3, nas], stored).reason).toMatch(
      /3 files below their copy target/,
    );
    expect(plan(wedding({ temperature: 'hot' }), [s3, nas], stored).moves).toEqual([]);
  });

  it('two cloud copies and no NAS: one goes offline, the other stays readable at once', () => {
    const gcs: CostTarget = {
      name: 'GCS',
      kind: 'gcs',
      provider: 'gcs',
      storageClass: 'STANDARD',
      region: null,
    };
    const p = plan(wedding(), [s3, gcs], [...copies('S3', 100, GiB, 200), ...copies('GCS', 100, GiB, 200)]);
    expect(p.moves.map((m) => [m.destination, m.to]).sort()).toEqual([
      ['GCS', 'ARCHIVE'], // GCS Archive is readable at once ($0.0012, 365 days minimum)
      ['S3', 'DEEP_ARCHIVE'],
    ]);
  });
});
