import { describe, expect, it } from 'vitest';
import {
  earlyDeletionCharge,
  monthlyCost,
  project,
  retrievalEstimate,
  type DestinationResult,
} from './model.js';
import { LIST_PRICES } from './prices.js';
import { DAY, GiB, KiB, NOW, scenarioReplicas, scenarioTargets } from './testing/scenario.js';

const run = () =>
  monthlyCost({ destinations: scenarioTargets(), replicas: scenarioReplicas() }, LIST_PRICES, NOW);
const dest = (c: ReturnType<typeof run>, name: string): DestinationResult =>
  c.destinations.find((d) => d.name === name)!;

/*
 * Hand calculation of the scenario (testing/scenario.ts), in micro-dollars (µ$), list prices:
 *
 * glacier (S3 GLACIER, $0.0036/GiB = 3600 µ$/GiB; each object +32 KiB at 3600 and +8 KiB at S3
 * Standard's 23000 µ$/GiB):
 *   W1: storage 4 GiB x 3600 = 14400; overhead (2x32768x3600 + 2x8192x23000) / 2^30
 *       = 612761600 / 1073741824 = 0.57 -> 1                                        => 14401
 *   W2: storage 6 x 3600 = 21600; overhead (32768x3600 + 8192x23000) / 2^30 = 0.29 -> 0   => 21600
 *   total 36001
 * wasabi ($6.99 per 1024 GiB = 6826.171875 µ$/GiB; 1 TiB minimum):
 *   W1: 4 x 6826.171875 = 27304.6875 -> 27305;  W2: 6 x 6826.171875 = 40957.03125 -> 40957
 *   shortfall (1024 - 10) x 6826.171875 = 6921738.28125 -> 6921738, split 4:6 by billed bytes:
 *     W1 2768695.2 -> 2768695, W2 4153042.8 -> 4153043 (the left-over µ$ goes to the larger remainder)
 *   total 27305 + 40957 + 6921738 = 6990000 = exactly $6.99, the 1 TB minimum
 * cold (GCS COLDLINE 4000 µ$/GiB): W1 4 x 4000 = 16000; W3 10 x 4000 = 40000; total 56000
 * ia (S3 STANDARD_IA 12500 µ$/GiB, 128 KiB minimum): W3 64 KiB -> storage 65536 x 12500 / 2^30
 *   = 0.76 -> 1; padding to 128 KiB: another 0.76 -> 1; total 2
 * vault (local): 0
 *
 * Weddings: W1 14401 + 27305 + 2768695 + 16000 = 2826401; W2 21600 + 40957 + 4153043 = 4215600;
 *   W3 40000 + 2 = 40002.  Total 7082003 = 36001 + 6990000 + 56000 + 2.
 * Baseline (all priced cloud bytes at 23000 µ$/GiB): 34 GiB + 64 KiB = 782000 + 1.40 -> 782001.
 */
