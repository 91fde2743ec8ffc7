import type { DestinationFacts, EffectivePolicy } from '../../../shared/model/policy.js';
import type { Config } from '../config/schema.js';
import { hasTag } from '../placement/strategies/residency.js';

/** `protection.copies` of the config: `policy`, `all`, or a number of copies. */
export type ProtectionMode = Config['protection']['copies'];

/**
 * The policy a file is held to under the configured mode. `policy`: the wedding's policy as is.
 * `all`: a copy on every enabled destination the wedding may use (its residency). A number N: a
 * copy everywhere, protected at N. The wedding's priority and residency apply in every mode.
 */
export function underMode(
  policy: EffectivePolicy,
  mode: ProtectionMode,
  candidates: readonly DestinationFacts[],
): { policy: EffectivePolicy; everywhere: boolean } {
  if (mode === 'policy') return { policy, everywhere: false };
  const allowed = policy.residency
    ? candidates.filter((c) => hasTag(c, policy.residency!)).length
    : candidates.length;
  const copies = mode === 'all' ? Math.max(1, allowed) : mode;
  const why =
    mode === 'all'
      ? `a copy on every enabled destination (${copies}; protection.copies is "all")`
      : `${copies} of a copy on every enabled destination (protection.copies is ${copies})`;
  return {
    policy: {
      ...policy,
      copies,
      distinctProviders: 1,
      offLaptopCopies: 0,
      coldCopies: 0,
      warmCopies: 0,
      why: `${policy.name} (${policy.why.split(';')[0]!.replace(/^\w+: /, '')}); needs ${why}`,
    },
    everywhere: true,
  };
}
