import { needsOf } from '../needs.js';
import { placeByCost } from '../solve.js';
import type { PlacementStrategy } from '../strategy.js';

/**
 * For finished weddings: at least one copy in a cold storage class (cheap to keep, slow to read)
 * plus at least one warm copy (readable at once), on different providers when the policy asks for
 * them, at the lowest cost. Copies the wedding already has count first, so archiving usually adds
 * only the cold copy.
 */
export const archiveSplit: PlacementStrategy = {
  name: 'archive-split',
  place(object, candidates) {
    const needs = needsOf(object.policy);
    const coldCopies = Math.max(1, needs.coldCopies);
    const warmCopies = Math.max(1, needs.warmCopies);
    return placeByCost(object, candidates, {
      ...needs,
      coldCopies,
      warmCopies,
      copies: Math.max(needs.copies, coldCopies + warmCopies),
    });
  },
};
