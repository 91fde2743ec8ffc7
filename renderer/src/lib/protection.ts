import type { DestinationStatus } from '../../../shared/model/status.js';
import type { WeddingStatus } from '../../../shared/model/wedding.js';
import { percent, plural } from './format.js';

/** How one destination stands for one wedding, as its badge shows it. */
export type DestinationBadge =
  | { kind: 'protected' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'failed'; reason: string }
  /** The destination cannot be reached now: its copies wait, and Keepsake retries on its own. */
  | { kind: 'waiting'; reason: string }
  /** It holds the wedding's copies but cannot be reached now: they do not count until it is back. */
  | { kind: 'unreachable'; held: number; of: number; reason: string }
  | { kind: 'not-required' };

/** Files of a wedding that need copies: everything live except files skipped on purpose. */
export function needed(w: WeddingStatus): number {
  return w.files - w.skipped;
}

/**
 * The badge of one destination for one wedding: `protected` when it holds every file; `not required
 * by policy` when the wedding is protected without it (the target needs fewer copies, or a policy
 * places the files elsewhere); `unreachable` when it holds copies but cannot be reached now (they do
 * not count, as in status); `waiting` when it is down; `failed` when the wedding's uploads failed;
 * otherwise `uploading` with the share of files already there. `required` (from the wedding's
 * policy, when the engine tells it) overrides the guess.
 */
export function destinationBadge(
  w: WeddingStatus,
  dest: Pick<DestinationStatus, 'name' | 'reachable' | 'problem' | 'enabled'>,
  required?: readonly string[],
): DestinationBadge {
  const n = needed(w);
  const held = w.copies[dest.name] ?? 0;
  // Copies on a destination that cannot be reached now do not count (as in status): never "Protected".
  if (n > 0 && held > 0 && !dest.reachable && dest.enabled)
    return { kind: 'unreachable', held: Math.min(held, n), of: n, reason: dest.problem ?? 'not reachable' };
  if (n > 0 && held >= n) return { kind: 'protected' };
  if (required && !required.includes(dest.name)) return { kind: 'not-required' };
  if (!dest.enabled) return { kind: 'not-required' };
  if (!required && n > 0 && w.protected >= n) return { kind: 'not-required' };
  if (n === 0) return { kind: 'protected' };
  if (!dest.reachable) return { kind: 'waiting', reason: dest.problem ?? 'not reachable' };
  if (w.failed > 0 && w.pending === 0)
    return { kind: 'failed', reason: `${plural(w.failed, 'file')} could not be stored` };
  return { kind: 'uploading', percent: percent(held, n) };
}

/** What kind of medium a destination is, for the "2 kinds of media" of the 3-2-1 rule. */
export function mediumOf(kind: string): 'disk' | 'cloud' {
  return kind === 'local' ? 'disk' : 'cloud';
}

/** The 3-2-1 state of a wedding in numbers and in words. */
export interface Rule321 {
  copies: number;
  media: number;
  offsite: number;
  met: boolean;
  words: string;
  /** What is missing to meet 3-2-1, in words; empty when it is met. */
  missing: string[];
}

/**
 * Counts complete copies of a wedding: the originals on this computer, plus every destination that
 * holds all of its files. Kinds of media: this computer's disk and local destinations are `disk`,
 * cloud providers `cloud`. Off-site: complete copies at a cloud provider.
 */
export function rule321(
  w: WeddingStatus,
  destinations: readonly Pick<DestinationStatus, 'name' | 'kind'>[],
): Rule321 {
  const n = needed(w);
  const complete = destinations.filter((d) => n > 0 && (w.copies[d.name] ?? 0) >= n);
  const originals = n > 0 ? 1 : 0;
  const copies = originals + complete.length;
  const media = new Set([...(originals ? ['disk'] : []), ...complete.map((d) => mediumOf(d.kind))]).size;
  const offsite = complete.filter((d) => mediumOf(d.kind) === 'cloud').length;
  const missing: string[] = [];
  if (copies < 3) missing.push(`${plural(3 - copies, 'more complete copy', 'more complete copies')}`);
  if (media < 2) missing.push('a second kind of media (a cloud copy)');
  if (offsite < 1) missing.push('an off-site copy');
  return {
    copies,
    media,
    offsite,
    met: missing.length === 0,
    words: `${plural(copies, 'copy', 'copies')}, ${plural(media, 'kind')} of media, ${formatOffsite(offsite)}`,
    missing,
  };
}

function formatOffsite(n: number): string {
  return n === 0 ? 'none off-site' : `${n} off-site`;
}

/**
 * How much a wedding is at risk now: higher is worse. Failed files first, then unprotected ones and
 * files below their policy's target (copies only on a destination that is down, or too few).
 */
export function riskOf(w: WeddingStatus): number {
  const n = needed(w);
  if (n === 0) return 0;
  if (w.failed > 0) return 3;
  if (w.protected < n || (w.belowTarget ?? 0) > 0) return 2;
  return 0;
}

/** Weddings at risk first (worst first, then the nearest wedding day), then the others by date. */
export function byRisk(weddings: readonly WeddingStatus[]): WeddingStatus[] {
  return [...weddings].sort((a, b) => {
    const r = riskOf(b) - riskOf(a);
    if (r !== 0) return r;
    const da = a.wedding?.date ?? '';
    const db = b.wedding?.date ?? '';
    return da < db ? 1 : da > db ? -1 : 0;
  });
}

/** Protected share over all weddings (and unassigned files). */
export function overall(weddings: readonly WeddingStatus[]): {
  protected: number;
  needed: number;
  failed: number;
  pending: number;
  bytes: number;
  /** Files whose only copies are on the laptop's own disk (not counted as protected). */
  laptopOnly: number;
} {
  return weddings.reduce(
    (t, w) => ({
      protected: t.protected + w.protected,
      needed: t.needed + needed(w),
      failed: t.failed + w.failed,
      pending: t.pending + w.pending,
      bytes: t.bytes + w.bytes,
      laptopOnly: t.laptopOnly + (w.laptopOnly ?? 0),
    }),
    { protected: 0, needed: 0, failed: 0, pending: 0, bytes: 0, laptopOnly: 0 },
  );
}
