import type { DestinationFacts, EffectivePolicy, Placement } from '../../../shared/model/policy.js';
import { everyDestination } from './strategies/all.js';
import { archiveSplit } from './strategies/archive-split.js';
import { cheapestDistinct } from './strategies/cheapest-distinct.js';
import { withResidency } from './strategies/residency.js';
import type { PlacementRequest, PlacementStrategy } from './strategy.js';

/** Every strategy by name, each already restricted to the wedding's residency. */
export const strategies = {
  all: withResidency(everyDestination),
  'cheapest-distinct': withResidency(cheapestDistinct),
  'archive-split': withResidency(archiveSplit),
} as const satisfies Record<string, PlacementStrategy>;

export interface ChooseOptions {
  /** Every enabled destination, as before policies (`protection.copies: "all"`). */
  everywhere?: boolean;
}

/**
 * The strategy for a policy: `archive-split` when it asks for cold copies, else `cheapest-distinct`
 * (or `all` when asked); always within the wedding's residency.
 */
export function chooseStrategy(policy: EffectivePolicy, opts: ChooseOptions = {}): PlacementStrategy {
  if (opts.everywhere) return strategies.all;
  return policy.coldCopies > 0 ? strategies['archive-split'] : strategies['cheapest-distinct'];
}

/** Places one object with the strategy its policy calls for. */
export function place(
  object: PlacementRequest,
  candidates: readonly DestinationFacts[],
  opts: ChooseOptions = {},
): Placement {
  return chooseStrategy(object.policy, opts).place(object, candidates);
}
