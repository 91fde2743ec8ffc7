import type { DestinationFacts } from '../../../shared/model/policy.js';
import { byString, formatBytes, quoted } from './describe.js';

/** A candidate that cannot take the object now, and why. */
export interface Excluded {
  facts: DestinationFacts;
  why: 'down' | 'full';
  /** Plain-language reason: `'NAS' is down`. */
  text: string;
}

/**
 * Splits candidates into those that can hold the object now and those that cannot: a `down`
 * destination (even one holding a copy: that copy cannot be checked now) and one without room for
 * the object (unless it already holds it). Both lists are in name order. Names must be unique.
 */
export function usableFor(
  size: number,
  candidates: readonly DestinationFacts[],
): { usable: DestinationFacts[]; excluded: Excluded[] } {
  const sorted = [...candidates].sort((a, b) => byString(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name)
      throw new Error(`placement: destination ${quoted(sorted[i]!)} is listed twice`);
  }
  const usable: DestinationFacts[] = [];
  const excluded: Excluded[] = [];
  for (const d of sorted) {
    if (d.health === 'down')
      excluded.push({
        facts: d,
        why: 'down',
        text: `${quoted(d)} is down${d.healthReason ? ` (${d.healthReason})` : ''}`,
      });
    else if (!fits(d, size))
      excluded.push({
        facts: d,
        why: 'full',
        text: `${quoted(d)} is full (${formatBytes(d.freeBytes ?? 0)} free, the object is ${formatBytes(size)})${d.healthReason ? `: ${d.healthReason}` : ''}`,
      });
    else usable.push(d);
  }
  return { usable, excluded };
}

/** The object fits: already there, room unknown or unlimited, or enough room left. */
export function fits(d: DestinationFacts, size: number): boolean {
  return d.alreadyHas || d.freeBytes === null || d.freeBytes === undefined || d.freeBytes >= size;
}