describe('monthly cost of the fixed scenario', () => {
  it('matches the hand calculation per destination', () => {
    const c = run();
    const summary = Object.fromEntries(c.destinations.map((d) => [d.name, d.monthly]));
    expect(summary).toEqual({
      vault: { storage: 0, objectOverhead: 0, minimum: 0, total: 0 },
      glacier: { storage: 36000, objectOverhead: 1, minimum: 0, total: 36001 },
      wasabi: { storage: 68262, objectOverhead: 0, minimum: 6921738, total: 6990000 },
      cold: { storage: 56000, objectOverhead: 0, minimum: 0, total: 56000 },
      ia: { storage: 1, objectOverhead: 1, minimum: 0, total: 2 },
    });
    expect(c.total).toBe(7082003);
    expect(c.unattributed).toBe(0);
    expect(dest(c, 'vault').notes.join()).toMatch(/local disk.*cost 0/);
    expect(dest(c, 'wasabi').notes.join()).toMatch(
      /less than the 1 TB \(1024 GB\) Wasabi bills at minimum .*\$6\.92 a month/,
    );
  });

  it('matches the hand calculation per wedding, and the weddings add up to the total', () => {
    const c = run();
    const w = Object.fromEntries(c.weddings.map((x) => [String(x.weddingId), x]));
    expect(w['1']!.monthly).toBe(2826401);
    expect(w['1']!.byDestination).toEqual({ vault: 0, glacier: 14401, wasabi: 2796000, cold: 16000 });
    expect(w['2']!.monthly).toBe(4215600);
    expect(w['2']!.byDestination).toEqual({ vault: 0, glacier: 21600, wasabi: 4194000 });
    expect(w['3']!.monthly).toBe(40002);
    expect(w['3']!.byDestination).toEqual({ vault: 0, cold: 40000, ia: 2 });
    // Copies: W1 has 2 objects at 4 destinations; bytes count every copy.
    expect(w['1']!.objects).toBe(8);
    expect(w['1']!.bytes).toBe(16 * GiB);
    expect(c.weddings.reduce((s, x) => s + x.monthly, 0) + c.unattributed).toBe(c.total);
  });

  it('sums destinations into classes', () => {
    const c = run();
    const byClass = Object.fromEntries(
      c.classes.map((k) => [`${k.provider}/${k.storageClass}`, k.monthly.total]),
    );
    expect(byClass).toEqual({
      'local/local': 0,
      'aws/GLACIER': 36001,
      'wasabi/STANDARD': 6990000,
      'gcs/COLDLINE': 56000,
      'aws/STANDARD_IA': 2,
    });
  });

  it('compares with everything in S3 Standard and projects 12 steady months', () => {
    const c = run();
    expect(c.baseline).toBe(782001);
    const p = project(c, LIST_PRICES);
    expect(p.months).toEqual(Array.from({ length: 12 }, () => 7082003));
    expect(p.total).toBe(12 * 7082003);
  });

  /*
   * Early-deletion exposure (what deleting everything now would add), 30-day months:
   * glacier: W1's two objects have 30 of 90 days left, W2's none: (4 GiB + 2x32 KiB) x 30 days x 3600 / 30
   *   = 14400.22 -> 14400.  wasabi: W1 4 GiB x 30 days of 90 left x 6826.171875 / 30 = 27304.69 -> 27305.
   * cold: W1 4 GiB x 30 days + W3 10 GiB x 80 days = 920 GiB-days x 4000 / 30 = 122666.67 -> 122667.
   * ia: 128 KiB x 20 days of 30 left x 12500 / 30 / 2^30 = 32768000000 / 32212254720 = 1.02 -> 1.
   */
  it('knows what deleting everything now would add in early-deletion charges', () => {
    const c = run();
    expect(Object.fromEntries(c.destinations.map((d) => [d.name, d.earlyDeletionExposure]))).toEqual({
      vault: 0,
      glacier: 14400,
      wasabi: 27305,
      cold: 122667,
      ia: 1,
    });
  });

  it('charges one PUT per uploaded object', () => {
    const c = run();
    // glacier: 3 objects x $0.03 / 1000 = 90 µ$; cold: 3 x $0.02/1000 = 60 µ$; wasabi: free.
    expect(dest(c, 'glacier').uploadRequests).toBe(90);
    expect(dest(c, 'cold').uploadRequests).toBe(60);
    expect(dest(c, 'wasabi').uploadRequests).toBe(0);
  });
});

