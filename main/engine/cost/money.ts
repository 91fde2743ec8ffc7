import type { Micros } from '../../../shared/model/cost.js';

/**
 * Exact money arithmetic. Prices are held as integer pico-dollars (1e-12 USD) so that every list
 * price, and every $/TB price divided by 1024 (Wasabi), is an integer; a charge is computed as one
 * exact fraction in BigInt and rounded once, half up, to whole micro-dollars. No float ever carries
 * money, so sums never drift.
 */

/** Pico-dollars per micro-dollar. */
export const PICO_PER_MICRO = 1_000_000n;

/** A price in USD (as written in a table or an override) as integer pico-dollars; at most 12 decimals. */
export function toPico(usd: number): bigint {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`not a price: ${usd}`);
  const [whole = '0', frac = ''] = usd.toFixed(12).split('.');
  return BigInt(whole) * 1_000_000_000_000n + BigInt(frac.padEnd(12, '0'));
}

/** True when `usd` has no more than 12 decimal places, so toPico keeps it exactly. */
export function isPicoExact(usd: number): boolean {
  if (!Number.isFinite(usd) || usd < 0) return false;
  return Number(usd.toFixed(12)) === usd;
}

/** `n / d` rounded half up, for non-negative `n` and positive `d`. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('division by a non-positive number');
  if (n < 0n) throw new RangeError('negative amount');
  return (n * 2n + d) / (2n * d);
}

/** `pico × count / divisor` rounded once to whole micro-dollars. */
export function picoToMicros(picoNumerator: bigint, divisor: bigint = 1n): Micros {
  return Number(divRound(picoNumerator, divisor * PICO_PER_MICRO));
}

/**
 * Splits `total` into integer parts proportional to `weights` that add up to `total` exactly
 * (largest remainder; ties go to the earlier entry). All-zero weights give everything to the first.
 */
export function allocate(total: Micros, weights: readonly bigint[]): Micros[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0));
  const t = BigInt(total);
  const floors = weights.map((w) => (t * w) / sum);
  const rems = weights.map((w, i) => ({ i, r: (t * w) % sum }));
  let left = t - floors.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rems) {
    if (left <= 0n) break;
    floors[i] = floors[i]! + 1n;
    left--;
  }
  return floors.map(Number);
}

/**
 * Dollars for a person: rounded half up to the cent. A non-zero amount under half a cent shows as
 * `<$0.01` rather than a misleading `$0.00`.
 */
export function formatUsd(micros: Micros): string {
  if (micros > 0 && micros < 5_000) return '<$0.01';
  const cents = divRound(BigInt(Math.abs(micros)), 10_000n);
  const s = `$${(cents / 100n).toLocaleString('en-US')}.${String(cents % 100n).padStart(2, '0')}`;
  return micros < 0 ? `-${s}` : s;
}
