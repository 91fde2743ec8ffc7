import type { DestinationFacts, Placement } from '../../../shared/model/policy.js';
import { quoted } from './describe.js';
import { shortfallOf, type Needs } from './needs.js';
import { explainTargets } from './reasons.js';
import { bestEffortSet, byPreference, cheapestSet } from './select.js';
import type { PlacementRequest } from './strategy.js';
import { usableFor, type Excluded } from './usable.js';

/**
 * The lowest-cost placement meeting `needs` among the candidates that can take the object now (never
 * down, never full). When no set meets them, the most that can be done now, with the shortfall. A
 * target chosen only because a better destination is down or full says which one it stands in for.
 */
export function placeByCost(
  object: PlacementRequest,
  candidates: readonly DestinationFacts[],
  needs: Needs,
): Placement {
  const { usable, excluded } = usableFor(object.size, candidates);
  const best = cheapestSet(usable, needs);
  const chosen = best ?? bestEffortSet(usable, needs);
  const standIns =
    excluded.length > 0 ? standInsFor(chosen, candidates, needs, excluded) : new Map<string, string>();
  const targets = explainTargets(chosen, usable, needs, standIns);
  if (best) return { targets, satisfied: true };
  return {
    targets,
    satisfied: false,
    shortfall: shortfallOf(
      object.policy.name,
      needs,
      chosen,
      excluded.map((e) => e.text),
    ),
  };
}

/**
 * Which chosen targets replace an excluded destination: the choice is made again as if every
 * destination were up and had room, and the targets outside that ideal stand in for the excluded
 * destinations inside it (paired in preference order when the numbers match).
 */
function standInsFor(
  chosen: readonly DestinationFacts[],
  candidates: readonly DestinationFacts[],
  needs: Needs,
  excluded: readonly Excluded[],
): Map<string, string> {
  const restored = candidates.map((c) => ({
    ...c,
    health: c.health === 'down' ? ('healthy' as const) : c.health,
    freeBytes: null,
  }));
  const ideal = cheapestSet(restored, needs) ?? bestEffortSet(restored, needs);
  const why = new Map(excluded.map((e) => [e.facts.name, e.why]));
  const displaced = ideal.filter((d) => why.has(d.name)).sort(byPreference);
  const idealNames = new Set(ideal.map((d) => d.name));
  const standIns = chosen.filter((t) => !idealNames.has(t.name)).sort(byPreference);
  const result = new Map<string, string>();
  if (displaced.length === 0) return result;
  const name = (d: DestinationFacts) => `${quoted(d)} (${why.get(d.name)})`;
  standIns.forEach((s, i) => {
    const replaced = displaced.length === standIns.length ? [displaced[i]!] : displaced;
    result.set(s.name, `stands in for ${replaced.map(name).join(', ')}`);
  });
  return result;
}