describe('account minimums', () => {
  it('charges a Wasabi destination that stores nothing its whole minimum, to no wedding', () => {
    const c = monthlyCost(
      { destinations: scenarioTargets().filter((t) => t.name === 'wasabi'), replicas: [] },
      LIST_PRICES,
      NOW,
    );
    expect(c.total).toBe(6990000);
    expect(c.unattributed).toBe(6990000);
    expect(c.weddings).toEqual([]);
  });

  it('adds no minimum once 1 TB is stored', () => {
    const c = monthlyCost(
      {
        destinations: scenarioTargets().filter((t) => t.name === 'wasabi'),
        replicas: [{ destination: 'wasabi', bytes: 1100 * GiB, storedAtMs: NOW - 200 * DAY, weddingId: 1 }],
      },
      LIST_PRICES,
      NOW,
    );
    // 1100 x 6826.171875 = 7508789.0625 -> 7508789
    expect(c.destinations[0]!.monthly).toEqual({
      storage: 7508789,
      objectOverhead: 0,
      minimum: 0,
      total: 7508789,
    });
  });

  /*
   * Wasabi grows by 100 GiB a month. Months 0-10 stay under 1 TiB, so the bill does not move (the
   * minimum shrinks as storage grows), except month 3 where the two roundings add 1 µ$:
   * 300 x 6826.171875 = 2047851.5625 -> 2047852 and 714 x 6826.171875 = 4873886.71875 -> 4873887, one
   * more than 6921738. Month 11 holds 1110 GiB: no minimum, 1100 GiB added = 7508789.0625 -> 7508789,
   * so 7082003 + 7508789 - 6921738 = 7669054.
   */
  it('projects a growing archive filling the minimum', () => {
    const c = run();
    const p = project(c, LIST_PRICES, 12, { wasabi: { bytes: 100 * GiB, objects: 1000 } });
    expect(p.months[0]).toBe(7082003);
    expect(p.months[1]).toBe(7082003);
    expect(p.months[3]).toBe(7082004);
    expect(p.months[10]).toBe(7082003);
    expect(p.months[11]).toBe(7669054);
    expect(p.total).toBe(p.months.reduce((a, b) => a + b, 0));
  });
});

describe('early deletion', () => {
  it('charges a Glacier object deleted after 45.5 days for the 45 days left', () => {
    // (1 GiB + 32 KiB) x 45 days x 3600 µ$/GiB-month / 30 = 5400 x (1 + 1/32768) = 5400.16 -> 5400
    const r = earlyDeletionCharge(
      { bytes: GiB, storedAtMs: NOW },
      NOW + 45.5 * DAY,
      'aws',
      'GLACIER',
      LIST_PRICES,
    );
    expect(r).toEqual({ daysCharged: 45, charge: 5400 });
  });

  it('charges nothing once the minimum has passed, or for a class without one', () => {
    expect(
      earlyDeletionCharge({ bytes: GiB, storedAtMs: 0 }, 91 * DAY, 'aws', 'GLACIER', LIST_PRICES),
    ).toEqual({
      daysCharged: 0,
      charge: 0,
    });
    expect(earlyDeletionCharge({ bytes: GiB, storedAtMs: 0 }, DAY, 'aws', 'STANDARD', LIST_PRICES)).toEqual({
      daysCharged: 0,
      charge: 0,
    });
  });

  it('charges a Deep Archive object its padded size: a 1 KiB object is billed 33 KiB for 180 days', () => {
    // 33 KiB x 180 days x 990 µ$/GiB / 30 = 33792 x 5940 / 2^30 = 0.19 -> 0; 1 GiB: 5940
    expect(
      earlyDeletionCharge({ bytes: KiB, storedAtMs: 0 }, 0, 'aws', 'DEEP_ARCHIVE', LIST_PRICES)?.charge,
    ).toBe(0);
    expect(
      earlyDeletionCharge({ bytes: GiB, storedAtMs: 0 }, 0, 'aws', 'DEEP_ARCHIVE', LIST_PRICES)?.charge,
    ).toBe(5940);
  });

  it('knows nothing about an unpriced class', () => {
    expect(
      earlyDeletionCharge({ bytes: 1, storedAtMs: 0 }, 0, 'custom', 'STANDARD', LIST_PRICES),
    ).toBeUndefined();
  });
});

