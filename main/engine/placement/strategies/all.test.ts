import { describe, expect, it } from 'vitest';
import { dest, folder, names, policy, wellFormed } from '../testing/fixtures.js';
import { everyDestination } from './all.js';

describe('all (every enabled destination)', () => {
  const vault = folder('Vault', 'disk1');
  const t7 = folder('T7', 'disk2', { freeBytes: 10 });
  const b2 = dest('B2', { provider: 'b2', health: 'down', alreadyHas: true });

  it('targets every candidate, in name order, including ones that cannot take it now', () => {
    const placed = wellFormed(
      everyDestination.place({ size: 100, policy: policy('standard') }, [vault, b2, t7]),
    );
    expect(names(placed)).toEqual(['B2', 'T7', 'Vault']);
    expect(placed.targets.map((t) => t.reason)).toEqual([
      "already holds a copy; every enabled destination gets a copy (b2, 0.01/GB-month); 'B2' is down now: sent once it can take it",
      "every enabled destination gets a copy (local-disk2, 0/GB-month); 'T7' is full (10 B free, the object is 100 B) now: sent once it can take it",
      'every enabled destination gets a copy (local-disk1, 0/GB-month)',
    ]);
    // Only Vault can take it now: one copy on one provider.
    expect(placed.satisfied).toBe(false);
    expect(placed.shortfall).toMatch(
      /possible now: only 1 copy, only 1 provider \(local-disk1\)\. Not usable: 'B2' is down; 'T7' is full/,
    );
  });

  it('is satisfied when the destinations usable now meet the policy', () => {
    const placed = wellFormed(
      everyDestination.place({ size: 5, policy: policy('standard') }, [vault, b2, t7]),
    );
    expect(names(placed)).toEqual(['B2', 'T7', 'Vault']);
    expect(placed.satisfied).toBe(true);
  });
});
