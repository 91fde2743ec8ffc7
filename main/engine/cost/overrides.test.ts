import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-file.js';
import { earlyDeletionCharge, monthlyCost } from './model.js';
import { applyOverrides, parsePriceOverrides, priceOverridesSchema } from './overrides.js';
import { LIST_PRICES } from './prices.js';
import { GiB, NOW, scenarioReplicas, scenarioTargets } from './testing/scenario.js';

describe('price overrides', () => {
  it('change only the figures given, and leave the list prices untouched', () => {
    const { book, overridden } = applyOverrides(
      LIST_PRICES,
      parsePriceOverrides({
        aws: { classes: { GLACIER: { storagePerGBMonth: 0.004, retrieval: { bulk: { perGB: 0.001 } } } } },
      }),
    );
    expect([...overridden]).toEqual(['aws']);
    expect(book.aws!.classes.GLACIER!.storagePerGBMonth).toBe(0.004);
    expect(book.aws!.classes.GLACIER!.minStorageDays).toBe(90);
    expect(book.aws!.classes.GLACIER!.retrieval.bulk).toEqual({
      perGB: 0.001,
      requestsPer1000: 0,
      waitMinutes: { min: 300, max: 720 },
    });
    expect(book.aws!.classes.STANDARD).toBe(LIST_PRICES.aws!.classes.STANDARD);
    expect(LIST_PRICES.aws!.classes.GLACIER!.storagePerGBMonth).toBe(0.0036);
    expect(book.gcs).toBe(LIST_PRICES.gcs);
  });

  /*
   * Overrides applied to the fixed scenario:
   * glacier at $0.004: W1 4 GiB x 4000 = 16000, overhead (2x32768x4000 + 2x8192x23000)/2^30
   *   = 638976000/1073741824 = 0.60 -> 1; W2 6 x 4000 = 24000, overhead 0.31 -> 0. Total 40001.
   * wasabi at $5.99 per TB and a 0 minimum: 10 GiB x 5849.609375 = 58496.09 split W1 23398.4375 -> 23398,
   *   W2 35097.65625 -> 35098. Total 58496, no minimum.
   * cold and ia unchanged: 56000 + 2.  Total 40001 + 58496 + 56000 + 2 = 154499.
   */
  it('apply to the cost of the fixed scenario', () => {
    const { book } = applyOverrides(
      LIST_PRICES,
      parsePriceOverrides({
        aws: { classes: { GLACIER: { storagePerGBMonth: 0.004 } } },
        wasabi: { minMonthlyBytes: 0, classes: { STANDARD: { storagePerGBMonth: 5.99 / 1024 } } },
      }),
    );
    const c = monthlyCost({ destinations: scenarioTargets(), replicas: scenarioReplicas() }, book, NOW);
    const totals = Object.fromEntries(c.destinations.map((d) => [d.name, d.monthly.total]));
    expect(totals).toEqual({ vault: 0, glacier: 40001, wasabi: 58496, cold: 56000, ia: 2 });
    expect(c.total).toBe(154499);
    // The early-deletion charge follows the overridden rate: 1 GiB + 32 KiB, 45 days, $0.004.
    expect(
      earlyDeletionCharge({ bytes: GiB, storedAtMs: 0 }, 45 * 86_400_000, 'aws', 'GLACIER', book),
    ).toEqual({
      daysCharged: 45,
      charge: 6000,
    });
  });

  it('give an S3-compatible endpoint a price', () => {
    const { book } = applyOverrides(
      LIST_PRICES,
      parsePriceOverrides({
        custom: { label: 'Studio NAS', classes: { STANDARD: { storagePerGBMonth: 0.001 } } },
      }),
    );
    const c = monthlyCost(
      {
        destinations: [
          { name: 'nas', kind: 's3', provider: 'custom', storageClass: 'STANDARD', region: 'x' },
        ],
        replicas: [{ destination: 'nas', bytes: 3 * GiB, storedAtMs: 0, weddingId: 1 }],
      },
      book,
      NOW,
    );
    expect(c.destinations[0]).toMatchObject({ priced: true, monthly: { total: 3000 } });
    expect(book.custom?.label).toBe('Studio NAS');
  });

  it('reject what they cannot mean, naming the key', () => {
    const bad = (json: unknown) => {
      const r = priceOverridesSchema.safeParse(json);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(bad({ aws: { classes: { DEEP_GLACIER: { storagePerGBMonth: 1 } } } })[0]).toMatch(
      /aws\.classes\.DEEP_GLACIER: not a aws storage class .*DEEP_ARCHIVE/,
    );
    expect(bad({ gcs: { classes: { STANDARD: { storagePerGBMonth: -1 } } } })[0]).toMatch(/0 or more/);
    expect(bad({ gcs: { egressPerGB: 1e-13 } })[0]).toMatch(/12 decimal places/);
    expect(bad({ b2: { bytesPerGB: 1000 } })[0]).toMatch(/b2\.bytesPerGB/);
    expect(bad({ azure: { colour: 'blue' } }).length).toBeGreaterThan(0);
    expect(bad({ dropbox: {} }).length).toBeGreaterThan(0);
    expect(bad({ custom: { label: 'NAS' } })[0]).toMatch(
      /custom\.classes\.STANDARD\.storagePerGBMonth: .*no list price/,
    );
    expect(bad({})).toEqual([]);
    expect(() => parsePriceOverrides({ aws: { egressPerGB: 'free' } })).toThrow(ConfigError);
    expect(() => parsePriceOverrides({ aws: { egressPerGB: 'free' } })).toThrow(
      /priceOverrides\.aws\.egressPerGB/,
    );
  });
});
