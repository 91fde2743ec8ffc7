import { describe, expect, it } from 'vitest';
import type { DestinationFacts, EffectivePolicy } from '../../../../shared/model/policy.js';
import { dest, folder, names, policy, wellFormed } from '../testing/fixtures.js';
import { cheapestDistinct } from './cheapest-distinct.js';

const GB = 1_000_000_000;
const aws = dest('S3', { provider: 'aws', costPerGBMonth: 0.023, storageClass: 'STANDARD' });
const b2 = dest('B2', { provider: 'b2', costPerGBMonth: 0.006 });
const wasabi = dest('Wasabi', { provider: 'wasabi', costPerGBMonth: 0.0069 });
const gcs = dest('GCS', { provider: 'gcs', costPerGBMonth: 0.02, storageClass: 'STANDARD' });
const glacier = dest('Glacier', {
  provider: 'aws',
  costPerGBMonth: 0.00099,
  storageClass: 'DEEP_ARCHIVE',
  temperature: 'cold',
});
const vault = folder('Vault', 'disk1');
const photos2 = folder('Photos2', 'disk1');
const t7 = folder('T7', 'disk2');
const nas = folder('NAS', 'nas', { local: false });

const place = (p: EffectivePolicy, candidates: DestinationFacts[], size = GB) =>
  wellFormed(cheapestDistinct.place({ size, policy: p }, candidates));
const sorted = (xs: string[]) => [...xs].sort();

