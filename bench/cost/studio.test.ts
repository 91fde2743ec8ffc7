import { describe, expect, it } from 'vitest';
import { studioBill } from './studio.js';

describe('the studio cost model', () => {
  it('prices one 100 GB wedding for a year: hot, then Standard-IA, then Deep Archive on S3; B2 throughout', () => {
    const bill = studioBill({
      years: 1,
      weddingsPerYear: 1,
      minGB: 100,
      maxGB: 100,
      objectMB: 100,
      deliveredAfterDays: 56,
    });
    expect(bill.moves).toEqual({ 'STANDARD -> STANDARD_IA': 1, 'STANDARD_IA -> DEEP_ARCHIVE': 1 });
    // Naive: 12 months of 100 GiB in S3 Standard ($2.30) and on B2 (107.4 GB x $0.006 = $0.644), plus the
    // uploads' PUT requests (1,024 x $0.005 / 1,000 on S3; B2's are free).
    expect(bill.totals.naive).toBeCloseTo(12 * (2.3 + 0.644245) + 0.00512, 2);
    expect(bill.totals.today).toBe(bill.totals.naive);
    // Optimized: Standard for the first 70 days' months, IA to day 146, then Deep Archive ($0.099).
    expect(bill.totals.optimized).toBeLessThan(bill.totals.naive * 0.6); // about 2.4 hot months, 2.5 in IA, 7 in Deep Archive
    expect(bill.totals.optimized).toBeGreaterThan(12 * 0.644245);
    expect(bill.totals.rcloneB2).toBeCloseTo(12 * 0.644245, 2);
  });

  it('five years of 40 weddings: optimized is cheaper than naive and dearer than one B2 copy', () => {
    const bill = studioBill();
    expect(bill.years).toHaveLength(5);
    expect(bill.totals.optimized).toBeLessThan(bill.totals.naive);
    expect(bill.totals.optimized).toBeGreaterThan(bill.totals.rcloneB2);
    expect(bill.saving).toBeGreaterThan(0);
  });
});
