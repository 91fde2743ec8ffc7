import type { DestinationFacts, PlacementTarget } from '../../../shared/model/policy.js';
import { factsNote } from './describe.js';
import type { Needs } from './needs.js';
import { byPreference, marginalCost } from './select.js';

/**
 * The chosen destinations as placement targets, in preference order, each with why it was chosen:
 * `cheapest healthy warm destination of a provider not yet used, off the laptop (b2, 0.006/GB-month)`.
 * `standIns` gives the prefix of a target that replaces a down or full destination.
 */
export function explainTargets(
  chosen: readonly DestinationFacts[],
  usable: readonly DestinationFacts[],
  needs: Needs,
  standIns: ReadonlyMap<string, string>,
): PlacementTarget[] {
  const show = {
    temperature: needs.coldCopies + needs.warmCopies > 0,
    offLaptop: needs.offLaptopCopies > 0,
    providers: needs.distinctProviders > 1,
  };
  const providersSoFar = new Set<string>();
  return [...chosen].sort(byPreference).map((t) => {
    const newProvider = !providersSoFar.has(t.provider);
    providersSoFar.add(t.provider);
    const temperature = show.temperature ? `${t.temperature} ` : '';
    const provider = newProvider ? 'of a provider not yet used' : 'on a provider already used';
    const parts: string[] = [];
    let cheapest = true;
    if (t.alreadyHas) {
      parts.push(`already holds a ${temperature}copy`);
      if (show.providers) parts.push(provider);
    } else {
      cheapest = isCheapest(t, chosen, usable, show);
      parts.push(
        `${cheapest ? 'cheapest ' : ''}${t.health} ${temperature}destination${show.providers ? ` ${provider}` : ''}`,
      );
    }
    if (show.offLaptop && !t.local) parts.push('off the laptop');
    let reason = `${parts.join(', ')} (${factsNote(t)})`;
    if (t.alreadyHas && t.health === 'degraded') reason += '; degraded now, but its stored copy counts';
    if (!t.alreadyHas && t.health === 'degraded')
      reason += '; degraded, but no choice of healthy destinations meets the policy without it';
    // A best set never passes over a cheaper equivalent; a best-effort one can.
    if (!cheapest) reason += '; chosen with the other targets to come closest to the policy';
    const standIn = standIns.get(t.name);
    if (standIn) reason = `${standIn}: ${reason}`;
    return { destination: t.name, ...(t.storageClass ? { storageClass: t.storageClass } : {}), reason };
  });
}

/**
 * Whether no unchosen candidate of the same health (and, where the policy counts them, the same
 * temperature, the same side of the laptop, and a provider not used by the other targets) is cheaper.
 */
function isCheapest(
  t: DestinationFacts,
  chosen: readonly DestinationFacts[],
  usable: readonly DestinationFacts[],
  show: { temperature: boolean; offLaptop: boolean; providers: boolean },
): boolean {
  const names = new Set(chosen.map((c) => c.name));
  const otherProviders = new Set(chosen.filter((c) => c !== t).map((c) => c.provider));
  const spreads = show.providers && !otherProviders.has(t.provider);
  return !usable.some(
    (c) =>
      !names.has(c.name) &&
      c.health === t.health &&
      (!show.temperature || c.temperature === t.temperature) &&
      (!show.offLaptop || c.local === t.local) &&
      (!spreads || !otherProviders.has(c.provider)) &&
      marginalCost(c) < marginalCost(t),
  );
}
