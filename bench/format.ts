/** Number and table formatting for the benchmark's printed report. */

/** Seconds with two decimals below 10 s, one above. */
export const secs = (s: number | null | undefined): string =>
  s === null || s === undefined ? '-' : s < 10 ? s.toFixed(2) : s.toFixed(1);

/** Decimal megabytes per second (10^6 bytes/s). */
export const mbps = (bytes: number, seconds: number): number => (seconds > 0 ? bytes / seconds / 1e6 : 0);

export const fixed = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

/** Bytes as MiB (memory) with no decimals. */
export const mib = (b: number | null | undefined): string =>
  b === null || b === undefined ? '-' : (b / 1024 / 1024).toFixed(0);

/** Bytes as decimal GB/MB, whichever reads better. */
export function size(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e3).toFixed(1)} kB`;
}

/** a / b, or null when either is missing or b is 0. */
export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

/** `1.23x`, or `n/a`. */
export const times = (r: number | null): string => (r === null ? 'n/a' : `${r.toFixed(2)}x`);

/** A plain-text table: first row is the header; columns after the first are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
