import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, divRound, formatUsd, isPicoExact, picoToMicros, toPico } from './money.js';

describe('exact money', () => {
  it('turns list prices into exact pico-dollars, Wasabi per-TB price included', () => {
    expect(toPico(0.023)).toBe(23_000_000_000n);
    expect(toPico(0.00099)).toBe(990_000_000n);
    expect(toPico(10)).toBe(10_000_000_000_000n);
    // $6.99 per 1024 GB = $0.006826171875 per GB exactly.
    expect(toPico(6.99 / 1024)).toBe(6_826_171_875n);
    expect(toPico(6.99 / 1024) * 1024n).toBe(toPico(6.99));
    expect(() => toPico(-1)).toThrow(RangeError);
  });

  it('accepts prices with at most 12 decimal places', () => {
    expect(isPicoExact(0.0125)).toBe(true);
    expect(isPicoExact(0.000001644)).toBe(true);
    expect(isPicoExact(1e-13)).toBe(false);
    expect(isPicoExact(Number.NaN)).toBe(false);
  });

  it('rounds half up, once', () => {
    expect(divRound(5n, 10n)).toBe(1n);
    expect(divRound(4n, 10n)).toBe(0n);
    expect(divRound(15n, 10n)).toBe(2n);
    expect(divRound(0n, 7n)).toBe(0n);
    // 0.1 + 0.2 in floats is 0.30000000000000004; in pico-dollars it is exactly 0.3.
    expect(picoToMicros(toPico(0.1) + toPico(0.2))).toBe(300_000);
  });

  it('sums many small charges without drift', () => {
    // 10,000 GETs at $0.0004 per 1000, one at a time in floats, drift; in pico they are exactly $0.004.
    let float = 0;
    let pico = 0n;
    for (let i = 0; i < 10_000; i++) {
      float += 0.0004 / 1000;
      pico += toPico(0.0004);
    }
    expect(float).not.toBe(0.004);
    expect(picoToMicros(pico, 1000n)).toBe(4000);
  });

  it('splits an amount into parts that add up to it exactly', () => {
    expect(allocate(10, [1n, 1n, 1n])).toEqual([4, 3, 3]);
    expect(allocate(6921738, [4n, 6n])).toEqual([2768695, 4153043]);
    expect(allocate(7, [0n, 0n])).toEqual([7, 0]);
    expect(allocate(5, [])).toEqual([]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0n);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          // Each part is within one micro-dollar of its exact share.
          if (sum > 0n)
            parts.forEach((p, i) => {
              const exact = (Number(weights[i]!) / Number(sum)) * total;
              expect(Math.abs(p - exact)).toBeLessThanOrEqual(1 + exact * 1e-9);
            });
        },
      ),
    );
  });

  it('shows dollars rounded to the cent only at display', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(4_999)).toBe('<$0.01');
    expect(formatUsd(5_000)).toBe('$0.01');
    expect(formatUsd(6_990_000)).toBe('$6.99');
    expect(formatUsd(1_234_565_000)).toBe('$1,234.57');
    expect(formatUsd(-2_500_000)).toBe('-$2.50');
  });
});
