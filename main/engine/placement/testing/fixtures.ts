import { expect } from 'vitest';
import type { DestinationFacts, EffectivePolicy, Placement } from '../../../../shared/model/policy.js';

/** A candidate destination for tests: a healthy warm cloud bucket of its own provider unless told otherwise. */
export function dest(name: string, facts: Partial<DestinationFacts> = {}): DestinationFacts {
  return {
    name,
    provider: `p-${name.toLowerCase()}`,
    kind: 's3',
    local: false,
    regionTags: [],
    health: 'healthy',
    freeBytes: null,
    storageClass: null,
    temperature: 'warm',
    costPerGBMonth: 0.01,
    alreadyHas: false,
    ...facts,
  };
}

/** A folder on this laptop's disk `device` (the embedded vault, an external drive carried with it). */
export function folder(
  name: string,
  device: string,
  facts: Partial<DestinationFacts> = {},
): DestinationFacts {
  return dest(name, { provider: `local-${device}`, kind: 'local', local: true, costPerGBMonth: 0, ...facts });
}

const base: Record<EffectivePolicy['name'], Omit<EffectivePolicy, 'residency' | 'why'>> = {
  critical: {
    name: 'critical',
    copies: 2,
    distinctProviders: 2,
    offLaptopCopies: 2,
    coldCopies: 0,
    warmCopies: 2,
    priority: 1000,
  },
  standard: {
    name: 'standard',
    copies: 2,
    distinctProviders: 2,
    offLaptopCopies: 0,
    coldCopies: 0,
    warmCopies: 1,
    priority: 50,
  },
  archive: {
    name: 'archive',
    copies: 2,
    distinctProviders: 2,
    offLaptopCopies: 0,
    coldCopies: 1,
    warmCopies: 1,
    priority: 1,
  },
};

/** The default requirements of a policy (as resolvePolicy gives them), with changes. */
export function policy(
  name: EffectivePolicy['name'],
  changes: Partial<EffectivePolicy> = {},
): EffectivePolicy {
  return { ...base[name], residency: null, why: `${name}: test`, ...changes };
}

/** Destination names of a placement's targets, in its order. */
export const names = (p: Placement) => p.targets.map((t) => t.destination);

/** Checks what every placement must hold: a reason per target, no target twice, a shortfall iff unsatisfied. */
export function wellFormed(p: Placement): Placement {
  for (const t of p.targets) expect(t.reason.length, `reason of ${t.destination}`).toBeGreaterThan(10);
  expect(new Set(names(p)).size).toBe(p.targets.length);
  if (p.satisfied) expect(p.shortfall).toBeUndefined();
  else expect(p.shortfall?.length ?? 0).toBeGreaterThan(10);
  return p;
}
