import { describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../config/schema.js';
import { destinationFacts, providerOf, storageClassOf, temperatureOf } from './facts.js';
import { listPrice } from './prices.js';

const local = (path: string): DestinationConfig => ({ name: 'L', kind: 'local', path, enabled: true });
const s3 = (extra: Partial<Extract<DestinationConfig, { kind: 's3' }>> = {}): DestinationConfig => ({
  name: 'S3',
  kind: 's3',
  bucket: 'photos',
  region: 'eu-central-1',
  credentials: 'environment',
  enabled: true,
  ...extra,
});
const gcs: DestinationConfig = {
  name: 'G',
  kind: 'gcs',
  bucket: 'photos',
  credentials: 'environment',
  enabled: true,
};
const azure: DestinationConfig = {
  name: 'A',
  kind: 'azure',
  container: 'photos',
  credentials: 'environment',
  enabled: true,
};
const b2: DestinationConfig = {
  name: 'B',
  kind: 'b2',
  bucket: 'photos',
  region: 'eu-central-003',
  credentials: 'environment',
  enabled: true,
};

describe('providerOf', () => {
  const cases: [label: string, d: DestinationConfig, device: string | null, provider: string][] = [
    ['a folder on a known disk', local('/Volumes/T7/Keepsake'), '16777232', 'local-16777232'],
    ['another folder on the same disk', local('/Volumes/T7/Other'), '16777232', 'local-16777232'],
    ['a folder on an unknown disk', local('/Volumes/T7/Keepsake/'), null, 'local-/Volumes/T7/Keepsake'],
    ['Amazon S3', s3(), null, 'aws'],
    [
      'S3 API at a regional AWS endpoint',
      s3({ endpoint: 'https://s3.eu-central-1.amazonaws.com' }),
      null,
      'aws',
    ],
    ['S3 API at Backblaze', s3({ endpoint: 'https://s3.eu-central-003.backblazeb2.com' }), null, 'b2'],
    ['S3 API at Cloudflare R2', s3({ endpoint: 'https://acc.r2.cloudflarestorage.com' }), null, 'cloudflare'],
    ['MinIO on a NAS, one port', s3({ endpoint: 'http://nas.local:9000' }), null, 's3-nas.local'],
    ['MinIO on the same NAS, another port', s3({ endpoint: 'http://nas.local:9001' }), null, 's3-nas.local'],
    ['Backblaze B2', b2, null, 'b2'],
    ['Wasabi', { ...b2, kind: 'wasabi' }, null, 'wasabi'],
    ['Google Cloud Storage', gcs, null, 'gcs'],
    [
      'a GCS emulator',
      { ...gcs, apiEndpoint: 'http://127.0.0.1:4443' } as DestinationConfig,
      null,
      'gcs-127.0.0.1',
    ],
    ['Azure', azure, null, 'azure'],
    [
      'Azure with its account endpoint',
      { ...azure, endpoint: 'https://acct.blob.core.windows.net' } as DestinationConfig,
      null,
      'azure',
    ],
    [
      'Azurite',
      { ...azure, endpoint: 'http://127.0.0.1:10000/devstoreaccount1' } as DestinationConfig,
      null,
      'azure-127.0.0.1',
    ],
  ];
  it.each(cases)('%s', (_label, d, device, provider) => {
    expect(providerOf(d, device)).toBe(provider);
  });
});

describe('storage classes', () => {
  const cases: [cls: string | null, t: 'warm' | 'cold'][] = [
    [null, 'warm'],
    ['STANDARD', 'warm'],
    ['STANDARD_IA', 'warm'],
    ['GLACIER_IR', 'cold'],
    ['GLACIER', 'cold'],
    ['DEEP_ARCHIVE', 'cold'],
    ['NEARLINE', 'warm'],
    ['COLDLINE', 'cold'],
    ['ARCHIVE', 'cold'],
    ['Hot', 'warm'],
    ['Cool', 'warm'],
    ['Cold', 'cold'],
    ['Archive', 'cold'],
  ];
  it.each(cases)('%s is %s', (cls, t) => expect(temperatureOf(cls)).toBe(t));

  it('takes the configured class, S3 STANDARD by default, none for classless kinds', () => {
    expect(storageClassOf(s3())).toBe('STANDARD');
    expect(storageClassOf(s3({ storageClass: 'DEEP_ARCHIVE' }))).toBe('DEEP_ARCHIVE');
    expect(storageClassOf({ ...gcs, storageClass: 'COLDLINE' } as DestinationConfig)).toBe('COLDLINE');
    expect(storageClassOf(gcs)).toBeNull();
    expect(storageClassOf({ ...azure, accessTier: 'Archive' } as DestinationConfig)).toBe('Archive');
    expect(storageClassOf(b2)).toBeNull();
    expect(storageClassOf(local('/x'))).toBeNull();
  });
});

describe('listPrice', () => {
  it('orders providers and classes as their list prices do', () => {
    const price = (d: DestinationConfig) => listPrice(d);
    const aws = (storageClass?: 'STANDARD' | 'STANDARD_IA' | 'GLACIER' | 'DEEP_ARCHIVE') =>
      price(s3(storageClass ? { storageClass } : {}));
    expect(price(local('/Volumes/T7'))).toBe(0);
    expect(price(s3({ endpoint: 'http://nas.local:9000' }))).toBe(0);
    expect(aws('DEEP_ARCHIVE')).toBeLessThan(aws('GLACIER'));
    expect(aws('GLACIER')).toBeLessThan(aws('STANDARD_IA'));
    expect(aws('STANDARD_IA')).toBeLessThan(aws('STANDARD'));
    expect(aws()).toBe(aws('STANDARD'));
    expect(price(b2)).toBeLessThan(price({ ...b2, kind: 'wasabi' }));
    expect(price({ ...b2, kind: 'wasabi' })).toBeLessThan(price(gcs));
    expect(price({ ...azure, accessTier: 'Archive' } as DestinationConfig)).toBeLessThan(
      price({ ...azure, accessTier: 'Cool' } as DestinationConfig),
    );
    // B2 bills per 10^9 bytes: its 0.006 is per GB, so per GiB it is a little more.
    expect(price(b2)).toBeCloseTo(0.006 * 1.073741824, 9);
  });
});

describe('destinationFacts', () => {
  it('combines config, live state and price', () => {
    const facts = destinationFacts(
      s3({ storageClass: 'GLACIER' }),
      { health: 'degraded', alreadyHas: false, regionTags: ['EU'], freeBytes: 5 },
      listPrice,
    );
    expect(facts).toEqual({
      name: 'S3',
      provider: 'aws',
      kind: 's3',
      local: false,
      regionTags: ['EU'],
      health: 'degraded',
      freeBytes: 5,
      storageClass: 'GLACIER',
      temperature: 'cold',
      costPerGBMonth: 0.0036,
      alreadyHas: false,
    });
  });

  it('treats a folder as on the laptop unless told it is not (a NAS mount)', () => {
    const price = () => 0;
    const drive = destinationFacts(
      local('/Volumes/T7'),
      { health: 'healthy', alreadyHas: true, device: '7' },
      price,
    );
    expect(drive).toMatchObject({
      provider: 'local-7',
      local: true,
      freeBytes: null,
      regionTags: [],
      alreadyHas: true,
    });
    const mount = destinationFacts(
      local('/Volumes/NAS'),
      { health: 'healthy', alreadyHas: false, local: false },
      price,
    );
    expect(mount.local).toBe(false);
  });

  it('asks the price function about the configured destination', () => {
    const seen: unknown[] = [];
    const facts = destinationFacts(b2, { health: 'healthy', alreadyHas: false }, (d) => {
      seen.push(d);
      return 0.5;
    });
    expect(seen).toEqual([b2]);
    expect(facts.costPerGBMonth).toBe(0.5);
  });
});
