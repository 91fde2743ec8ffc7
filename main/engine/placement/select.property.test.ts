import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DestinationFacts, EffectivePolicy, Placement } from '../../../shared/model/policy.js';
import { strategies } from './choose.js';
import { cheapestDistinct } from './strategies/cheapest-distinct.js';
import { dest, policy } from './testing/fixtures.js';

// Random studios checked against a brute-force reference over every subset of destinations.

const candidateArb = fc.record({
  provider: fc.constantFrom('aws', 'b2', 'gcs', 'local-1', 'local-2'),
  local: fc.boolean(),
  temperature: fc.constantFrom('warm' as const, 'cold' as const),
  health: fc.constantFrom('healthy' as const, 'healthy' as const, 'degraded' as const, 'down' as const),
  freeBytes: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
  costPerGBMonth: fc.integer({ min: 0, max: 30 }).map((n) => n / 1000),
  alreadyHas: fc.boolean(),
  regionTags: fc.subarray(['EU', 'US']),
});
const candidatesArb = fc.array(candidateArb, { maxLength: 7 }).map((cs) =>
  cs.map((c, i): DestinationFacts => ({
    name: `D${i}`,
    kind: c.local ? 'local' : 's3',
    storageClass: null,
    ...c,
  })),
);
const policyArb = fc
  .record({
    copies: fc.integer({ min: 1, max: 4 }),
    distinct: fc.integer({ min: 1, max: 4 }),
    off: fc.integer({ min: 0, max: 3 }),
    cold: fc.integer({ min: 0, max: 2 }),
    warm: fc.integer({ min: 0, max: 2 }),
    residency: fc.constantFrom(null, 'EU', 'US'),
  })
  .map(({ copies, distinct, off, cold, warm, residency }): EffectivePolicy =>
    policy('standard', {
      copies: Math.max(copies, distinct, off, cold + warm),
      distinctProviders: distinct,
      offLaptopCopies: off,
      coldCopies: cold,
      warmCopies: warm,
      residency,
    }),
  );
const sizeArb = fc.integer({ min: 0, max: 150 });

const canTake = (d: DestinationFacts, size: number) =>
  d.health !== 'down' && (d.alreadyHas || d.freeBytes === null || (d.freeBytes ?? 0) >= size);

function meetsPolicy(p: EffectivePolicy, set: DestinationFacts[]): boolean {
  return (
    set.length >= p.copies &&
    new Set(set.map((d) => d.provider)).size >= p.distinctProviders &&
    set.filter((d) => !d.local).length >= p.offLaptopCopies &&
    set.filter((d) => d.temperature === 'cold').length >= p.coldCopies &&
    set.filter((d) => d.temperature === 'warm').length >= p.warmCopies
  );
}

/** Degraded uploads, uploads, added cost in millionths: the part of the score that matters to users. */
const costOf = (set: DestinationFacts[]) => [
  set.filter((d) => !d.alreadyHas && d.health === 'degraded').length,
  set.filter((d) => !d.alreadyHas).length,
  set.reduce((sum, d) => sum + (d.alreadyHas ? 0 : Math.round(d.costPerGBMonth * 1e6)), 0),
];

function subsets<T>(xs: T[]): T[][] {
  return xs.reduce<T[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]]);
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

const chosen = (p: Placement, cs: DestinationFacts[]) =>
  p.targets.map((t) => cs.find((c) => c.name === t.destination)!);

