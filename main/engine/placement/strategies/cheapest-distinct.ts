import { needsOf } from '../needs.js';
import { placeByCost } from '../solve.js';
import type { PlacementStrategy } from '../strategy.js';

/**
 * Meets the policy's copies on distinct providers (and its off-the-laptop and warm/cold counts) at
 * the lowest cost per GB-month: destinations already holding the object first, healthy before
 * degraded, never a down or full one. Ties go by destination name.
 */
export const cheapestDistinct: PlacementStrategy = {
  name: 'cheapest-distinct',
  place: (object, candidates) => placeByCost(object, candidates, needsOf(object.policy)),
};
