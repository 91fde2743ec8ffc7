import type { DestinationFacts } from '../../../shared/model/policy.js';
import { byString } from './describe.js';
import { totalDeficit, type Needs } from './needs.js';

/** Cost in millionths per GB-month, so sums compare exactly; an unusable price ranks after all others. */
function micros(d: DestinationFacts): number {
  const c = d.costPerGBMonth;
  return Number.isFinite(c) && c >= 0 ? Math.round(c * 1e6) : 1e15;
}

/** What it takes to make `d` a target: nothing if it already holds the object, else its price. */
export const marginalCost = (d: DestinationFacts) => (d.alreadyHas ? 0 : micros(d));
/** An upload to a degraded destination: avoided whenever a healthy choice meets the policy. */
const degradedUpload = (d: DestinationFacts) => !d.alreadyHas && d.health === 'degraded';

/**
 * Preference order of single candidates: those already holding the object, then healthy before
 * degraded, then cheaper, then off the laptop, then by name.
 */
export function byPreference(a: DestinationFacts, b: DestinationFacts): number {
  return (
    Number(b.alreadyHas) - Number(a.alreadyHas) ||
    Number(degradedUpload(a)) - Number(degradedUpload(b)) ||
    marginalCost(a) - marginalCost(b) ||
    Number(a.local) - Number(b.local) ||
    byString(a.name, b.name)
  );
}

/**
 * A set's score, compared in order, lower is better. Adding a destination never lowers a part and
 * always raises `size`, so it always makes a score worse.
 */
type Score = [degradedUploads: number, uploads: number, cost: number, size: number, onLaptop: number];

function compareScores(a: Score, b: Score): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function compareNames(a: readonly DestinationFacts[], b: readonly DestinationFacts[]): number {
  const x = a.map((d) => d.name).sort(byString);
  const y = b.map((d) => d.name).sort(byString);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = byString(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * The best set of `usable` destinations that meets `needs`, or null when none does. Best means, in
 * order: fewest uploads to degraded destinations, fewest uploads (copies already stored count without
 * sending anything), lowest added cost per GB-month, fewest destinations, fewest copies on the laptop,
 * then names in order. An exhaustive search with pruning: a branch stops as soon as it can no longer
 * meet the needs or beat the best set found so far.
 */
export function cheapestSet(usable: readonly DestinationFacts[], needs: Needs): DestinationFacts[] | null {
  const list = [...usable].sort(byPreference);
  const n = list.length;
  // Every destination of a smallest qualifying set is needed for `copies` or for one missing unit.
  const maxSize = Math.min(
    n,
    Math.max(
      needs.copies,
      needs.distinctProviders + needs.offLaptopCopies + needs.coldCopies + needs.warmCopies,
    ),
  );
  // What is left from index i on: for the "can it still be met" test.
  const left = { off: [0], cold: [0], warm: [0], providers: [new Set<string>()] };
  for (let i = n - 1; i >= 0; i--) {
    const d = list[i]!;
    left.off.unshift(left.off[0]! + Number(!d.local));
    left.cold.unshift(left.cold[0]! + Number(d.temperature === 'cold'));
    left.warm.unshift(left.warm[0]! + Number(d.temperature === 'warm'));
    left.providers.unshift(new Set([d.provider, ...left.providers[0]!]));
  }
  // Candidates already holding the object come first; from here on every addition is an upload.
  const firstUpload = list.findIndex((d) => !d.alreadyHas);
  const uploadsFrom = firstUpload === -1 ? n : firstUpload;

  const chosen: DestinationFacts[] = [];
  const providers = new Map<string, number>();
  const have = { off: 0, cold: 0, warm: 0 };
  const score: Score = [0, 0, 0, 0, 0];
  let best: { set: DestinationFacts[]; score: Score } | null = null;

  const add = (d: DestinationFacts, sign: 1 | -1) => {
    if (sign === 1) chosen.push(d);
    else chosen.pop();
    providers.set(d.provider, (providers.get(d.provider) ?? 0) + sign);
    if (providers.get(d.provider) === 0) providers.delete(d.provider);
    have.off += sign * Number(!d.local);
    have.cold += sign * Number(d.temperature === 'cold');
    have.warm += sign * Number(d.temperature === 'warm');
    score[0] += sign * Number(degradedUpload(d));
    score[1] += sign * Number(!d.alreadyHas);
    score[2] += sign * marginalCost(d);
    score[3] += sign;
    score[4] += sign * Number(d.local);
  };

  const visit = (i: number): void => {
    const missing = {
      copies: Math.max(0, needs.copies - chosen.length),
      providers: Math.max(0, needs.distinctProviders - providers.size),
      off: Math.max(0, needs.offLaptopCopies - have.off),
      cold: Math.max(0, needs.coldCopies - have.cold),
      warm: Math.max(0, needs.warmCopies - have.warm),
    };
    const more = Math.max(missing.copies, missing.providers, missing.off, missing.cold, missing.warm);
    if (more === 0) {
      const order = best ? compareScores(score, best.score) || compareNames(chosen, best.set) : -1;
      if (order < 0) best = { set: [...chosen], score: [...score] };
      return;
    }
    if (best) {
      if (compareScores(score, best.score) >= 0) return;
      // At least `more` destinations must still be added; those past the stored copies are uploads.
      const uploads = score[1] + Math.max(0, more - Math.max(0, uploadsFrom - i));
      if (score[0] === best.score[0] && uploads > best.score[1]) return;
    }
    const room = Math.min(n - i, maxSize - chosen.length);
    if (
      more > room ||
      missing.off > left.off[i]! ||
      missing.cold > left.cold[i]! ||
      missing.warm > left.warm[i]!
    )
      return;
    let newProviders = 0;
    for (const p of left.providers[i]!) if (!providers.has(p)) newProviders++;
    if (missing.providers > newProviders) return;
    add(list[i]!, 1);
    visit(i + 1);
    add(list[i]!, -1);
    visit(i + 1);
  };
  visit(0);
  return (best as { set: DestinationFacts[] } | null)?.set ?? null;
}

/**
 * When no set meets `needs`: the most that can be done now. Goes through candidates in preference
 * order and takes each one that brings the set closer to the requirements.
 */
export function bestEffortSet(usable: readonly DestinationFacts[], needs: Needs): DestinationFacts[] {
  const chosen: DestinationFacts[] = [];
  for (const d of [...usable].sort(byPreference)) {
    if (totalDeficit(needs, [...chosen, d]) < totalDeficit(needs, chosen)) chosen.push(d);
  }
  return chosen;
}