describe('cheapest-distinct against brute force', () => {
  it('is satisfied exactly when some set meets the policy, and then picks a best one', () => {
    fc.assert(
      fc.property(candidatesArb, policyArb, sizeArb, (cs, p0, size) => {
        const p = { ...p0, residency: null };
        const placed = cheapestDistinct.place({ size, policy: p }, cs);
        const targets = chosen(placed, cs);
        expect(targets.every((t) => canTake(t, size))).toBe(true);
        const feasible = subsets(cs.filter((c) => canTake(c, size))).filter((s) => meetsPolicy(p, s));
        expect(placed.satisfied).toBe(feasible.length > 0);
        if (!placed.satisfied) {
          expect(placed.shortfall).toMatch(/^the standard policy needs /);
          return;
        }
        expect(meetsPolicy(p, targets)).toBe(true);
        const best = feasible.map(costOf).reduce((a, b) => (lexLess(b, a) ? b : a));
        expect(costOf(targets)).toEqual(best);
        // Every upload in a best set is the cheapest of its kind (a cheaper one would make a better set).
        for (const [i, t] of placed.targets.entries()) {
          if (!targets[i]!.alreadyHas) expect(t.reason).toMatch(/^(stands in for [^:]+: )?cheapest /);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('finds the cheapest set where providers and classes conflict (the built-in policies, few providers)', () => {
    const conflictArb = fc
      .array(
        fc.record({
          provider: fc.constantFrom('aws', 'gcs', 'local-1'),
          local: fc.boolean(),
          temperature: fc.constantFrom('warm' as const, 'cold' as const),
          costPerGBMonth: fc.integer({ min: 1, max: 25 }).map((n) => n / 1000),
          alreadyHas: fc.constantFrom(false, false, false, false, true),
        }),
        { minLength: 3, maxLength: 7 },
      )
      .map((cs) => cs.map((c, i): DestinationFacts => ({ ...dest(`D${i}`), ...c })));
    fc.assert(
      fc.property(
        conflictArb,
        fc.constantFrom('critical' as const, 'standard' as const, 'archive' as const),
        (cs, name) => {
          const p = policy(name);
          const placed = cheapestDistinct.place({ size: 1, policy: p }, cs);
          const feasible = subsets(cs).filter((s) => meetsPolicy(p, s));
          expect(placed.satisfied).toBe(feasible.length > 0);
          if (placed.satisfied) {
            const best = feasible.map(costOf).reduce((a, b) => (lexLess(b, a) ? b : a));
            expect(costOf(chosen(placed, cs))).toEqual(best);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order of the candidates', () => {
    fc.assert(
      fc.property(candidatesArb, policyArb, sizeArb, fc.func(fc.integer()), (cs, p, size, key) => {
        const shuffled = [...cs].sort((a, b) => key(a.name) - key(b.name));
        const strategy = strategies['cheapest-distinct'];
        expect(strategy.place({ size, policy: p }, shuffled)).toEqual(
          strategy.place({ size, policy: p }, cs),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its choice when an unchosen destination goes down, and never uses a down one', () => {
    fc.assert(
      fc.property(candidatesArb, policyArb, sizeArb, fc.nat(), (cs, p0, size, pick) => {
        const p = { ...p0, residency: null };
        const before = cheapestDistinct.place({ size, policy: p }, cs);
        if (!before.satisfied || cs.length === 0) return;
        const victim = cs[pick % cs.length]!;
        const after = cheapestDistinct.place(
          { size, policy: p },
          cs.map((c) => (c === victim ? { ...c, health: 'down' as const } : c)),
        );
        const names = (x: Placement) => x.targets.map((t) => t.destination).sort();
        expect(names(after)).not.toContain(victim.name);
        if (!names(before).includes(victim.name)) expect(names(after)).toEqual(names(before));
      }),
      { numRuns: 300 },
    );
  });
});

describe('residency against random studios', () => {
  it('never places outside the region, with any strategy', () => {
    fc.assert(
      fc.property(candidatesArb, policyArb, sizeArb, (cs, p, size) => {
        for (const strategy of Object.values(strategies)) {
          const placed = strategy.place({ size, policy: p }, cs);
          for (const t of chosen(placed, cs)) {
            if (p.residency) expect(t.regionTags).toContain(p.residency);
          }
          for (const t of placed.targets) expect(t.reason.length).toBeGreaterThan(10);
          expect(placed.satisfied || (placed.shortfall?.length ?? 0) > 10).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
