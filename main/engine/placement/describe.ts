import type { DestinationFacts } from '../../../shared/model/policy.js';

/** Byte counts for reasons: 1.5 GB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** `'NAS'`: destination names as they appear in reasons. */
export const quoted = (d: { name: string }) => `'${d.name}'`;

/** `b2, 0.006/GB-month` or `aws DEEP_ARCHIVE, 0.00099/GB-month`: what a reason says about a destination. */
export function factsNote(d: DestinationFacts): string {
  const where = d.storageClass ? `${d.provider} ${d.storageClass}` : d.provider;
  return `${where}, ${Number(d.costPerGBMonth.toPrecision(3))}/GB-month`;
}

/** Plural with count: `1 copy`, `2 copies`. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Strings in code-unit order: locale-independent, so tie-breaking is the same everywhere. */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
