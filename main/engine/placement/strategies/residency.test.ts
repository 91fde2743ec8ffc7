import { describe, expect, it } from 'vitest';
import type { DestinationFacts } from '../../../../shared/model/policy.js';
import type { PlacementStrategy } from '../strategy.js';
import { dest, names, policy, wellFormed } from '../testing/fixtures.js';
import { cheapestDistinct } from './cheapest-distinct.js';
import { withResidency } from './residency.js';

const usB2 = dest('B2 US', { provider: 'b2', costPerGBMonth: 0.006, regionTags: ['US'] });
const usWasabi = dest('Wasabi US', { provider: 'wasabi', costPerGBMonth: 0.0069, regionTags: ['US'] });
const euS3 = dest('S3 Frankfurt', { provider: 'aws', costPerGBMonth: 0.0245, regionTags: ['EU'] });
const euAzure = dest('Azure Paris', { provider: 'azure', costPerGBMonth: 0.02, regionTags: ['eu', 'FR'] });
const euGcs = dest('GCS Belgium', { provider: 'gcs', costPerGBMonth: 0.02, regionTags: ['EU'] });
const untagged = dest('NAS', { provider: 'local-nas', costPerGBMonth: 0 });

const eu = policy('standard', { residency: 'EU' });
const strategy = withResidency(cheapestDistinct);
const place = (candidates: DestinationFacts[], p = eu) =>
  wellFormed(strategy.place({ size: 1e6, policy: p }, candidates));

describe('residency', () => {
  const all = [usB2, usWasabi, euS3, euAzure, euGcs, untagged];

  it('places an EU wedding only on destinations tagged EU (any case), cheapest first', () => {
    const placed = place(all);
    expect(placed.satisfied).toBe(true);
    expect(names(placed).sort()).toEqual(['Azure Paris', 'GCS Belgium']);
    expect(placed.targets[0]!.reason).toBe(
      'cheapest healthy warm destination of a provider not yet used (azure, 0.02/GB-month); tagged EU as the wedding requires',
    );
  });

  it('never falls back outside the region, and says what is missing', () => {
    const placed = place([usB2, usWasabi, euS3, untagged]);
    expect(placed.satisfied).toBe(false);
    expect(names(placed)).toEqual(['S3 Frankfurt']);
    expect(placed.shortfall).toBe(
      'the standard policy needs 2 copies on 2 different providers, 1 warm; possible now: only 1 copy, only 1 provider (aws). ' +
        "This wedding's files may only be on destinations tagged EU; not tagged EU, so not used: 'B2 US', 'NAS', 'Wasabi US'",
    );
  });

  it('reports when no destination is in the region at all', () => {
    const placed = place([usB2, untagged]);
    expect(placed.targets).toEqual([]);
    expect(placed.satisfied).toBe(false);
    expect(placed.shortfall).toMatch(
      /no destination can take it\. This wedding's files may only be on destinations tagged EU, and no destination is; not tagged EU, so not used: 'B2 US', 'NAS'$/,
    );
  });

  it('fails over only to another destination in the region', () => {
    const placed = place([{ ...euAzure, health: 'down' }, euGcs, euS3, usB2, usWasabi]);
    expect(placed.satisfied).toBe(true);
    expect(names(placed).sort()).toEqual(['GCS Belgium', 'S3 Frankfurt']);
    const stuck = place([{ ...euAzure, health: 'down' }, euGcs, usB2, usWasabi]);
    expect(stuck.satisfied).toBe(false);
    expect(names(stuck)).toEqual(['GCS Belgium']);
    expect(stuck.shortfall).toContain("Not usable: 'Azure Paris' is down");
  });

  it('leaves weddings without residency to the inner strategy', () => {
    const p = policy('standard');
    expect(strategy.place({ size: 1, policy: p }, all)).toEqual(
      cheapestDistinct.place({ size: 1, policy: p }, all),
    );
    expect(names(strategy.place({ size: 1, policy: p }, all)).sort()).toEqual(['B2 US', 'NAS']);
  });

  it('refuses a strategy that places outside the destinations it was offered', () => {
    const rogue: PlacementStrategy = {
      name: 'rogue',
      place: () => ({ targets: [{ destination: 'B2 US', reason: 'because' }], satisfied: true }),
    };
    expect(() => withResidency(rogue).place({ size: 1, policy: eu }, all)).toThrow(/rogue chose 'B2 US'/);
  });
});
