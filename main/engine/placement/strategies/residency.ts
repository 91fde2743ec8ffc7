import type { DestinationFacts } from '../../../../shared/model/policy.js';
import { quoted } from '../describe.js';
import type { PlacementStrategy } from '../strategy.js';

/** The destination carries the region tag (compared case-insensitively). */
export function hasTag(d: DestinationFacts, tag: string): boolean {
  const want = tag.toUpperCase();
  return d.regionTags.some((t) => t.toUpperCase() === want);
}

/**
 * Restricts another strategy to destinations tagged with the wedding's residency (e.g. EU). When
 * the policy cannot be met inside that region the placement says so; it never falls back to a
 * destination outside it. Without a residency the inner strategy runs unchanged.
 */
export function withResidency(inner: PlacementStrategy): PlacementStrategy {
  return {
    name: `residency(${inner.name})`,
    place(object, candidates) {
      const tag = object.policy.residency;
      if (!tag) return inner.place(object, candidates);
      const inside = candidates.filter((c) => hasTag(c, tag));
      const outside = candidates.filter((c) => !hasTag(c, tag));
      const placement = inner.place(object, inside);
      const allowed = new Set(inside.map((c) => c.name));
      const stray = placement.targets.find((t) => !allowed.has(t.destination));
      if (stray)
        throw new Error(`placement: ${inner.name} chose '${stray.destination}', which was not offered`);
      const targets = placement.targets.map((t) => ({
        ...t,
        reason: `${t.reason}; tagged ${tag} as the wedding requires`,
      }));
      if (placement.satisfied) return { ...placement, targets };
      let shortfall = `${placement.shortfall ?? `the ${object.policy.name} policy cannot be met`}. This wedding's files may only be on destinations tagged ${tag}`;
      if (inside.length === 0) shortfall += `, and no destination is`;
      if (outside.length > 0)
        shortfall += `; not tagged ${tag}, so not used: ${outside.map(quoted).sort().join(', ')}`;
      return { targets, satisfied: false, shortfall };
    },
  };
}
