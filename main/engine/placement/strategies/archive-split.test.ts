import { describe, expect, it } from 'vitest';
import type { DestinationFacts, EffectivePolicy } from '../../../../shared/model/policy.js';
import { dest, folder, names, policy, wellFormed } from '../testing/fixtures.js';
import { archiveSplit } from './archive-split.js';

const nas = folder('NAS', 'nas', { local: false });
const s3 = dest('S3', { provider: 'aws', storageClass: 'STANDARD', costPerGBMonth: 0.023 });
const deep = dest('Deep', {
  provider: 'aws',
  storageClass: 'DEEP_ARCHIVE',
  temperature: 'cold',
  costPerGBMonth: 0.00099,
});
const coldline = dest('Coldline', {
  provider: 'gcs',
  storageClass: 'COLDLINE',
  temperature: 'cold',
  costPerGBMonth: 0.004,
});
const b2 = dest('B2', { provider: 'b2', costPerGBMonth: 0.006 });
const wasabi = dest('Wasabi', { provider: 'wasabi', costPerGBMonth: 0.0069 });

const place = (p: EffectivePolicy, candidates: DestinationFacts[]) =>
  wellFormed(archiveSplit.place({ size: 1e9, policy: p }, candidates));
const sorted = (xs: string[]) => [...xs].sort();

describe('archive-split', () => {
  const cases: [label: string, p: EffectivePolicy, candidates: DestinationFacts[], expected: string[]][] = [
    ['cheapest cold plus cheapest warm', policy('archive'), [s3, deep, coldline, b2, nas], ['Deep', 'NAS']],
    ['cold and warm on different providers', policy('archive'), [s3, deep, coldline], ['Coldline', 'S3']],
    [
      'the cheapest pair, not the cheapest cold copy first',
      policy('archive'),
      // Deep (aws) + GCS costs 0.021; Coldline (gcs) + the cheap aws S3 costs 0.009.
      [
        deep,
        coldline,
        { ...s3, costPerGBMonth: 0.005 },
        dest('GCS', { provider: 'gcs', costPerGBMonth: 0.02 }),
      ],
      ['Coldline', 'S3'],
    ],
    [
      'warm copies already stored stay; only the cold copy is added',
      policy('archive'),
      [{ ...wasabi, alreadyHas: true }, b2, deep],
      ['Deep', 'Wasabi'],
    ],
    [
      'one cold and one warm even when the policy names none',
      policy('archive', { coldCopies: 0, warmCopies: 0 }),
      [b2, wasabi, deep],
      ['B2', 'Deep'],
    ],
    [
      'two cold copies on request',
      policy('archive', { copies: 3, coldCopies: 2, distinctProviders: 3 }),
      [deep, coldline, b2, wasabi, s3],
      ['B2', 'Coldline', 'Deep'],
    ],
  ];
  it.each(cases)('%s', (_label, p, candidates, expected) => {
    const placed = place(p, candidates);
    expect(placed.satisfied).toBe(true);
    expect(sorted(names(placed))).toEqual(expected);
  });

  it('names the role and class of each copy', () => {
    const placed = place(policy('archive'), [s3, deep, b2]);
    expect(placed.targets).toEqual([
      {
        destination: 'Deep',
        storageClass: 'DEEP_ARCHIVE',
        reason:
          'cheapest healthy cold destination of a provider not yet used (aws DEEP_ARCHIVE, 0.00099/GB-month)',
      },
      {
        destination: 'B2',
        reason: 'cheapest healthy warm destination of a provider not yet used (b2, 0.006/GB-month)',
      },
    ]);
  });

  it('says so when there is no cold destination, and keeps the warm copies', () => {
    const placed = place(policy('archive'), [b2, wasabi, s3]);
    expect(placed.satisfied).toBe(false);
    expect(sorted(names(placed))).toEqual(['B2', 'Wasabi']);
    expect(placed.shortfall).toBe(
      'the archive policy needs 2 copies on 2 different providers, 1 cold, 1 warm; possible now: only 0 cold',
    );
  });

  it('replaces a down cold destination by the next cold one', () => {
    const placed = place(policy('archive'), [{ ...deep, health: 'down' }, coldline, b2, s3]);
    expect(placed.satisfied).toBe(true);
    expect(sorted(names(placed))).toEqual(['B2', 'Coldline']);
    expect(placed.targets.find((t) => t.destination === 'Coldline')!.reason).toMatch(
      /^stands in for 'Deep' \(down\): /,
    );
  });
});