describe('retrieval estimates', () => {
  it('prices a standard Glacier restore: retrieval, requests, egress and the temporary copy', () => {
    // 6 GiB, 1 object: retrieval 6 x 10000 = 60000; requests ($0.05 + $0.0004)/1000 = 50.4 -> 50;
    // egress 6 x 90000 = 540000; 7-day copy at S3 Standard 6 x 23000 x 7/30 = 32200.
    const e = retrievalEstimate(6 * GiB, 1, 'aws', 'GLACIER', 'standard', LIST_PRICES);
    expect(e).toMatchObject({
      retrieval: 60000,
      requests: 50,
      egress: 540000,
      temporaryCopy: 32200,
      total: 632250,
    });
    expect(e.waitMinutes).toEqual({ min: 180, max: 300 });
  });

  it('prices a bulk Deep Archive restore of 100 GiB in 1000 objects', () => {
    // retrieval 100 x 2500 = 250000; requests 1000 x ($0.025 + $0.0004)/1000 = 25400; egress 9000000;
    // copy 100 x 23000 x 7/30 = 536666.67 -> 536667. Up to 48 hours.
    const e = retrievalEstimate(100 * GiB, 1000, 'aws', 'DEEP_ARCHIVE', 'bulk', LIST_PRICES);
    expect(e).toMatchObject({
      retrieval: 250000,
      requests: 25400,
      egress: 9000000,
      temporaryCopy: 536667,
      total: 9812067,
      waitMinutes: { min: 0, max: 2880 },
    });
    expect(retrievalEstimate(GiB, 1, 'aws', 'DEEP_ARCHIVE', 'fast', LIST_PRICES).notes.join()).toMatch(
      /no expedited/,
    );
  });

  it('gives B2 egress free up to three times what is stored', () => {
    // 2 GB out with 1 GB stored: 3 GB free -> 0. With 0.5 GB stored: 1.5 GB free, 0.5 GB x $0.01 = 5000.
    // 10 downloads x $0.0004/1000 = 4 µ$.
    expect(
      retrievalEstimate(2e9, 10, 'b2', 'STANDARD', 'standard', LIST_PRICES, { storedBytes: 1e9 }),
    ).toMatchObject({ egress: 0, requests: 4, total: 4 });
    expect(
      retrievalEstimate(2e9, 10, 'b2', 'STANDARD', 'standard', LIST_PRICES, { storedBytes: 0.5e9 }),
    ).toMatchObject({ egress: 5000, total: 5004 });
  });

  it('is free and immediate from a local disk, and says so', () => {
    const e = retrievalEstimate(GiB, 1, 'local', 'local', 'fast', LIST_PRICES);
    expect(e).toMatchObject({ total: 0, waitMinutes: { min: 0, max: 0 } });
    expect(e.notes.join()).toMatch(/local disk/);
  });

  it('gives every destination a full-restore estimate at standard speed', () => {
    const c = run();
    // cold: 14 GiB from Coldline: retrieval 14 x 20000 = 280000, egress 14 x 120000 = 1680000,
    // GETs 3 x $0.01/1000 = 30 µ$.
    expect(dest(c, 'cold').fullRestore).toMatchObject({
      retrieval: 280000,
      egress: 1680000,
      requests: 30,
      total: 1960030,
    });
    expect(dest(c, 'vault').fullRestore?.total).toBe(0);
  });
});

describe('destinations without a price', () => {
  it('counts an S3-compatible endpoint as 0, flags it, and leaves it out of the baseline', () => {
    const c = monthlyCost(
      {
        destinations: [
          { name: 'nas', kind: 's3', provider: 'custom', storageClass: 'STANDARD', region: 'us-east-1' },
        ],
        replicas: [{ destination: 'nas', bytes: GiB, storedAtMs: 0, weddingId: 1 }],
      },
      LIST_PRICES,
      NOW,
    );
    expect(c.destinations[0]).toMatchObject({ priced: false, fullRestore: null, monthly: { total: 0 } });
    expect(c.destinations[0]!.notes.join()).toMatch(/priceOverrides\.custom/);
    expect(c.baseline).toBe(0);
  });

  it('reports replicas at a destination no longer configured instead of losing them', () => {
    const c = monthlyCost(
      { destinations: [], replicas: [{ destination: 'old', bytes: 5, storedAtMs: 0, weddingId: null }] },
      LIST_PRICES,
      NOW,
    );
    expect(c.unknownDestinations).toEqual([{ name: 'old', objects: 1, bytes: 5 }]);
    expect(c.total).toBe(0);
  });

  it('notes when an S3 bucket is outside the region whose prices are used', () => {
    const c = monthlyCost(
      {
        destinations: [
          { name: 'eu', kind: 's3', provider: 'aws', storageClass: 'STANDARD', region: 'eu-central-1' },
        ],
        replicas: [],
      },
      LIST_PRICES,
      NOW,
    );
    expect(c.destinations[0]!.notes.join()).toMatch(/us-east-1 list prices; eu-central-1 may differ/);
  });
});
