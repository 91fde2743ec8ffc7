import type { DestinationFacts, EffectivePolicy, ProtectionRule } from '../../../shared/model/policy.js';
import { describeRule } from '../policy/resolve.js';
import { count } from './describe.js';

/** What a set of destinations must reach: the copy requirements of a policy. */
export type Needs = ProtectionRule;

/** The requirements of a policy, as placement counts them. */
export function needsOf(policy: EffectivePolicy): Needs {
  const { copies, distinctProviders, offLaptopCopies, coldCopies, warmCopies } = policy;
  return { copies, distinctProviders, offLaptopCopies, coldCopies, warmCopies };
}

/** What a set of destinations reaches, counted like Needs. */
export function tally(set: readonly DestinationFacts[]): Needs {
  return {
    copies: set.length,
    distinctProviders: new Set(set.map((d) => d.provider)).size,
    offLaptopCopies: set.filter((d) => !d.local).length,
    coldCopies: set.filter((d) => d.temperature === 'cold').length,
    warmCopies: set.filter((d) => d.temperature === 'warm').length,
  };
}

/** How far each requirement is from being met (0 when met). */
export function deficit(needs: Needs, set: readonly DestinationFacts[]): Needs {
  const have = tally(set);
  return {
    copies: Math.max(0, needs.copies - have.copies),
    distinctProviders: Math.max(0, needs.distinctProviders - have.distinctProviders),
    offLaptopCopies: Math.max(0, needs.offLaptopCopies - have.offLaptopCopies),
    coldCopies: Math.max(0, needs.coldCopies - have.coldCopies),
    warmCopies: Math.max(0, needs.warmCopies - have.warmCopies),
  };
}

/** The sum of all deficits: 0 when the set meets every requirement. */
export function totalDeficit(needs: Needs, set: readonly DestinationFacts[]): number {
  const d = deficit(needs, set);
  return d.copies + d.distinctProviders + d.offLaptopCopies + d.coldCopies + d.warmCopies;
}

export const meets = (needs: Needs, set: readonly DestinationFacts[]) => totalDeficit(needs, set) === 0;

/**
 * Why `set` falls short of `needs`, in plain language: what the policy needs, what is possible now,
 * and which candidates could not be used.
 */
export function shortfallOf(
  policyName: string,
  needs: Needs,
  set: readonly DestinationFacts[],
  unusable: readonly string[],
): string {
  const d = deficit(needs, set);
  const have = tally(set);
  const missing: string[] = [];
  if (set.length === 0) missing.push('no destination can take it');
  else {
    if (d.copies > 0) missing.push(`only ${count(have.copies, 'copy', 'copies')}`);
    if (d.distinctProviders > 0) {
      const providers = [...new Set(set.map((s) => s.provider))].join(', ');
      missing.push(`only ${count(have.distinctProviders, 'provider', 'providers')} (${providers})`);
    }
    if (d.offLaptopCopies > 0) missing.push(`only ${have.offLaptopCopies} off the laptop`);
    if (d.coldCopies > 0) missing.push(`only ${have.coldCopies} cold`);
    if (d.warmCopies > 0) missing.push(`only ${have.warmCopies} warm`);
  }
  let text = `the ${policyName} policy needs ${describeRule(needs)}; possible now: ${missing.join(', ')}`;
  if (unusable.length > 0) text += `. Not usable: ${unusable.join('; ')}`;
  return text;
}