describe('cheapest-distinct', () => {
  const cases: [label: string, p: EffectivePolicy, candidates: DestinationFacts[], expected: string[]][] = [
    ['the two cheapest providers', policy('standard'), [aws, b2, wasabi, gcs], ['B2', 'Wasabi']],
    ['a free local folder and the cheapest cloud', policy('standard'), [aws, vault, b2], ['B2', 'Vault']],
    [
      'two folders on one disk are one provider',
      policy('standard'),
      [vault, photos2, gcs, aws],
      ['GCS', 'Photos2'],
    ],
    ['two folders on two disks are two providers', policy('standard'), [vault, t7, b2], ['T7', 'Vault']],
    ['critical: both copies off the laptop', policy('critical'), [vault, t7, nas, aws, b2], ['B2', 'NAS']],
    ['critical: cold copies do not count as warm', policy('critical'), [glacier, b2, gcs], ['B2', 'GCS']],
    ['standard: one warm copy is enough', policy('standard'), [glacier, b2, gcs], ['B2', 'Glacier']],
    [
      'three copies on three providers',
      policy('standard', { copies: 3, distinctProviders: 3 }),
      [aws, b2, wasabi, gcs],
      ['B2', 'GCS', 'Wasabi'],
    ],
    [
      'three copies on two providers reuse the cheapest',
      policy('standard', { copies: 3 }),
      [vault, photos2, b2, aws],
      ['B2', 'Photos2', 'Vault'],
    ],
    [
      'one copy: the cheapest',
      policy('standard', { copies: 1, distinctProviders: 1 }),
      [aws, b2, wasabi],
      ['B2'],
    ],
  ];
  it.each(cases)('%s', (_label, p, candidates, expected) => {
    const placed = place(p, candidates);
    expect(placed.satisfied).toBe(true);
    expect(sorted(names(placed))).toEqual(expected);
  });

  it('orders targets by preference and says why each was chosen', () => {
    const placed = place(policy('standard'), [aws, wasabi, b2]);
    expect(placed.targets).toEqual([
      {
        destination: 'B2',
        reason: 'cheapest healthy warm destination of a provider not yet used (b2, 0.006/GB-month)',
      },
      {
        destination: 'Wasabi',
        reason: 'cheapest healthy warm destination of a provider not yet used (wasabi, 0.0069/GB-month)',
      },
    ]);
    const critical = place(policy('critical'), [vault, aws, nas]);
    expect(critical.targets.map((t) => t.reason)).toEqual([
      'cheapest healthy warm destination of a provider not yet used, off the laptop (local-nas, 0/GB-month)',
      'cheapest healthy warm destination of a provider not yet used, off the laptop (aws STANDARD, 0.023/GB-month)',
    ]);
    expect(critical.targets[1]!.storageClass).toBe('STANDARD');
  });

  it('breaks ties by name, whatever the order of the candidates', () => {
    const x = dest('Xray', { costPerGBMonth: 0.005 });
    const a = dest('Alpha', { costPerGBMonth: 0.005 });
    const m = dest('Mike', { costPerGBMonth: 0.005 });
    for (const order of [
      [x, a, m],
      [m, x, a],
      [a, m, x],
    ]) {
      expect(sorted(names(place(policy('standard'), order)))).toEqual(['Alpha', 'Mike']);
    }
  });

  it('prefers healthy destinations over cheaper degraded ones', () => {
    const placed = place(policy('standard'), [{ ...b2, health: 'degraded' }, aws, wasabi]);
    expect(sorted(names(placed))).toEqual(['S3', 'Wasabi']);
    // Cheapest among the healthy ones: B2 is cheaper but degraded.
    expect(placed.targets.find((t) => t.destination === 'S3')!.reason).toMatch(
      /^cheapest healthy warm destination/,
    );
  });

  it('uses a degraded destination only when the policy needs it', () => {
    // S3 and Glacier are both aws: two providers are only possible with the degraded B2.
    const placed = place(policy('standard'), [{ ...b2, health: 'degraded' }, aws, glacier]);
    expect(placed.satisfied).toBe(true);
    expect(sorted(names(placed))).toEqual(['B2', 'Glacier']);
    expect(placed.targets.find((t) => t.destination === 'B2')!.reason).toContain(
      'degraded, but no choice of healthy',
    );
  });

  it('replaces a down destination by the best healthy alternate, and returns to it once it is back', () => {
    const normal = place(policy('standard'), [aws, b2, wasabi, gcs]);
    expect(sorted(names(normal))).toEqual(['B2', 'Wasabi']);
    const failover = place(policy('standard'), [aws, { ...b2, health: 'down' }, wasabi, gcs]);
    expect(failover.satisfied).toBe(true);
    expect(sorted(names(failover))).toEqual(['GCS', 'Wasabi']);
    expect(failover.targets.find((t) => t.destination === 'GCS')!.reason).toMatch(
      /^stands in for 'B2' \(down\): cheapest healthy/,
    );
    expect(failover.targets.find((t) => t.destination === 'Wasabi')!.reason).not.toContain('stands in');
    // Recovered: the same call with B2 healthy gives the normal choice again.
    expect(place(policy('standard'), [aws, b2, wasabi, gcs])).toEqual(normal);
  });

  it('does not count a copy on a down destination', () => {
    const placed = place(policy('standard'), [{ ...b2, health: 'down', alreadyHas: true }, wasabi, aws]);
    expect(sorted(names(placed))).toEqual(['S3', 'Wasabi']);
  });

  it('skips destinations without room, unless they already hold the object', () => {
    const size = 5 * GB;
    const cases: [freeBytes: number | null, alreadyHas: boolean, used: boolean][] = [
      [null, false, true],
      [size, false, true],
      [size - 1, false, false],
      [0, false, false],
      [0, true, true],
    ];
    for (const [freeBytes, alreadyHas, used] of cases) {
      const placed = place(policy('standard'), [{ ...b2, freeBytes, alreadyHas }, wasabi, aws], size);
      expect(names(placed).includes('B2'), `free ${freeBytes}, has ${alreadyHas}`).toBe(used);
      expect(placed.satisfied).toBe(true);
    }
    const full = place(policy('standard'), [{ ...b2, freeBytes: GB }, wasabi, aws], size);
    expect(full.targets.find((t) => t.destination === 'S3')!.reason).toMatch(/^stands in for 'B2' \(full\)/);
  });

  it('keeps copies already stored rather than uploading cheaper ones', () => {
    const placed = place(policy('standard'), [{ ...aws, alreadyHas: true }, b2, wasabi]);
    expect(sorted(names(placed))).toEqual(['B2', 'S3']);
    expect(placed.targets[0]).toEqual({
      destination: 'S3',
      storageClass: 'STANDARD',
      reason: 'already holds a warm copy, of a provider not yet used (aws STANDARD, 0.023/GB-month)',
    });
  });

  it('reports what is missing when the policy cannot be met, and still does what it can', () => {
    const placed = place(
      policy('critical'),
      [vault, t7, { ...b2, health: 'down' }, { ...aws, freeBytes: 0 }],
      2 * GB,
    );
    expect(placed.satisfied).toBe(false);
    expect(sorted(names(placed))).toEqual(['T7', 'Vault']);
    expect(placed.shortfall).toBe(
      'the critical policy needs 2 copies on 2 different providers, 2 off the laptop, 2 warm; ' +
        "possible now: only 0 off the laptop. Not usable: 'B2' is down; 'S3' is full (0 B free, the object is 2.0 GB)",
    );
    const alone = place(policy('standard'), [vault, photos2]);
    expect(alone.satisfied).toBe(false);
    expect(alone.shortfall).toMatch(/possible now: only 1 provider \(local-disk1\)$/);
    expect(sorted(names(alone))).toEqual(['Photos2', 'Vault']);
    const none = place(policy('standard'), []);
    expect(none).toEqual({
      targets: [],
      satisfied: false,
      shortfall:
        'the standard policy needs 2 copies on 2 different providers, 1 warm; possible now: no destination can take it',
    });
  });

  it('rejects two candidates with one name', () => {
    expect(() => cheapestDistinct.place({ size: 1, policy: policy('standard') }, [b2, b2])).toThrow(
      /listed twice/,
    );
  });
});
