import { describe, expect, it } from 'vitest';
import type { WeddingProtectionFacts } from '../../../shared/model/policy.js';
import type { DestinationConfig } from '../config/schema.js';
import { resolvePolicy } from '../policy/resolve.js';
import { defaultPolicies } from '../policy/schema.js';
import { chooseStrategy, place } from './choose.js';
import { destinationFacts, type LiveFacts } from './facts.js';
import { listPrice } from './prices.js';
import { names, policy, wellFormed } from './testing/fixtures.js';

describe('chooseStrategy', () => {
  const cases: [label: string, p: ReturnType<typeof policy>, everywhere: boolean, name: string][] = [
    ['critical', policy('critical'), false, 'residency(cheapest-distinct)'],
    ['standard', policy('standard'), false, 'residency(cheapest-distinct)'],
    ['archive', policy('archive'), false, 'residency(archive-split)'],
    [
      'a standard wedding asking for a cold copy',
      policy('standard', { coldCopies: 1 }),
      false,
      'residency(archive-split)',
    ],
    [
      'an archive wedding without cold copies',
      policy('archive', { coldCopies: 0 }),
      false,
      'residency(cheapest-distinct)',
    ],
    ['everywhere, as before policies', policy('archive'), true, 'residency(all)'],
  ];
  it.each(cases)('%s', (_label, p, everywhere, name) => {
    expect(chooseStrategy(p, { everywhere }).name).toBe(name);
  });
});

// End to end: a studio's config, a wedding's facts at a fixed time, and what placement makes of them.
describe('place: from config and wedding to targets', () => {
  const NOW = Date.parse('2026-06-14T12:00:00Z');
  const env = { credentials: 'environment' as const, enabled: true };
  const config: DestinationConfig[] = [
    { name: 'Vault', kind: 'local', path: '/Users/anna/Keepsake/Vault', enabled: true },
    { name: 'T7', kind: 'local', path: '/Volumes/T7/Keepsake', enabled: true },
    { name: 'NAS', kind: 'local', path: '/Volumes/NAS/Keepsake', enabled: true },
    { name: 'S3 Frankfurt', kind: 's3', bucket: 'anna-photos', region: 'eu-central-1', ...env },
    {
      name: 'S3 Deep',
      kind: 's3',
      bucket: 'anna-deep',
      region: 'us-east-1',
      storageClass: 'DEEP_ARCHIVE',
      ...env,
    },
    { name: 'B2', kind: 'b2', bucket: 'anna-b2', region: 'us-west-004', ...env },
    { name: 'GCS Archive', kind: 'gcs', bucket: 'anna-archive', storageClass: 'ARCHIVE', ...env },
  ];
  const live: Record<string, LiveFacts> = {
    Vault: { health: 'healthy', alreadyHas: false, device: 'disk1', regionTags: ['EU'] },
    T7: { health: 'healthy', alreadyHas: false, device: 'disk2', regionTags: ['EU'], freeBytes: 500e9 },
    NAS: { health: 'healthy', alreadyHas: false, device: 'nas', local: false, regionTags: ['EU'] },
    'S3 Frankfurt': { health: 'healthy', alreadyHas: false, regionTags: ['EU'] },
    'S3 Deep': { health: 'healthy', alreadyHas: false, regionTags: ['US'] },
    B2: { health: 'healthy', alreadyHas: false, regionTags: ['US'] },
    'GCS Archive': { health: 'healthy', alreadyHas: false, regionTags: ['EU'] },
  };
  const facts = (changes: Record<string, Partial<LiveFacts>> = {}) =>
    config.map((d) => destinationFacts(d, { ...live[d.name]!, ...changes[d.name] }, listPrice));
  const wedding = (w: Partial<WeddingProtectionFacts>): WeddingProtectionFacts => ({
    date: null,
    delivered: false,
    residency: null,
    ingestedToday: false,
    ...w,
  });
  const placeFor = (w: Partial<WeddingProtectionFacts>, changes: Record<string, Partial<LiveFacts>> = {}) =>
    wellFormed(
      place({ size: 25e6, policy: resolvePolicy(wedding(w), defaultPolicies, NOW) }, facts(changes)),
    );

  const down = { health: 'down' } as const;
  const cases: [
    label: string,
    w: Partial<WeddingProtectionFacts>,
    changes: Record<string, Partial<LiveFacts>>,
    targets: string[],
  ][] = [
    ['standard: two free disks, off the laptop first', { date: '2026-03-01' }, {}, ['NAS', 'T7']],
    ['critical: off the laptop, NAS and the cheapest warm cloud', { date: '2026-06-13' }, {}, ['B2', 'NAS']],
    ['critical by ingest, EU', { ingestedToday: true, residency: 'EU' }, {}, ['NAS', 'S3 Frankfurt']],
    [
      // Two off the laptop (NAS, GCS Archive) and two warm (NAS, T7): each count is met.
      'critical, EU, its warm cloud down: a cold cloud and a drive on the laptop still meet it',
      { date: '2026-06-14', residency: 'EU' },
      { 'S3 Frankfurt': down },
      ['GCS Archive', 'NAS', 'T7'],
    ],
    ['archive: a free warm disk and the cheapest cold class', { delivered: true }, {}, ['NAS', 'S3 Deep']],
    [
      'archive in the EU: the EU cold class',
      { date: '2024-05-01', residency: 'EU' },
      {},
      ['GCS Archive', 'NAS'],
    ],
  ];
  it.each(cases)('%s', (_label, w, changes, targets) => {
    const placed = placeFor(w, changes);
    expect(names(placed).sort()).toEqual(targets);
    expect(placed.satisfied).toBe(true);
  });

  it('fails over a critical wedding from the NAS to the next cloud, and back', () => {
    const down = placeFor({ date: '2026-06-13' }, { NAS: { health: 'down' } });
    expect(names(down).sort()).toEqual(['B2', 'S3 Frankfurt']);
    expect(down.targets.find((t) => t.destination === 'S3 Frankfurt')!.reason).toMatch(
      /^stands in for 'NAS' \(down\)/,
    );
    expect(names(placeFor({ date: '2026-06-13' })).sort()).toEqual(['B2', 'NAS']);
  });

  it('keeps an EU critical wedding in the EU when its NAS and warm cloud are down, and says so', () => {
    const down = { health: 'down' } as const;
    const placed = placeFor({ date: '2026-06-14', residency: 'EU' }, { 'S3 Frankfurt': down, NAS: down });
    expect(placed.satisfied).toBe(false);
    expect(names(placed).sort()).toEqual(['GCS Archive', 'T7', 'Vault']);
    expect(placed.shortfall).toContain('possible now: only 1 off the laptop');
    expect(placed.shortfall).toContain("Not usable: 'NAS' is down; 'S3 Frankfurt' is down");
    expect(placed.shortfall).toContain("not tagged EU, so not used: 'B2', 'S3 Deep'");
  });
});
